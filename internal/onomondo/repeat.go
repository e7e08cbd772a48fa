package onomondo

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strconv"
)

// boundary counts a record once when the API repeats it at a page boundary.
//
// A cursor that marks where a page ended by a record's time and SIM (the
// API notes' example decodes to "time@sim_id") and is read with ">=" starts
// the next page with the record it ended on. Such a record, an exact
// repeat of a record of the page before, is skipped and logged at INFO;
// it is never added. A record is the same as another when its bill_id,
// session_id, time and SIM (id and ICCID) are (when it has a bill_id or a
// session_id), or when all of it is (a group=hours record has neither).
// A record with the identity of one of the page before but other values
// (other bytes, say) is an error: which of the two to count is guesswork.
//
// It keeps the previous page only, so memory stays bounded by a page, not
// by the read; repeats further back are what the per-page digest guard of
// paginate is for.
type boundary struct {
	prev   []Record       // the previous page, as received
	spare  []Record       // the page before that: its slice is reused
	index  map[uint64]int // hash of an identity -> position in prev (1-based)
	hashes []uint64       // the identities' hashes of the page being read, in order
	h      maphash.Hash
}

// next takes page (the records of page number n, as received), removes in
// place the records that repeat one of the page before, and returns the
// rest. Skipped repeats are logged at INFO, once per page.
func (b *boundary) next(ctx context.Context, log Logger, n int, page []Record) ([]Record, error) {
	kept := page[:0]
	var skipped []int
	cur := append(b.spare[:0], page...) // the page as received, before it is filtered in place
	b.hashes = b.hashes[:0]
	for i := range cur {
		r := &cur[i]
		h := b.hash(r)
		b.hashes = append(b.hashes, h)
		// (Two identities sharing a 64-bit hash, one chance in 10^13 a page,
		// would end the read below with an error: never a wrong count.)
		if j, ok := b.index[h]; ok {
			if b.prev[j-1] != *r {
				return nil, pagingError(n, fmt.Errorf("record %d of page %d has the bill_id, session_id, time and SIM of record %d of page %d but %s: the API answered the same record two ways",
					i+1, n, j, n-1, difference(r, &b.prev[j-1])))
			}
			skipped = append(skipped, i+1)
			continue
		}
		kept = append(kept, *r)
	}
	if len(skipped) > 0 {
		first := &cur[skipped[0]-1]
		log.Info(ctx, fmt.Sprintf("Onomondo API: %d record(s) of page %d repeat records of page %d; skipped, so each is counted once", len(skipped), n, n-1),
			map[string]any{"page": n, "records": skipped, "time": first.Time, "sim_id": first.SimID})
	}
	b.spare, b.prev = b.prev, cur
	clear(b.index)
	if b.index == nil {
		b.index = make(map[uint64]int, len(cur))
	}
	for i, h := range b.hashes {
		b.index[h] = i + 1
	}
	return kept, nil
}

// hash is a hash of what a record is the same by (see boundary): its
// ids, time and SIM, or, without ids, all of it.
func (b *boundary) hash(r *Record) uint64 {
	b.h.Reset()
	fields := [...]string{r.BillID, r.SessionID, r.Time, r.SimID, r.ICCID, "", "", "", ""}
	if r.BillID == "" && r.SessionID == "" {
		fields[5], fields[6], fields[7], fields[8] = r.CountryCode, r.NetworkType, r.Network.MCC, r.Network.MNC
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(r.Bytes.Value))
		_, _ = b.h.Write(n[:])
	}
	for _, f := range fields {
		_, _ = b.h.WriteString(f)
		_ = b.h.WriteByte(0)
	}
	return b.h.Sum64()
}

// difference names the first field in which r differs from the record of
// the page before it repeats, with both values.
func difference(r, prev *Record) string {
	if r.Bytes != prev.Bytes {
		return fmt.Sprintf("other bytes (%d against %d)", r.Bytes.Value, prev.Bytes.Value)
	}
	for _, f := range [...]struct{ name, now, before string }{
		{"bill_id", r.BillID, prev.BillID}, {"session_id", r.SessionID, prev.SessionID}, {"time", r.Time, prev.Time},
		{"sim_id", r.SimID, prev.SimID}, {"iccid", r.ICCID, prev.ICCID}, {"country_code", r.CountryCode, prev.CountryCode},
		{"network_type", r.NetworkType, prev.NetworkType}, {"network.mcc", r.Network.MCC, prev.Network.MCC},
		{"network.mnc", r.Network.MNC, prev.Network.MNC},
	} {
		if f.now != f.before {
			return fmt.Sprintf("another %s (%s against %s)", f.name, shorten(strconv.Quote(f.now), 40), shorten(strconv.Quote(f.before), 40))
		}
	}
	return "other values"
}
