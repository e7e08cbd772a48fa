package fakeapi

import (
	"fmt"
	"net/url"

	"github.com/go-json-experiment/json/jsontext"
)

// GET /usage and GET /usage/{sim_id}
//
// Both answer a page of usage records, filtered by time (YYYY, YYYY-MM or
// YYYY-MM-DD, UTC), sim_id and country_code, paged by limit, offset and the
// next_page cursor (paging.go), optionally grouped by hour (group.go). The
// SIM endpoint takes a SIM id or an ICCID in the path.

// usagePage is a usage answer.
type usagePage struct {
	Usage      []Record   `json:"usage"`
	Pagination pagination `json:"pagination"`
}

// pagination is a page's pagination member: next_page only while more
// records follow.
type pagination struct {
	HasMore  bool   `json:"has_more"`
	NextPage string `json:"next_page,omitempty"`
}

// recordTimeLayout is the time layout of records: UTC, no zone.
const recordTimeLayout = "2006-01-02 15:04:05"

// MarshalJSONTo writes r as the API does: the keys in the order of the API
// documentation, the time in UTC in recordTimeLayout, bill_id and
// session_id left out when empty (group=hours records). It writes tokens
// rather than going through a struct: records are the bulk of every page,
// and this allocates nothing per record.
func (r Record) MarshalJSONTo(enc *jsontext.Encoder) error {
	var t [len(recordTimeLayout)]byte
	var err error
	write := func(toks ...jsontext.Token) {
		for _, tok := range toks {
			if err == nil {
				err = enc.WriteToken(tok)
			}
		}
	}
	member := func(key, value string) { write(jsontext.String(key), jsontext.String(value)) }
	write(jsontext.BeginObject)
	member("time", string(r.Time.UTC().AppendFormat(t[:0], recordTimeLayout)))
	if r.BillID != "" {
		member("bill_id", r.BillID)
	}
	member("sim_id", r.SimID)
	member("iccid", r.ICCID)
	if r.SessionID != "" {
		member("session_id", r.SessionID)
	}
	write(jsontext.String("bytes"), jsontext.Int(r.Bytes))
	member("country_code", r.CountryCode)
	member("network_type", r.NetworkType)
	write(jsontext.String("network"), jsontext.BeginObject)
	member("mcc", r.MCC)
	member("mnc", r.MNC)
	write(jsontext.EndObject, jsontext.EndObject)
	return err
}

// usage answers GET /usage (isSIM false) and GET /usage/{simPath}.
func (s *Server) usage(q url.Values, simPath string, isSIM bool) (any, *apiError) {
	uq, aerr := parseUsageQuery(q, isSIM)
	if aerr != nil {
		return nil, aerr
	}
	ix := s.fleet.idx()
	sim, empty := int32(-1), false
	if isSIM {
		i, ok := ix.simByKey[simPath]
		if !validPathSIMID(simPath) || !ok {
			return nil, errSIMNotFound
		}
		if !s.simAllowed(i) {
			return nil, errForbidden
		}
		sim = i
	} else if uq.simID != "" {
		// An unknown SIM, or one outside the key's scope, matches nothing.
		i, ok := ix.simByKey[uq.simID]
		if ok && s.fleet.SIMs[i].ID == uq.simID && s.simAllowed(i) {
			sim = i
		} else {
			empty = true
		}
	}

	if g := s.fleet.gen; g != nil {
		return s.genUsage(g, uq, sim, empty)
	}
	src := &source{recs: s.fleet.Records, hi: len(s.fleet.Records), country: uq.country, recSIM: ix.recSIM}
	switch {
	case empty:
		src.hi = 0
	case sim >= 0:
		src.list, src.hi = ix.bySIM[sim], len(ix.bySIM[sim])
	default:
		src.allowed = s.allowed
	}
	if uq.hasTime {
		src.restrictTime(uq.from, uq.to)
	}
	if uq.grouped {
		raw := src
		key := fmt.Sprintf("hours\x00%d\x00%t\x00%s\x00%s", sim, empty, uq.timeSpec, uq.country)
		recs := s.cache.get(key, func() []Record { return groupHours(raw) })
		src = &source{recs: recs, hi: len(recs)}
	}

	return answer(src, src.lo, uq)
}

// pager is an ordered answer list: a source, or an always-on fleet's
// genList.
type pager interface {
	resume(cursor string) (int, bool)
	page(start, offset, limit int) usagePage
}

// answer is the page of l that uq asks for: from its cursor, else from
// position first.
func answer(l pager, first int, uq usageQuery) (any, *apiError) {
	if uq.cursor != "" {
		p, ok := l.resume(uq.cursor)
		if !ok {
			return nil, errInvalidNextPage
		}
		first = p
	}
	return l.page(first, uq.offset, uq.limit), nil
}
