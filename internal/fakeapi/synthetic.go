package fakeapi

import (
	"fmt"
	"strings"
	"time"
)

// syntheticYear is the year every SyntheticFleet record falls into.
const syntheticYear = 2025

// Salts that keep the UUID streams of SyntheticFleet apart.
const (
	saltTag     = 0x7a6e_0000_0000_0000
	saltSession = 0x5e55_0000_0000_0000
	saltBill    = 0xb111_0000_0000_0000
)

// syntheticTagNames are the tags of a SyntheticFleet; SIM i carries tag
// i % len(syntheticTagNames).
var syntheticTagNames = []string{"synthetic-a", "synthetic-b", "synthetic-c", "synthetic-d"}

// SyntheticFleet returns a flat fleet of exactly n records spread round-robin
// over sims SIMs (IDs 000000001, 000000002, ...), all inside the UTC year
// 2025, so the filter time:2025 matches every record. It is deterministic
// and built for benchmarks: fast and lean, because every record shares its
// SIM's strings, and the bill and session IDs are substrings of two large
// strings instead of millions of small allocations.
//
// Records are laid out in time steps: step k holds one record of each SIM
// (the last step may be partial); a session spans four steps. n < 0 counts
// as 0 and sims < 1 as 1.
func SyntheticFleet(n int, sims int) *Fleet {
	n = max(n, 0)
	sims = max(sims, 1)

	f := &Fleet{Tags: make([]Tag, len(syntheticTagNames))}
	tagIDs := uuidBlock(len(syntheticTagNames), saltTag)
	for i, name := range syntheticTagNames {
		f.Tags[i] = Tag{ID: tagIDs[i*uuidLen : (i+1)*uuidLen], Name: name}
	}

	// Everything that does not change between the records of one SIM.
	type simStrings struct{ country, tech, mcc, mnc string }
	per := make([]simStrings, sims)
	f.SIMs = make([]SIM, sims)
	for i := range f.SIMs {
		id := fmt.Sprintf("%09d", i+1)
		body := "8945738730" + id
		f.SIMs[i] = SIM{
			ID:    id,
			ICCID: body + string(luhnCheckDigit(body)),
			Label: fmt.Sprintf("synthetic-%06d", i+1),
			Tags:  []string{f.Tags[i%len(f.Tags)].ID},
		}
		c := countries[homeCountries[i%len(homeCountries)]]
		nw := c.networks[i%len(c.networks)]
		per[i] = simStrings{c.code, simKinds[i%len(simKinds)].tech[0], nw.mcc, nw.mnc}
	}

	steps := (n + sims - 1) / sims
	start := time.Date(syntheticYear, 1, 1, 0, 0, 0, 0, time.UTC)
	yearSeconds := start.AddDate(1, 0, 0).Unix() - start.Unix()
	var stepSeconds int64
	if steps > 0 {
		// (steps-1)*stepSeconds < yearSeconds: the last step is in 2025 too.
		stepSeconds = yearSeconds / int64(steps)
	}
	const stepsPerSession = 4
	sessionsPerSIM := (steps + stepsPerSession - 1) / stepsPerSession
	sessions := uuidBlock(sims*sessionsPerSIM, saltSession)
	bills := uuidBlock(n, saltBill)

	f.Records = make([]Record, n)
	base := start.Unix()
	for i := range f.Records {
		step, si := i/sims, i%sims
		sim, ps := &f.SIMs[si], &per[si]
		sess := si*sessionsPerSIM + step/stepsPerSession
		f.Records[i] = Record{
			Time:        time.Unix(base+int64(step)*stepSeconds, 0).UTC(),
			BillID:      bills[i*uuidLen : (i+1)*uuidLen],
			SimID:       sim.ID,
			ICCID:       sim.ICCID,
			SessionID:   sessions[sess*uuidLen : (sess+1)*uuidLen],
			Bytes:       100 + int64(mix64(uint64(i)+saltBill)%500_000),
			CountryCode: ps.country,
			NetworkType: ps.tech,
			MCC:         ps.mcc,
			MNC:         ps.mnc,
		}
	}
	f.idx()
	return f
}

// uuidBlock returns count UUIDs, derived from salt, concatenated into one
// string of count*uuidLen bytes; UUID k is s[k*uuidLen:(k+1)*uuidLen].
func uuidBlock(count int, salt uint64) string {
	var b strings.Builder
	b.Grow(count * uuidLen)
	var scratch [uuidLen]byte
	for k := 0; k < count; k++ {
		u := uint64(2 * k)
		b.Write(appendUUID(scratch[:0], mix64(salt+u), mix64(salt+u+1)))
	}
	return b.String()
}
