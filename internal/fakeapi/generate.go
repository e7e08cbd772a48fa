package fakeapi

import (
	"fmt"
	"slices"
	"time"
)

// Defaults of FleetOptions.
const (
	DefaultSeed   = 1  // seed of DefaultFleet
	DefaultSIMs   = 48 // SIMs of a fleet when FleetOptions.SIMs is 0
	DefaultMonths = 4  // months of usage when FleetOptions.Months is 0
)

// DefaultStart is the first day of usage when FleetOptions.Start is zero.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// FleetOptions configures NewFleet.
type FleetOptions struct {
	Seed   int64     // same seed => byte-identical fleet
	SIMs   int       // number of SIMs (default 48)
	Start  time.Time // first day, truncated to UTC midnight (default 2025-01-01; see End)
	Months int       // months of usage from Start (default 4)
	// End, if set, ends the data: every record starts before it (rounded
	// up to a whole second). time.Now() gives a fleet whose usage runs up
	// to the present. With Start zero, Start is then the first day of the
	// month Months-1 months before End's. Zero: Start plus Months.
	End time.Time
	// AlwaysOn makes every SIM report a record every 15 minutes, around
	// the clock (96 a day), made on demand rather than stored: Records
	// stays empty however large the fleet (see alwayson.go).
	AlwaysOn bool
}

