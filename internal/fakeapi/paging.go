package fakeapi

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cursors
//
// A next_page cursor is the standard base64 encoding of
//
//	<time of the next record, RFC 3339 with milliseconds>@<index, >= 9 digits>
//
// like the API documentation's example, which decodes to
// "2022-01-29T00:30:00.000Z@000008660". The index is the position where the
// next page starts: an index into Fleet.Records for plain records (whatever
// list the query scans), or into the query's grouped list for group=hours.
// Resuming is therefore O(1) (O(log n) for per-SIM lists) and a page costs
// O(page), never a rescan from the start. A cursor is accepted only if the
// record at its index has its time and matches the query; anything else is
// 400 invalid_next_page.

// cursorTimeLayout is the time layout inside cursors.
const cursorTimeLayout = "2006-01-02T15:04:05.000Z"

// encodeCursor returns the cursor of the record at index idx with time t.
func encodeCursor(t time.Time, idx int) string {
	var raw [48]byte
	b := t.UTC().AppendFormat(raw[:0], cursorTimeLayout)
	b = append(b, '@')
	b = fmt.Appendf(b, "%09d", idx)
	return base64.StdEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor made by encodeCursor.
func decodeCursor(s string) (t time.Time, idx int, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return t, 0, false
	}
	ts, is, found := strings.Cut(string(raw), "@")
	if !found || len(is) < 9 || !allDigits(is) {
		return t, 0, false
	}
	t, err = time.Parse(cursorTimeLayout, ts)
	if err != nil {
		return t, 0, false
	}
	idx, err = strconv.Atoi(is)
	if err != nil {
		return t, 0, false
	}
	return t, idx, true
}

// source is the ordered list of records one query pages through: positions
// lo..hi-1 of either recs itself (list == nil) or of list, whose entries are
// indexes into recs (a per-SIM index). Positions are filtered further by
// country and by the key's SIM scope; time filters are already applied
// through lo and hi.
type source struct {
	recs    []Record
	list    []int32 // nil: position p is recs[p]
	lo, hi  int
	country string  // lower case; "" matches everything
	allowed []bool  // per SIM index; nil: every SIM
	recSIM  []int32 // record index -> SIM index, used with allowed
}

// at returns the index into recs of position p.
func (s *source) at(p int) int {
	if s.list != nil {
		return int(s.list[p])
	}
	return p
}

// filtered reports whether positions need a per-record check.
func (s *source) filtered() bool { return s.country != "" || s.allowed != nil }

// matches reports whether the record at position p belongs to the result.
func (s *source) matches(p int) bool {
	g := s.at(p)
	if s.allowed != nil {
		if si := s.recSIM[g]; si < 0 || !s.allowed[si] {
			return false
		}
	}
	return s.country == "" || strings.EqualFold(s.recs[g].CountryCode, s.country)
}

// seek returns the first matching position >= p, or hi.
func (s *source) seek(p int) int {
	if !s.filtered() {
		return min(p, s.hi)
	}
	for p < s.hi && !s.matches(p) {
		p++
	}
	return p
}

// skip returns the position after skipping n matching records from p (n is
// the offset parameter): O(1) when no per-record check is needed.
func (s *source) skip(p, n int) int {
	if !s.filtered() {
		if n >= s.hi-p {
			return s.hi
		}
		return p + n
	}
	for ; n > 0; n-- {
		p = s.seek(p)
		if p >= s.hi {
			return s.hi
		}
		p++
	}
	return p
}

// restrictTime narrows [lo, hi) to the records with from <= Time < to, by
// binary search: records (and per-SIM lists) are sorted by time.
func (s *source) restrictTime(from, to time.Time) {
	n := s.hi - s.lo
	timeAt := func(i int) time.Time { return s.recs[s.at(s.lo+i)].Time }
	lo := sort.Search(n, func(i int) bool { return !timeAt(i).Before(from) })
	hi := sort.Search(n, func(i int) bool { return !timeAt(i).Before(to) })
	s.lo, s.hi = s.lo+lo, s.lo+hi
}

// resume returns the position a cursor points at, if it fits this source.
func (s *source) resume(cursor string) (int, bool) {
	t, g, ok := decodeCursor(cursor)
	if !ok || g < 0 || g >= len(s.recs) || !s.recs[g].Time.Truncate(time.Millisecond).Equal(t) {
		return 0, false
	}
	p := g
	if s.list != nil {
		p = sort.Search(len(s.list), func(i int) bool { return int(s.list[i]) >= g })
		if p == len(s.list) || int(s.list[p]) != g {
			return 0, false
		}
	}
	if p < s.lo || p >= s.hi || !s.matches(p) {
		return 0, false
	}
	return p, true
}

// cursorAt returns the cursor of position p.
func (s *source) cursorAt(p int) string {
	g := s.at(p)
	return encodeCursor(s.recs[g].Time, g)
}

// page is the usage page that starts at position start, after skipping
// offset matching records, with at most limit records. has_more is true iff
// a matching record follows the page; next_page is then its cursor.
func (s *source) page(start, offset, limit int) usagePage {
	p := s.skip(start, offset)
	out := usagePage{Usage: make([]Record, 0, min(limit, s.hi-p))}
	for len(out.Usage) < limit {
		if p = s.seek(p); p >= s.hi {
			break
		}
		out.Usage = append(out.Usage, s.recs[s.at(p)])
		p++
	}
	if p = s.seek(p); p < s.hi {
		out.Pagination = pagination{HasMore: true, NextPage: s.cursorAt(p)}
	}
	return out
}
