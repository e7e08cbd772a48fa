package fakeapi

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GET /sims and GET /sims/{id}
//
// The SIM list pages in one of three styles (SIMPaging), because the public
// evidence disagrees: clients page by cursor, Onomondo's docs page shows
// offset paging. Every style accepts limit (1-1000, at most
// Options.SIMPageLimit served), offset (SIMs to skip) and next_page, and the
// filters online:true|false, activated:true|false, connector:<name> and
// network_whitelist:<name>, as filter=key:value or filter[]=key:value.
// SIMs are listed in fleet order (ascending id); a key limited to tags sees
// only its SIMs.
//
// The data limits count the usage of the current period: the UTC month of
// Options.Period, by default the month of the fleet's last record (2025-04
// for the default fleet). "used" is the sum of the bytes of the SIM's
// records in that month; online_at and the network of an online SIM are
// those of its last record before the period ends.

// SIMPaging is the paging style of GET /sims answers.
type SIMPaging int

const (
	// SIMPagingCursor answers {"sims":[...],"pagination":{"has_more":b,
	// "next_page":"..."}} like the public clients show; next_page is absent
	// on the last page.
	SIMPagingCursor SIMPaging = iota
	// SIMPagingOffset answers {"count":n,"limit":l,"offset":o,"total":t,
	// "sims":[...]} like Onomondo's docs page: count is the SIMs on the
	// page, total those matching the query.
	SIMPagingOffset
	// SIMPagingBare answers {"sims":[...]} without any paging member; a
	// client can only page by offset until a page is short.
	SIMPagingBare
)

var simPagingNames = [...]string{
	SIMPagingCursor: "cursor",
	SIMPagingOffset: "offset",
	SIMPagingBare:   "bare",
}

// String returns the name of p, as accepted by ParseSIMPaging.
func (p SIMPaging) String() string {
	if p >= 0 && int(p) < len(simPagingNames) {
		return simPagingNames[p]
	}
	return fmt.Sprintf("SIMPaging(%d)", int(p))
}

// ParseSIMPaging returns the SIMPaging named s ("cursor", "offset", "bare").
func ParseSIMPaging(s string) (SIMPaging, error) {
	for i, name := range simPagingNames {
		if strings.EqualFold(s, name) {
			return SIMPaging(i), nil
		}
	}
	return 0, fmt.Errorf("unknown SIM paging style %q (want one of %s)", s, strings.Join(simPagingNames[:], ", "))
}

// SetSIMPaging changes the paging style of GET /sims from now on.
func (s *Server) SetSIMPaging(p SIMPaging) { s.simPaging.Store(int32(p)) }

// Period returns the current data-limit period, [from, to) in UTC: the
// month whose usage data_limit.used counts.
func (s *Server) Period() (from, to time.Time) { return s.periodFrom, s.periodTo }

// periodOf returns the UTC month containing t, or when t is zero the month
// of the fleet's last record (of DefaultStart for a fleet without records).
func periodOf(t time.Time, f *Fleet) (from, to time.Time) {
	if t.IsZero() {
		t = DefaultStart
		if n := len(f.Records); n > 0 {
			t = f.Records[n-1].Time
		}
	}
	y, m, _ := t.UTC().Date()
	from = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// simState is what a SIM's records say for the current period.
type simState struct {
	used  int64 // bytes in the period
	total int64 // bytes of every record (the answer's undocumented "usage")
	last  int32 // index of the last record before the period ends; -1: none
}

// simStates returns the state of every SIM, computed on first use.
func (s *Server) simStates() []simState {
	s.simOnce.Do(func() {
		ix := s.fleet.idx()
		st := make([]simState, len(s.fleet.SIMs))
		for i, list := range ix.bySIM {
			st[i].last = -1
			for _, g := range list {
				r := &s.fleet.Records[g]
				st[i].total += r.Bytes
				if r.Time.Before(s.periodTo) {
					st[i].last = g
					if !r.Time.Before(s.periodFrom) {
						st[i].used += r.Bytes
					}
				}
			}
		}
		s.simState = st
	})
	return s.simState
}

// simQuery is a validated GET /sims request.
type simQuery struct {
	online, activated    *bool
	connector, whitelist *string
	limit, offset        int
	cursor               string
	hasCursor            bool
}

// parseSIMQuery validates the query of GET /sims. Unknown parameters are
// ignored.
func parseSIMQuery(v url.Values) (simQuery, *apiError) {
	var q simQuery
	raw, aerr := rawFilters(v)
	if aerr != nil {
		return q, aerr
	}
	seen := map[string]bool{}
	for _, f := range raw {
		key, val, ok := strings.Cut(f, ":")
		if !ok || seen[key] {
			return q, badRequest(CodeInvalidFilter)
		}
		seen[key] = true
		switch key {
		case "online", "activated":
			b, err := strconv.ParseBool(val)
			if err != nil || (val != "true" && val != "false") {
				return q, badRequest(CodeInvalidFilter)
			}
			if key == "online" {
				q.online = &b
			} else {
				q.activated = &b
			}
		case "connector":
			q.connector = &val
		case "network_whitelist":
			q.whitelist = &val
		default:
			return q, badRequest(CodeInvalidFilter)
		}
	}
	if q.limit, q.offset, aerr = parseLimitOffset(v); aerr != nil {
		return q, aerr
	}
	if vals, ok := v[paramNextPage]; ok {
		if len(vals) != 1 {
			return q, errInvalidNextPage
		}
		q.cursor, q.hasCursor = vals[0], vals[0] != ""
	}
	return q, nil
}

// matches reports whether SIM i passes the query's filters and the key's
// scope.
func (s *Server) simMatches(q *simQuery, i int) bool {
	sim := &s.fleet.SIMs[i]
	switch {
	case !s.simAllowed(int32(i)):
		return false
	case q.online != nil && sim.Online != *q.online:
		return false
	case q.activated != nil && sim.Activated != *q.activated:
		return false
	case q.connector != nil && sim.Connector != *q.connector:
		return false
	case q.whitelist != nil && sim.NetworkWhitelist != *q.whitelist:
		return false
	}
	return true
}

// SIM cursors are the standard base64 encoding of "sim:<id>@<index>", the
// id and fleet index of the first SIM of the next page; FaultFreshCursor
// appends "~<n>" so that each of its cursors is new.
func simCursor(sim SIM, i int) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "sim:%s@%09d", sim.ID, i))
}