// withDefaults fills in the zero fields of o.
func (o FleetOptions) withDefaults() FleetOptions {
	if o.SIMs <= 0 {
		o.SIMs = DefaultSIMs
	}
	if o.Months <= 0 {
		o.Months = DefaultMonths
	}
	if end := o.End.UTC(); !end.IsZero() {
		if o.End = end.Truncate(time.Second); o.End.Before(end) {
			o.End = o.End.Add(time.Second)
		}
		if o.Start.IsZero() { // the month of the data's last instant, and the months before
			y, m, _ := o.End.Add(-time.Second).Date()
			o.Start = time.Date(y, m-time.Month(o.Months-1), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	y, m, d := o.Start.UTC().Date()
	o.Start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if o.End.IsZero() {
		o.End = o.Start.AddDate(0, o.Months, 0)
	}
	return o
}

// network is one mobile network (PLMN).
type network struct{ mcc, mnc string }

// country is a country and the networks a SIM may attach to there.
type country struct {
	code     string
	networks []network
}

// countries are the countries of the generated usage. MNCs are strings:
// "06" keeps its zero, "260" is a three digit MNC.
var countries = []country{
	{"dk", []network{{"238", "01"}, {"238", "02"}, {"238", "06"}, {"238", "20"}, {"238", "66"}}},
	{"se", []network{{"240", "01"}, {"240", "02"}, {"240", "07"}}},
	{"no", []network{{"242", "01"}, {"242", "02"}}},
	{"de", []network{{"262", "01"}, {"262", "02"}, {"262", "03"}}},
	{"gb", []network{{"234", "10"}, {"234", "15"}, {"234", "30"}}},
	{"nl", []network{{"204", "04"}, {"204", "08"}, {"204", "16"}}},
	{"fr", []network{{"208", "01"}, {"208", "10"}}},
	{"us", []network{{"310", "260"}, {"310", "410"}}},
}

// homeCountries weights the home country of a SIM (indexes into countries):
// mostly Denmark, then the neighbours.
var homeCountries = []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 7}

// simKind is a kind of device, which shapes its traffic.
type simKind struct {
	name     string
	tech     [2]string // preferred and fallback network type
	minBytes int64     // bytes of a full chunk: minBytes + [0, spread)
	spread   int64
	roamPct  int   // chance (percent) that a session is abroad
	limit    int64 // monthly data limit in bytes, near a month's typical use
}

var simKinds = []simKind{
	{"tracker", [2]string{"LTE-M", "2G"}, 2_000, 120_000, 25, 5_000_000},
	{"meter", [2]string{"NB-IoT", "LTE-M"}, 200, 4_000, 0, 500_000},
	{"router", [2]string{"4G", "3G"}, 200_000, 8_000_000, 5, 500_000_000},
	{"gateway", [2]string{"LTE-M", "4G"}, 20_000, 900_000, 10, 50_000_000},
}

// tagNames are the tags of a generated fleet. The last one,
// "decommissioned", is carried by no SIM (its total is 0).
var tagNames = []string{
	"production", "cold-chain", "fleet-north", "fleet-south",
	"field-test", "roaming-eu", "decommissioned",
}

// Session shape: chunks of chunkSeconds; 1..maxChunks chunks a session;
// between sessions a pause of minPause + [0, 2*meanGap) where meanGap is
// drawn per SIM from [minMeanGap, minMeanGap+meanGapSpread).
const (
	chunkSeconds  = 15 * 60
	maxChunks     = 4
	minPause      = 30 * 60
	minMeanGap    = 6 * 3600
	meanGapSpread = 24 * 3600
)

// simProfile is what the generator knows about one SIM.
type simProfile struct {
	kind    simKind
	home    int   // index into countries
	meanGap int64 // seconds
	dormant bool  // never produces usage
}

// NewFleet builds a deterministic fleet: the same options give a
// byte-identical fleet, on every platform.
//
// SIM IDs are increasing zero padded 9 digit numbers; ICCIDs are
// "8945738730" + SIM ID + Luhn digit (20 digits), every fifth one a 19 digit
// variant. The fleet has seven tags; every SIM but a few carries one or two
// of the first six; "decommissioned" is carried by no SIM. The last SIM is
// dormant (no usage at all). Usage is made of sessions of 1-4 chunks 15
// minutes apart, mostly at home, sometimes roaming. Every ninth SIM has no
// label; the other details GET /sims shows follow setSIMDetails. With
// AlwaysOn the SIMs, their ids and tags are the same, every one of them is
// activated, online and reporting, and the usage is alwaysOn's.
func NewFleet(opts FleetOptions) *Fleet {
	opts = opts.withDefaults()
	rng := newPRNG(opts.Seed)

	f := &Fleet{Tags: make([]Tag, len(tagNames))}
	for i, name := range tagNames {
		f.Tags[i] = Tag{ID: rng.uuid(), Name: name}
	}

	f.SIMs = make([]SIM, opts.SIMs)
	profiles := make([]simProfile, opts.SIMs)
	id := 1000 + rng.intn(9000)
	for i := range f.SIMs {
		id += 1 + rng.intn(40)
		kind := simKinds[rng.intn(len(simKinds))]
		simID := fmt.Sprintf("%09d", id)
		prefix := "8945738730"
		if i%5 == 4 {
			prefix = "894573873"
		}
		body := prefix + simID
		f.SIMs[i] = SIM{
			ID:    simID,
			ICCID: body + string(luhnCheckDigit(body)),
			Label: fmt.Sprintf("%s-%02d", kind.name, i+1),
			Tags:  pickTags(rng, i, f.Tags),
		}
		profiles[i] = simProfile{
			kind:    kind,
			home:    homeCountries[rng.intn(len(homeCountries))],
			meanGap: minMeanGap + rng.int63n(meanGapSpread),
			dormant: opts.SIMs >= 2 && i == opts.SIMs-1 && !opts.AlwaysOn,
		}
	}

	setSIMDetails(f.SIMs, profiles)

	start, end := opts.Start.Unix(), opts.End.Unix()
	if opts.AlwaysOn {
		for i := range f.SIMs {
			f.SIMs[i].Activated, f.SIMs[i].Online = true, true
		}
		f.gen = newAlwaysOn(opts.Seed, f.SIMs, profiles, start, end)
		f.idx()
		return f
	}
	for i := range f.SIMs {
		f.Records = appendSIMUsage(f.Records, rng, &f.SIMs[i], profiles[i], start, end)
	}
	// (Time, SimID) is unique: the sessions of one SIM never overlap.
	slices.SortStableFunc(f.Records, compareRecords)
	f.idx() // build the indexes now, off the request path
	return f
}

// pickTags chooses the tags of SIM number i: SIMs 0-5 carry tag i (so each
// of the first six tags is used), a few others carry none, and about half
// get a second tag. The last tag is never chosen.
func pickTags(rng *prng, i int, tags []Tag) []string {
	usable := len(tags) - 1
	var out []string
	switch {
	case i < usable:
		out = append(out, tags[i].ID)
	case rng.percent(10):
		return []string{}
	default:
		out = append(out, tags[rng.intn(usable)].ID)
	}
	if rng.percent(50) {
		extra := tags[rng.intn(usable)].ID
		if extra != out[0] {
			out = append(out, extra)
		}
	}
	return out
}

// appendSIMUsage appends the usage of one SIM between the Unix seconds start
// (inclusive) and end (exclusive).
func appendSIMUsage(dst []Record, rng *prng, sim *SIM, p simProfile, start, end int64) []Record {
	if p.dormant {
		return dst
	}
	t := start + rng.int63n(p.meanGap)
	for t < end {
		c := countries[p.home]
		if rng.percent(p.kind.roamPct) {
			c = countries[rng.intn(len(countries))]
		}
		nw := c.networks[rng.intn(len(c.networks))]
		tech := p.kind.tech[0]
		if rng.percent(20) {
			tech = p.kind.tech[1]
		}
		session := rng.uuid()
		chunks := 1 + rng.intn(maxChunks)
		for k := 0; k < chunks; k++ {
			rt := t + int64(k)*chunkSeconds
			if rt >= end {
				break
			}
			bytes := p.kind.minBytes + rng.int63n(p.kind.spread)
			if k == chunks-1 { // the session ends inside its last chunk
				bytes = bytes * int64(1+rng.intn(100)) / 100
			}
			dst = append(dst, Record{
				Time:        time.Unix(rt, 0).UTC(),
				BillID:      rng.uuid(),
				SimID:       sim.ID,
				ICCID:       sim.ICCID,
				SessionID:   session,
				Bytes:       bytes,
				CountryCode: c.code,
				NetworkType: tech,
				MCC:         nw.mcc,
				MNC:         nw.mnc,
			})
		}
		t += int64(chunks)*chunkSeconds + minPause + rng.int63n(2*p.meanGap)
	}
	return dst
}

// compareRecords orders records by (Time, SimID).
func compareRecords(a, b Record) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	switch {
	case a.SimID < b.SimID:
		return -1
	case a.SimID > b.SimID:
		return 1
	}
	return 0
}
