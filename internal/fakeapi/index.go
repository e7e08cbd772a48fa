package fakeapi

import (
	"slices"
)

// fleetIndex holds the lookup structures of a Fleet. It is built once, on
// first use, and never changes afterwards.
type fleetIndex struct {
	simByKey map[string]int32   // SIM ID and ICCID -> index into SIMs
	tagByID  map[string]int32   // tag ID -> index into Tags
	recSIM   []int32            // record index -> SIM index (-1: unknown SIM)
	bySIM    [][]int32          // SIM index -> its record indexes, ascending
	tagSIMs  map[string][]int32 // tag ID -> indexes of the SIMs carrying it
	tagTotal map[string]int64   // tag ID -> sum of Bytes of those SIMs
}

// idx returns the fleet's index, building it on first use.
func (f *Fleet) idx() *fleetIndex {
	f.indexOnce.Do(f.buildIndex)
	return f.index
}

// buildIndex builds f.index. It sorts f.Records first if a hand-made Fleet
// left them out of order.
func (f *Fleet) buildIndex() {
	if !slices.IsSortedFunc(f.Records, compareRecords) {
		slices.SortStableFunc(f.Records, compareRecords)
	}
	ix := &fleetIndex{
		simByKey: make(map[string]int32, 2*len(f.SIMs)),
		tagByID:  make(map[string]int32, len(f.Tags)),
		recSIM:   make([]int32, len(f.Records)),
		bySIM:    make([][]int32, len(f.SIMs)),
		tagSIMs:  make(map[string][]int32),
		tagTotal: make(map[string]int64),
	}
	for i, s := range f.SIMs {
		ix.simByKey[s.ID] = int32(i)
		if s.ICCID != "" {
			ix.simByKey[s.ICCID] = int32(i)
		}
	}
	for i, t := range f.Tags {
		ix.tagByID[t.ID] = int32(i)
	}

	// Map every record to its SIM. Generated fleets share the SimID string
	// of consecutive records of the same SIM, so remember the last hit.
	counts := make([]int, len(f.SIMs))
	simBytes := make([]int64, len(f.SIMs))
	lastID, last := "", int32(-1)
	for i := range f.Records {
		r := &f.Records[i]
		si := last
		if r.SimID != lastID || last < 0 {
			var ok bool
			if si, ok = ix.simByKey[r.SimID]; !ok || f.SIMs[si].ID != r.SimID {
				si = -1 // unknown, or an ICCID where a SIM ID belongs
			}
			lastID, last = r.SimID, si
		}
		ix.recSIM[i] = si
		if si >= 0 {
			counts[si]++
			simBytes[si] += r.Bytes
		}
	}

	if f.gen != nil {
		copy(simBytes, f.gen.totals)
	}

	// One backing array for all per-SIM lists keeps this lean.
	backing := make([]int32, 0, len(f.Records))
	for si, n := range counts {
		ix.bySIM[si] = backing[len(backing) : len(backing) : len(backing)+n]
		backing = backing[:len(backing)+n]
	}
	for i, si := range ix.recSIM {
		if si >= 0 {
			ix.bySIM[si] = append(ix.bySIM[si], int32(i))
		}
	}

	for si, s := range f.SIMs {
		for j, tag := range s.Tags {
			if slices.Contains(s.Tags[:j], tag) {
				continue // a tag listed twice counts once
			}
			ix.tagSIMs[tag] = append(ix.tagSIMs[tag], int32(si))
			ix.tagTotal[tag] += simBytes[si]
		}
	}
	f.index = ix
}