// freshSIMCursor is a never-seen cursor of SIM i (FaultFreshCursor).
func freshSIMCursor(sim SIM, i int, seq uint64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "sim:%s@%09d~%d", sim.ID, i, seq))
}

// resumeSIM returns the fleet index a cursor points at, if it is a SIM
// cursor of this fleet.
func (s *Server) resumeSIM(cursor string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	id, is, ok := strings.Cut(strings.TrimPrefix(string(raw), "sim:"), "@")
	if seq, fresh := strings.CutPrefix(is[min(9, len(is)):], "~"); fresh && seq != "" && allDigits(seq) {
		is = is[:9]
	}
	if !ok || !strings.HasPrefix(string(raw), "sim:") || len(is) < 9 || !allDigits(is) {
		return 0, false
	}
	i, err := strconv.Atoi(is)
	if err != nil || i >= len(s.fleet.SIMs) || s.fleet.SIMs[i].ID != id {
		return 0, false
	}
	return i, true
}

// sims answers GET /sims and GET /sims/{id}.
func (s *Server) sims(b []byte, path string, q url.Values, enc encodeOptions) ([]byte, *apiError) {
	if path == "/sims" {
		return s.simList(b, q, enc)
	}
	id := strings.TrimPrefix(path, "/sims/")
	if id == "" || strings.Contains(id, "/") {
		return b, errNotFound
	}
	if !validPathSIMID(id) {
		return b, errSIMNotFoundSims
	}
	i, ok := s.fleet.idx().simByKey[id]
	if !ok {
		return b, errSIMNotFoundSims
	}
	if !s.simAllowed(i) {
		return b, errForbidden
	}
	return s.appendSIM(b, int(i), enc), nil
}

// simList answers GET /sims.
func (s *Server) simList(b []byte, v url.Values, enc encodeOptions) ([]byte, *apiError) {
	q, aerr := parseSIMQuery(v)
	if aerr != nil {
		return b, aerr
	}
	var list []int // fleet indexes of the matching SIMs, ascending
	for i := range s.fleet.SIMs {
		if s.simMatches(&q, i) {
			list = append(list, i)
		}
	}
	pos := 0
	if q.hasCursor {
		i, ok := s.resumeSIM(q.cursor)
		if !ok || !s.simMatches(&q, i) {
			return b, errInvalidNextPage
		}
		pos = sort.SearchInts(list, i)
	}
	style := SIMPaging(s.simPaging.Load())
	repeat := enc.pagination == paginationRepeat
	if repeat && style != SIMPagingCursor {
		pos = 0 // sent back to the start, whatever offset was asked for
	} else {
		pos = min(pos+q.offset, len(list))
	}
	limit := min(q.limit, s.simPageLimit)
	page := list[pos:min(pos+limit, len(list))]
	total := len(list)

	switch style {
	case SIMPagingOffset:
		switch enc.pagination {
		case paginationRepeat:
			total = q.offset + 2*len(page) // claims more, for ever
		case paginationMissing:
			total += limit // claims more than there are
		}
		b = append(b, `{"count":`...)
		b = strconv.AppendInt(b, int64(len(page)), 10)
		b = append(b, `,"limit":`...)
		b = strconv.AppendInt(b, int64(limit), 10)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, int64(q.offset), 10)
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, int64(total), 10)
		b = append(b, ',')
		b = s.appendSIMArray(b, page, enc)
		return append(b, '}'), nil
	case SIMPagingBare:
		b = append(b, '{')
		b = s.appendSIMArray(b, page, enc)
		return append(b, '}'), nil
	}
	b = append(b, '{')
	b = s.appendSIMArray(b, page, enc)
	var next, first string
	if end := pos + len(page); end < len(list) {
		next = simCursor(s.fleet.SIMs[list[end]], list[end])
	}
	if len(page) > 0 {
		first = simCursor(s.fleet.SIMs[page[0]], page[0])
		if enc.pagination == paginationFresh {
			next = freshSIMCursor(s.fleet.SIMs[page[0]], page[0], enc.freshSeq)
		}
	}
	b = appendPagination(b, next, first, len(page) == 0, enc)
	return append(b, '}'), nil
}

