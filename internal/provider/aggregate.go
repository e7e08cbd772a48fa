package provider

import (
	"fmt"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// unknownKey is the map key for records that lack the field a map is keyed
// by, so that every map still adds up to total_bytes.
const unknownKey = "unknown"

// usageAggregate sums usage records while they stream in, page by page. With
// keepRecords false its memory is bounded by the number of distinct SIMs,
// countries, network types and days, never by the number of records.
type usageAggregate struct {
	keepRecords bool
	records     []onomondo.Record

	count     int64
	total     int64
	bySim     map[string]int64
	byCountry map[string]int64
	byNetwork map[string]int64
	byDay     map[string]int64 // UTC date "YYYY-MM-DD"
	iccid     string           // first ICCID seen

	// scope, when set, decides record by record which records count (a
	// window, a set of SIMs); nil counts every record read.
	scope *recordScope
	clock recordClock
}

func newUsageAggregate(keepRecords bool) *usageAggregate {
	return &usageAggregate{
		keepRecords: keepRecords,
		bySim:       map[string]int64{},
		byCountry:   map[string]int64{},
		byNetwork:   map[string]int64{},
		byDay:       map[string]int64{},
	}
}

// add takes one page of records. The page's slice is reused by the client,
// so records are copied when kept.
func (a *usageAggregate) add(page []onomondo.Record) error {
	// Countries, network types and days take a handful of values per page:
	// they are summed per page in a few slots (the client hands out one
	// string per distinct country and network value, so comparing is
	// cheap) and reach the maps once per page.
	var countries, networks, days pageSums
	defer countries.flush(a.byCountry)
	defer networks.flush(a.byNetwork)
	defer days.flush(a.byDay)
	for i := range page {
		r := &page[i]
		t, day, timeOK := a.clock.read(r.Time)
		if a.scope != nil {
			counts, err := a.scope.counts(r, t, timeOK)
			if err != nil {
				return err
			}
			if !counts {
				continue
			}
		}
		if !timeOK {
			day = unknownKey
		}
		b := r.Bytes.Value
		if a.total+b < a.total {
			return fmt.Errorf("total_bytes overflows a 64-bit integer after %d records", a.count)
		}
		a.total += b
		a.count++
		a.bySim[keyOr(r.SimID, r.ICCID)] += b
		countries.add(a.byCountry, keyOr(r.CountryCode, ""), b)
		networks.add(a.byNetwork, keyOr(r.NetworkType, ""), b)
		days.add(a.byDay, day, b)
		if a.iccid == "" && r.ICCID != "" {
			a.iccid = r.ICCID
		}
		if a.keepRecords {
			a.records = append(a.records, *r)
		}
	}
	return nil
}

// merge adds the sums and records of b, a read of its own, to a.
func (a *usageAggregate) merge(b *usageAggregate) error {
	if a.total+b.total < a.total {
		return fmt.Errorf("total_bytes overflows a 64-bit integer after %d records", a.count+b.count)
	}
	a.total += b.total
	a.count += b.count
	for _, m := range []struct{ to, from map[string]int64 }{
		{a.bySim, b.bySim}, {a.byCountry, b.byCountry}, {a.byNetwork, b.byNetwork}, {a.byDay, b.byDay},
	} {
		for k, v := range m.from {
			m.to[k] += v
		}
	}
	if a.iccid == "" {
		a.iccid = b.iccid
	}
	a.records = append(a.records, b.records...)
	return nil
}

// pageSums sums bytes per key over one page in a few slots; keys beyond
// them go straight to the map.
type pageSums struct {
	n    int
	keys [8]string
	sums [8]int64
}

func (s *pageSums) add(m map[string]int64, k string, b int64) {
	for i := range s.n {
		if s.keys[i] == k {
			s.sums[i] += b
			return
		}
	}
	if s.n < len(s.keys) {
		s.keys[s.n], s.sums[s.n] = k, b
		s.n++
		return
	}
	m[k] += b
}

// flush adds the page's sums to m.
func (s *pageSums) flush(m map[string]int64) {
	for i := range s.n {
		m[s.keys[i]] += s.sums[i]
	}
}

// simCount is the number of distinct SIMs seen.
func (a *usageAggregate) simCount() int64 {
	n := int64(len(a.bySim))
	if _, ok := a.bySim[unknownKey]; ok {
		n-- // records without a SIM are not a SIM
	}
	return n
}

func keyOr(k, fallback string) string {
	if k != "" {
		return k
	}
	if fallback != "" {
		return fallback
	}
	return unknownKey
}
