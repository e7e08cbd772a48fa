package fakeapi

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// GET /usage/tag-total/{tag_id}
//
// No public source shows this endpoint's answer, so the fake can answer in
// several plausible shapes (TagShape) and a client can be tested against
// all of them. The total N is always Fleet.TagTotal(tag_id): the sum of
// bytes of every record of every SIM carrying the tag.

// TagShape is the shape of the tag-total answer.
type TagShape int

const (
	// TagShapeBytes answers {"tag_id":"…","bytes":N,"sim_count":k}.
	TagShapeBytes TagShape = iota
	// TagShapeTotal answers {"tag_id":"…","total":N}.
	TagShapeTotal
	// TagShapeTotalBytes answers {"tag_id":"…","total_bytes":N}.
	TagShapeTotalBytes
	// TagShapeUsageNumber answers {"tag_id":"…","usage":N}.
	TagShapeUsageNumber
	// TagShapeUsageRecords answers a usage page
	// {"usage":[…],"pagination":{"has_more":false}} holding one record per
	// (SIM, country_code, network_type, mcc, mnc) of the tag's SIMs: time is
	// the first record's, bytes the sum, bill_id and session_id absent. The
	// bytes of the records add up to N.
	TagShapeUsageRecords
	// TagShapeNoTotal answers {"tag_id":"…","sims":k}: nothing a client
	// could take for the total.
	TagShapeNoTotal
	// TagShapeUsagePaged answers the records of TagShapeUsageRecords as
	// usage pages, paged exactly like GET /usage: at most limit records a
	// page (the query's limit, 1..1000, else the server's tag page size,
	// Options.TagPageSize), {"has_more":true,"next_page":"…"} while more
	// follow, and the next_page cursor accepted back (400 invalid_limit /
	// invalid_next_page otherwise; other parameters are ignored). The
	// records of all pages add up to N; a client that stops after page 1
	// gets less whenever the tag has more records than a page holds.
	TagShapeUsagePaged
)

// DefaultTagPageSize is the page size of TagShapeUsagePaged answers to
// requests without limit when Options.TagPageSize is 0. It is small on
// purpose, so that the tags of DefaultFleet span several pages.
const DefaultTagPageSize = 25

var tagShapeNames = [...]string{
	TagShapeBytes:        "bytes",
	TagShapeTotal:        "total",
	TagShapeTotalBytes:   "total_bytes",
	TagShapeUsageNumber:  "usage",
	TagShapeUsageRecords: "usage_records",
	TagShapeNoTotal:      "no_total",
	TagShapeUsagePaged:   "usage_paged",
}

// String returns the name of t, as accepted by ParseTagShape.
func (t TagShape) String() string {
	if t >= 0 && int(t) < len(tagShapeNames) {
		return tagShapeNames[t]
	}
	return fmt.Sprintf("TagShape(%d)", int(t))
}

// TagShapes lists every TagShape.
func TagShapes() []TagShape {
	out := make([]TagShape, len(tagShapeNames))
	for i := range out {
		out[i] = TagShape(i)
	}
	return out
}

// ParseTagShape returns the TagShape named s ("bytes", "total",
// "total_bytes", "usage", "usage_records", "no_total", "usage_paged").
func ParseTagShape(s string) (TagShape, error) {
	for i, name := range tagShapeNames {
		if strings.EqualFold(s, name) {
			return TagShape(i), nil
		}
	}
	return 0, fmt.Errorf("unknown tag shape %q (want one of %s)", s, strings.Join(tagShapeNames[:], ", "))
}

// SetTagShape changes the shape of tag-total answers from now on.
func (s *Server) SetTagShape(t TagShape) { s.tagShape.Store(int32(t)) }

// SetTagPageSize changes the page size of TagShapeUsagePaged answers to
// requests without limit from now on; n <= 0 means DefaultTagPageSize.
func (s *Server) SetTagPageSize(n int) {
	if n <= 0 {
		n = DefaultTagPageSize
	}
	s.tagPageSize.Store(int64(n))
}

// appendTagTotal appends the tag-total answer for tagID in shape; q is the
// request's query (TagShapeUsagePaged reads limit and next_page from it).
func (s *Server) appendTagTotal(b []byte, tagID string, shape TagShape, q url.Values, enc encodeOptions) ([]byte, *apiError) {
	total := s.fleet.TagTotal(tagID)
	sims := int64(s.fleet.TagSIMCount(tagID))
	if shape == TagShapeUsageRecords || shape == TagShapeUsagePaged {
		recs := s.cache.get("tag\x00"+tagID, func() []Record { return tagUsage(s.fleet, tagID) })
		src := &source{recs: recs, hi: len(recs)}
		if shape == TagShapeUsageRecords {
			// The whole list on one page: it is small (per SIM and network).
			return appendPage(b, src, 0, 0, len(recs), enc), nil
		}
		limit, start := int(s.tagPageSize.Load()), 0
		if vals, ok := q[paramLimit]; ok {
			n, ok := parseDigits(vals)
			if !ok || n < 1 || n > MaxLimit {
				return b, badRequest(CodeInvalidLimit)
			}
			limit = n
		}
		if vals, ok := q[paramNextPage]; ok {
			if len(vals) != 1 {
				return b, errInvalidNextPage
			}
			if vals[0] != "" {
				if start, ok = src.resume(vals[0]); !ok {
					return b, errInvalidNextPage
				}
			}
		}
		return appendPage(b, src, start, 0, limit, enc), nil
	}
	b = append(b, `{"tag_id":`...)
	b = appendString(b, tagID)
	switch shape {
	case TagShapeTotal:
		b = appendBytesField(b, "total", total, enc)
	case TagShapeTotalBytes:
		b = appendBytesField(b, "total_bytes", total, enc)
	case TagShapeUsageNumber:
		b = appendBytesField(b, "usage", total, enc)
	case TagShapeNoTotal:
		b = append(b, `,"sims":`...)
		b = appendNumber(b, sims, encodeOptions{})
	default: // TagShapeBytes
		b = appendBytesField(b, "bytes", total, enc)
		b = append(b, `,"sim_count":`...)
		b = appendNumber(b, sims, encodeOptions{})
	}
	return append(b, '}'), nil
}

// tagUsage sums the records of the SIMs carrying tagID per (SIM, country,
// network type, mcc, mnc), ordered like records. The sums add up to
// TagTotal(tagID).
func tagUsage(f *Fleet, tagID string) []Record {
	ix := f.idx()
	var out []Record
	pos := make(map[groupKey]int)
	for _, si := range ix.tagSIMs[tagID] {
		clear(pos)
		for _, g := range ix.bySIM[si] {
			r := &f.Records[g]
			k := groupKey{r.SimID, r.CountryCode, r.NetworkType, r.MCC, r.MNC}
			if i, ok := pos[k]; ok {
				out[i].Bytes += r.Bytes
				continue
			}
			pos[k] = len(out)
			out = append(out, Record{
				Time:        r.Time,
				SimID:       r.SimID,
				ICCID:       r.ICCID,
				Bytes:       r.Bytes,
				CountryCode: r.CountryCode,
				NetworkType: r.NetworkType,
				MCC:         r.MCC,
				MNC:         r.MNC,
			})
		}
	}
	slices.SortFunc(out, compareGrouped)
	return out
}
