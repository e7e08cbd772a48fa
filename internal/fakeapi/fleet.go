package fakeapi

import (
	"iter"
	"sort"
	"sync"
	"time"
)

// Record is one usage record: one chunk (about 15 minutes) of a data
// session, exactly as the API reports it.
type Record struct {
	Time        time.Time // UTC, whole seconds
	BillID      string    // UUID; empty in group=hours records
	SimID       string    // 9 digits, zero padded
	ICCID       string    // 19-20 digits
	SessionID   string    // UUID; empty in group=hours records
	Bytes       int64     // total bytes of the chunk (no up/down split)
	CountryCode string    // ISO 3166 alpha-2, lower case
	NetworkType string    // "2G", "3G", "4G", "LTE-M", "NB-IoT"
	MCC, MNC    string    // strings that keep their leading zeros ("06")
}

// SIM is one SIM card of the organisation.
type SIM struct {
	ID    string   // 9 digits, zero padded
	ICCID string   // 19-20 digits, Luhn checked
	Label string   // human readable name; "" for a SIM without one
	Tags  []string // IDs of the tags the SIM carries

	// What GET /sims shows besides. A SIM's network, online_at and its data
	// limit's use come from its usage records (see Server.Period).
	IMEI             string // 15 digits; "" for none
	NetworkWhitelist string // such as "Global"
	Connector        string // "" for none
	Activated        bool
	Online           bool       // online at the end of the period
	DataLimit        *DataLimit // nil: the SIM has no data limit
}

// DataLimit is the data limit of a SIM. Its use in the current period is
// not stored: the server sums the SIM's records of the period.
type DataLimit struct {
	Total int64  // bytes allowed per period
	Type  string // "monthly"
	// AlertThreshold is headroom below Total, in bytes (the alert fires at
	// Total - AlertThreshold); sent as a plain number when > 0, else as null.
	AlertThreshold int64
	// UsedNull makes the API send "used": null, as public clients have seen
	// it do.
	UsedNull bool
}

// Tag is one tag of the organisation.
type Tag struct {
	ID   string // UUID
	Name string
}

// Fleet is the organisation a Server serves: its SIMs, tags and usage.
//
// Records are sorted by (Time, SimID) and a Fleet is never mutated once it
// has been handed to a Server or used through its methods; share it freely.
//
// A Fleet may also be written as a literal (for hand-made test data). Its
// lookup indexes are built lazily on first use; if the Records of such a
// literal are not sorted by (Time, SimID), that first use sorts them in
// place (stable), so build the literal completely before using it.
type Fleet struct {
	SIMs    []SIM
	Tags    []Tag
	Records []Record

	indexOnce sync.Once
	index     *fleetIndex
	gen       *alwaysOn // the usage of an always-on fleet; nil: Records
}

// SIMByID returns the SIM whose ID or ICCID is idOrICCID.
func (f *Fleet) SIMByID(idOrICCID string) (SIM, bool) {
	i, ok := f.idx().simByKey[idOrICCID]
	if !ok {
		return SIM{}, false
	}
	return f.SIMs[i], true
}

// TagByID returns the tag whose ID is id.
func (f *Fleet) TagByID(id string) (Tag, bool) {
	i, ok := f.idx().tagByID[id]
	if !ok {
		return Tag{}, false
	}
	return f.Tags[i], true
}

// TagTotal returns the sum of Bytes over all records whose SIM carries the
// tag tagID (0 for an unknown tag or a tag no SIM carries). It is what the
// tag-total endpoint answers.
func (f *Fleet) TagTotal(tagID string) int64 {
	return f.idx().tagTotal[tagID]
}

// TagSIMCount returns how many SIMs carry the tag tagID.
func (f *Fleet) TagSIMCount(tagID string) int {
	return len(f.idx().tagSIMs[tagID])
}

// RecordsOf returns the records of one SIM (by ID or ICCID), in order. The
// result is a fresh slice; nil for an unknown SIM.
func (f *Fleet) RecordsOf(idOrICCID string) []Record {
	ix := f.idx()
	i, ok := ix.simByKey[idOrICCID]
	if !ok {
		return nil
	}
	if g := f.gen; g != nil {
		lo, hi := g.steps(i, g.start, g.end)
		out := make([]Record, 0, hi-lo)
		for k := lo; k < hi; k++ {
			out = append(out, g.record(i, k))
		}
		return out
	}
	list := ix.bySIM[i]
	out := make([]Record, len(list))
	for j, g := range list {
		out[j] = f.Records[g]
	}
	return out
}

// Usage yields the records that start in [from, to), in the API's order
// (by time, then SIM id): the records of Records, or those an always-on
// fleet makes on demand, which are never stored.
func (f *Fleet) Usage(from, to time.Time) iter.Seq[Record] {
	lo, hi := ceilUnix(from), ceilUnix(to) // records start on whole seconds
	if f.gen != nil {
		return f.gen.records(lo, hi)
	}
	recs := f.Records
	f.idx() // sorts a hand-made fleet's records
	i := sort.Search(len(recs), func(i int) bool { return recs[i].Time.Unix() >= lo })
	return func(yield func(Record) bool) {
		for ; i < len(recs) && recs[i].Time.Unix() < hi; i++ {
			if !yield(recs[i]) {
				return
			}
		}
	}
}

// Extent returns how many records the fleet has, and the start times of
// the first and the last (zero without records).
func (f *Fleet) Extent() (n int64, first, last time.Time) {
	g := f.gen
	if g == nil {
		if len(f.Records) > 0 {
			f.idx()
			first, last = f.Records[0].Time, f.Records[len(f.Records)-1].Time
		}
		return int64(len(f.Records)), first, last
	}
	for i := range g.per {
		lo, hi := g.steps(int32(i), g.start, g.end)
		if lo == hi {
			continue
		}
		a, b := time.Unix(g.at(int32(i), lo), 0).UTC(), time.Unix(g.at(int32(i), hi-1), 0).UTC()
		if n == 0 || a.Before(first) {
			first = a
		}
		if n == 0 || b.After(last) {
			last = b
		}
		n += hi - lo
	}
	return n, first, last
}

// firstRecord is the first record of SIM index i, if it has any.
func (f *Fleet) firstRecord(i int) (Record, bool) {
	if g := f.gen; g != nil {
		lo, hi := g.steps(int32(i), g.start, g.end)
		return g.record(int32(i), lo), lo < hi
	}
	if list := f.idx().bySIM[i]; len(list) > 0 {
		return f.Records[list[0]], true
	}
	return Record{}, false
}

// ceilUnix is t in Unix seconds, rounded up.
func ceilUnix(t time.Time) int64 {
	if t.Truncate(time.Second).Equal(t) {
		return t.Unix()
	}
	return t.Unix() + 1
}

var (
	defaultFleetOnce sync.Once
	defaultFleet     *Fleet
)

// DefaultFleet returns NewFleet(FleetOptions{Seed: 1}) with every other
// option at its default: 48 SIMs, 4 months of usage from 2025-01-01 UTC.
// It is built once and shared by every caller, so treat it as read-only.
func DefaultFleet() *Fleet {
	defaultFleetOnce.Do(func() {
		defaultFleet = NewFleet(FleetOptions{Seed: DefaultSeed})
	})
	return defaultFleet
}