// appendSIMArray appends "sims":[...] for the SIMs at the fleet indexes.
func (s *Server) appendSIMArray(b []byte, idxs []int, enc encodeOptions) []byte {
	b = append(b, `"sims":[`...)
	for k, i := range idxs {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendSIM(b, i, enc)
	}
	return append(b, ']')
}

// simTimeLayout is the time layout of the SIM endpoints: ISO 8601 in UTC
// with milliseconds, unlike usage records.
const simTimeLayout = "2006-01-02T15:04:05.000Z"

// appendSIM appends the JSON object of SIM i, keys in the order of the
// public examples. A SIM without a data limit has "data_limit": null when
// its index is even and no "data_limit" key when odd: the evidence does not
// say which the API sends.
func (s *Server) appendSIM(b []byte, i int, enc encodeOptions) []byte {
	sim := &s.fleet.SIMs[i]
	st := s.simStates()[i]
	str := func(key, v string) {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":`...)
		if v == "" {
			b = append(b, "null"...)
			return
		}
		b = appendString(b, v)
	}
	b = append(b, `{"id":`...)
	b = appendString(b, sim.ID)
	str("iccid", sim.ICCID)
	str("msisdn", "452"+sim.ID[2:])
	str("imsi", "238731"+sim.ID)
	str("imei", sim.IMEI)
	str("label", sim.Label)
	str("network_whitelist", sim.NetworkWhitelist)
	b = append(b, `,"imei_lock":null`...)
	str("connector", sim.Connector)
	b = append(b, `,"activated":`...)
	b = strconv.AppendBool(b, sim.Activated)
	b = fmt.Appendf(b, `,"ipv4":"100.66.%d.%d"`, i/250, 1+i%250)
	b = append(b, `,"online":`...)
	b = strconv.AppendBool(b, sim.Online)
	var last *Record
	onlineAt := ""
	if st.last >= 0 {
		last = &s.fleet.Records[st.last]
		onlineAt = last.Time.UTC().Format(simTimeLayout)
	}
	str("online_at", onlineAt)
	str("last_came_online_at", onlineAt)
	if sim.Online && last != nil {
		name, country, code := networkOf(last)
		b = append(b, `,"network":{"name":`...)
		b = appendString(b, name)
		str("country", country)
		str("country_code", code)
		str("mcc", last.MCC)
		str("mnc", last.MNC)
		b = append(b, '}')
	} else {
		b = append(b, `,"network":{"name":null,"country":null,"country_code":null,"mcc":null,"mnc":null}`...)
	}
	b = append(b, `,"usage":`...)
	b = appendNumber(b, st.total, enc)
	b = append(b, `,"tags":[`...)
	for k, id := range sim.Tags {
		if k > 0 {
			b = append(b, ',')
		}
		name, color := "", tagColors[0]
		if ti, ok := s.fleet.idx().tagByID[id]; ok {
			name, color = s.fleet.Tags[ti].Name, tagColors[int(ti)%len(tagColors)]
		}
		b = append(b, `{"id":`...)
		b = appendString(b, id)
		str("name", name)
		b = append(b, `,"can_write":false`...)
		str("color", color)
		b = append(b, '}')
	}
	b = append(b, ']')
	switch dl := sim.DataLimit; {
	case dl != nil:
		b = append(b, `,"data_limit":{"used":`...)
		if dl.UsedNull {
			b = append(b, "null"...)
		} else {
			b = appendNumber(b, st.used, enc)
		}
		b = append(b, `,"total":`...)
		b = appendNumber(b, dl.Total, enc)
		str("type", dl.Type)
		str("period", s.periodFrom.Format("200601"))
		b = append(b, `,"alert_threshold":`...)
		if dl.AlertThreshold > 0 {
			b = strconv.AppendInt(b, dl.AlertThreshold, 10)
		} else {
			b = append(b, "null"...)
		}
		str("resets_at", s.periodTo.Format(simTimeLayout))
		b = append(b, '}')
	case i%2 == 0:
		b = append(b, `,"data_limit":null`...)
	}
	if i%3 == 0 {
		b = fmt.Appendf(b, `,"location":{"lat":%d.%02d,"lng":%d.%02d,"cell_id":%d,"location_area_code":null,"accuracy":%d.5}`,
			55+i%3, i%100, 10+i%5, (7*i)%100, 21679616+i, 500+i)
	}
	return append(b, `,"technologies":{"sms":true,"2g_3g":true,"4g":true}}`...)
}
