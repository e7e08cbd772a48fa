package fakeapi

import (
	"slices"
	"sync"
	"time"
)

// group=hours
//
// The API documents group=hours only as "grouping the records by hours or
// not". The fake aggregates records per (SIM, UTC hour, country_code,
// network_type, mcc, mnc): time is the start of the hour, bytes the sum, and
// bill_id and session_id are left out (one grouped record spans several
// bills and possibly several sessions). Grouped records are ordered by
// (time, sim_id, country_code, network_type, mcc, mnc) and paged exactly like
// plain records. Each distinct filter set materialises its grouped list
// once; the list is cached on the Server.

// groupKey identifies one grouped record within an hour.
type groupKey struct{ simID, country, tech, mcc, mnc string }

// groupHours aggregates the matching records of src per hour. src's records
// are sorted by time, so one hour is complete once the scan has passed it;
// the map only ever holds one hour.
func groupHours(src *source) []Record {
	var out []Record
	hourIdx := make(map[groupKey]int)
	hourStart := 0 // index in out of the current hour's first group
	var curHour int64 = -1 << 62
	flush := func() {
		slices.SortFunc(out[hourStart:], compareGrouped)
		hourStart = len(out)
		clear(hourIdx)
	}
	for p := src.seek(src.lo); p < src.hi; p = src.seek(p + 1) {
		g := src.at(p)
		r := &src.recs[g]
		h := floorDiv(r.Time.Unix(), 3600) * 3600
		if h != curHour {
			flush()
			curHour = h
		}
		k := groupKey{r.SimID, r.CountryCode, r.NetworkType, r.MCC, r.MNC}
		if i, ok := hourIdx[k]; ok {
			out[i].Bytes += r.Bytes
			continue
		}
		hourIdx[k] = len(out)
		out = append(out, Record{
			Time:        time.Unix(h, 0).UTC(),
			SimID:       r.SimID,
			ICCID:       r.ICCID,
			Bytes:       r.Bytes,
			CountryCode: r.CountryCode,
			NetworkType: r.NetworkType,
			MCC:         r.MCC,
			MNC:         r.MNC,
		})
	}
	flush()
	return slices.Clip(out)
}

// compareGrouped orders grouped records of one hour.
func compareGrouped(a, b Record) int {
	if c := compareRecords(a, b); c != 0 {
		return c
	}
	for _, pair := range [...][2]string{
		{a.CountryCode, b.CountryCode}, {a.NetworkType, b.NetworkType},
		{a.MCC, b.MCC}, {a.MNC, b.MNC},
	} {
		switch {
		case pair[0] < pair[1]:
			return -1
		case pair[0] > pair[1]:
			return 1
		}
	}
	return 0
}

// floorDiv is a / b rounded towards minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Cache bounds: derived lists are dropped wholesale when either is passed.
const (
	maxCachedLists   = 32
	maxCachedRecords = 4_000_000
)

// listCache caches derived record lists (group=hours results) by key.
// Derived lists are immutable once stored.
type listCache struct {
	mu      sync.Mutex
	lists   map[string][]Record
	records int
}

// get returns the list stored under key, building and storing it on a miss.
// Concurrent misses may build the same list twice; both results are equal.
func (c *listCache) get(key string, build func() []Record) []Record {
	c.mu.Lock()
	l, ok := c.lists[key]
	c.mu.Unlock()
	if ok {
		return l
	}
	l = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil || len(c.lists) >= maxCachedLists || c.records+len(l) > maxCachedRecords {
		c.lists, c.records = make(map[string][]Record), 0
	}
	if _, dup := c.lists[key]; !dup {
		c.lists[key] = l
		c.records += len(l)
	}
	return l
}
