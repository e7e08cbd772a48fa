package fakeapi

import (
	"fmt"
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
)

var tagShapeNames = [...]string{
	TagShapeBytes:        "bytes",
	TagShapeTotal:        "total",
	TagShapeTotalBytes:   "total_bytes",
	TagShapeUsageNumber:  "usage",
	TagShapeUsageRecords: "usage_records",
	TagShapeNoTotal:      "no_total",
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
// "total_bytes", "usage", "usage_records", "no_total").
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

// appendTagTotal appends the tag-total answer for tagID in shape.
func (s *Server) appendTagTotal(b []byte, tagID string, shape TagShape, enc encodeOptions) []byte {
	total := s.fleet.TagTotal(tagID)
	sims := int64(s.fleet.TagSIMCount(tagID))
	if shape == TagShapeUsageRecords {
		recs := s.cache.get("tag\x00"+tagID, func() []Record { return tagUsage(s.fleet, tagID) })
		src := &source{recs: recs, hi: len(recs)}
		// The whole list on one page: it is small (per SIM and network).
		return appendPage(b, src, 0, 0, len(recs), enc)
	}
	b = append(b, `{"tag_id":`...)
	b = appendString(b, tagID)
	switch shape {
	case TagShapeTotal:
		b = append(b, `,"total":`...)
		b = appendNumber(b, total, enc)
	case TagShapeTotalBytes:
		b = append(b, `,"total_bytes":`...)
		b = appendNumber(b, total, enc)
	case TagShapeUsageNumber:
		b = append(b, `,"usage":`...)
		b = appendNumber(b, total, enc)
	case TagShapeNoTotal:
		b = append(b, `,"sims":`...)
		b = appendNumber(b, sims, encodeOptions{})
	default: // TagShapeBytes
		b = append(b, `,"bytes":`...)
		b = appendNumber(b, total, enc)
		b = append(b, `,"sim_count":`...)
		b = appendNumber(b, sims, encodeOptions{})
	}
	return append(b, '}')
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
