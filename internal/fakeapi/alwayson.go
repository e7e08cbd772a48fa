package fakeapi

import (
	"iter"
	"slices"
	"time"
)

// An always-on fleet (FleetOptions.AlwaysOn): every SIM reports one record
// every 15 minutes, around the clock, from the fleet's start to its end. A
// month of 5,000 such SIMs is about 15 million records, so they are never
// stored: a record is a pure function of its SIM and its time step, made
// when a page or a sum asks for it.
//
// SIM i reports at start + k*15min + phase_i for every step k >= 0 whose
// time lies before the end; phase_i (under 15 minutes) is fixed per SIM, so
// a window edge cuts through a step SIM by SIM. Country, network and
// network type are fixed per SIM; the bytes of a record vary around a
// per-SIM mean, set so that a 31-day month uses 30-129% of the SIM's
// monthly limit, 130-2129% for every twelfth SIM from the sixth on (those
// with an alert threshold: some reach their alert level on any day of a
// month), and 1000% for every 50th from the eighth on (runaways). Records
// of one SIM and day share a session id.

// stepsPerDay is the records an always-on SIM reports a day.
const stepsPerDay = 24 * 3600 / chunkSeconds

// Salts of the always-on generator's hashes.
const (
	saltSIM  = 0x51d0_0000_0000_0000
	saltByte = 0xb7e5_0000_0000_0000
)

// alwaysOn generates the usage of an always-on fleet.
type alwaysOn struct {
	start, end int64 // Unix seconds: start at UTC midnight; records start before end
	salt       uint64
	sims       []SIM
	per        []aoSIM
	byPhase    []int32 // SIM indexes in the API's order within a step: by (phase, id)
	byID       []int32 // SIM indexes in id order: the order of group=hours records
	totals     []int64 // bytes of every record of each SIM
}

// aoSIM is what is fixed about one always-on SIM's records.
type aoSIM struct {
	phase, mean             int64
	country, tech, mcc, mnc string
}

// newAlwaysOn returns the generator of sims' usage in [start, end).
func newAlwaysOn(seed int64, sims []SIM, profiles []simProfile, start, end int64) *alwaysOn {
	g := &alwaysOn{start: start, end: end, salt: mix64(uint64(seed)), sims: sims, per: make([]aoSIM, len(sims))}
	for i, p := range profiles {
		h := mix64(g.salt + saltSIM + uint64(i))
		c := countries[p.home]
		nw := c.networks[h%uint64(len(c.networks))]
		pct := int64(30 + h>>8%100)
		switch {
		case i%50 == 7:
			pct = 1000
		case i%12 == 5: // these carry an alert threshold (setSIMDetails)
			pct = int64(130 + h>>8%2000)
		}
		g.per[i] = aoSIM{phase: int64(h >> 16 % chunkSeconds), mean: max(1, p.kind.limit*pct/100/(31*stepsPerDay)),
			country: c.code, tech: p.kind.tech[h>>32%5/4], mcc: nw.mcc, mnc: nw.mnc}
		g.byID = append(g.byID, int32(i))
	}
	g.byPhase = slices.Clone(g.byID)
	slices.SortStableFunc(g.byPhase, func(a, b int32) int { return int(g.per[a].phase - g.per[b].phase) })
	g.totals = make([]int64, len(sims))
	for i := range sims {
		g.totals[i] = g.sum(int32(i), start, end)
	}
	return g
}

// at is the time of SIM i's record at step k.
func (g *alwaysOn) at(i int32, k int64) int64 { return g.start + k*chunkSeconds + g.per[i].phase }

// bytes is the bytes of SIM i's record at step k: uniform in
// [mean/2, mean*3/2].
func (g *alwaysOn) bytes(i int32, k int64) int64 {
	m := g.per[i].mean
	return m/2 + int64(mix64(g.salt+saltByte+uint64(i)<<32+uint64(k))%uint64(m+1))
}

// steps returns the steps [lo, hi) of SIM i whose records start in
// [from, to) and before the end.
func (g *alwaysOn) steps(i int32, from, to int64) (lo, hi int64) {
	first := func(t int64) int64 { // the first step starting at or after t
		return max(0, floorDiv(t-g.start-g.per[i].phase+chunkSeconds-1, chunkSeconds))
	}
	return first(from), max(first(from), first(min(to, g.end)))
}

// sum is the bytes of SIM i's records that start in [from, to).
func (g *alwaysOn) sum(i int32, from, to int64) int64 {
	lo, hi := g.steps(i, from, to)
	var n int64
	for k := lo; k < hi; k++ {
		n += g.bytes(i, k)
	}
	return n
}

// base is a record of SIM i at Unix second t, without ids or bytes.
func (g *alwaysOn) base(i int32, t int64) Record {
	s, p := &g.sims[i], &g.per[i]
	return Record{Time: time.Unix(t, 0).UTC(), SimID: s.ID, ICCID: s.ICCID,
		CountryCode: p.country, NetworkType: p.tech, MCC: p.mcc, MNC: p.mnc}
}

// record is SIM i's record at step k.
func (g *alwaysOn) record(i int32, k int64) Record {
	r := g.base(i, g.at(i, k))
	key := g.salt + uint64(i)<<32
	var bill, session [uuidLen]byte
	r.BillID = string(appendUUID(bill[:0], mix64(key+saltBill+uint64(k)), mix64(key+saltBill+uint64(k)+1<<31)))
	r.SessionID = string(appendUUID(session[:0], mix64(key+saltSession+uint64(k/stepsPerDay)), mix64(key+saltSession)))
	r.Bytes = g.bytes(i, k)
	return r
}

// hour is SIM i's group=hours record of hour h (counted from the start):
// the sum of its records that start in the hour.
func (g *alwaysOn) hour(i int32, h int64) Record {
	from := g.start + h*3600
	r := g.base(i, from)
	r.Bytes = g.sum(i, from, from+3600)
	return r
}

// records yields the records that start in [from, to), in the API's
// order: by time, then SIM id.
func (g *alwaysOn) records(from, to int64) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		from, to = max(from, g.start), min(to, g.end)
		for k := floorDiv(from-g.start, chunkSeconds); g.start+k*chunkSeconds < to; k++ {
			for _, i := range g.byPhase {
				if t := g.at(i, k); t >= from && t < to && !yield(g.record(i, k)) {
					return
				}
			}
		}
	}
}

// last is SIM i's last record before t, if any.
func (g *alwaysOn) last(i int32, t int64) (Record, bool) {
	_, hi := g.steps(i, g.start, t)
	if hi == 0 {
		return Record{}, false
	}
	return g.record(i, hi-1), true
}
