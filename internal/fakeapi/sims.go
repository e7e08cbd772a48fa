package fakeapi

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
		if n, _, last := f.Extent(); n > 0 {
			t = last
		}
	}
	y, m, _ := t.UTC().Date()
	from = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// simState is what a SIM's records say for the current period.
type simState struct {
	used  int64   // bytes in the period
	total int64   // bytes of every record (the answer's undocumented "usage")
	last  *Record // the last record before the period ends; nil: none
}

// simStates returns the state of every SIM, computed on first use.
func (s *Server) simStates() []simState {
	s.simOnce.Do(func() {
		ix := s.fleet.idx()
		st := make([]simState, len(s.fleet.SIMs))
		if g := s.fleet.gen; g != nil {
			for i := range st {
				st[i].used, st[i].total = g.sum(int32(i), s.periodFrom.Unix(), s.periodTo.Unix()), g.totals[i]
				if r, ok := g.last(int32(i), s.periodTo.Unix()); ok {
					st[i].last = &r
				}
			}
		}
		for i, list := range ix.bySIM {
			for _, g := range list {
				r := &s.fleet.Records[g]
				st[i].total += r.Bytes
				if r.Time.Before(s.periodTo) {
					st[i].last = r
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
// id and fleet index of the first SIM of the next page.
func simCursor(sim SIM, i int) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "sim:%s@%09d", sim.ID, i))
}

// resumeSIM returns the fleet index a cursor points at, if it is a SIM
// cursor of this fleet.
func (s *Server) resumeSIM(cursor string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	id, is, ok := strings.Cut(strings.TrimPrefix(string(raw), "sim:"), "@")
	if !ok || !strings.HasPrefix(string(raw), "sim:") || len(is) < 9 || !allDigits(is) {
		return 0, false
	}
	i, err := strconv.Atoi(is)
	if err != nil || i >= len(s.fleet.SIMs) || s.fleet.SIMs[i].ID != id {
		return 0, false
	}
	return i, true
}

// sim answers GET /sims/{id}.
func (s *Server) sim(id string) (any, *apiError) {
	if id == "" || strings.Contains(id, "/") {
		return nil, errNotFound
	}
	i, ok := s.fleet.idx().simByKey[id]
	if !validPathSIMID(id) || !ok {
		return nil, errSIMNotFoundSims
	}
	if !s.simAllowed(i) {
		return nil, errForbidden
	}
	return s.wireSIM(int(i)), nil
}

// simList answers GET /sims.
func (s *Server) simList(v url.Values) (any, *apiError) {
	q, aerr := parseSIMQuery(v)
	if aerr != nil {
		return nil, aerr
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
			return nil, errInvalidNextPage
		}
		pos = sort.SearchInts(list, i)
	}
	pos = min(pos+q.offset, len(list))
	limit := min(q.limit, s.simPageLimit)
	page := list[pos:min(pos+limit, len(list))]
	sims := make([]object, len(page))
	for k, i := range page {
		sims[k] = s.wireSIM(i)
	}
	switch SIMPaging(s.simPaging.Load()) {
	case SIMPagingOffset:
		return object{{"count", len(page)}, {"limit", limit}, {"offset", q.offset}, {"total", len(list)}, {"sims", sims}}, nil
	case SIMPagingBare:
		return object{{"sims", sims}}, nil
	}
	var p pagination
	if end := pos + len(page); end < len(list) {
		p = pagination{HasMore: true, NextPage: simCursor(s.fleet.SIMs[list[end]], list[end])}
	}
	return object{{"sims", sims}, {"pagination", p}}, nil
}

// simTimeLayout is the time layout of the SIM endpoints: ISO 8601 in UTC
// with milliseconds, unlike usage records.
const simTimeLayout = "2006-01-02T15:04:05.000Z"

// object is a JSON object whose members keep their order (the order of the
// API's examples). A member whose value is omitted is left out; a nil value
// is null.
type object []member

type member struct {
	key   string
	value any
}

// omitted is the value of a member an object leaves out.
var omitted = new(struct{})

// MarshalJSONTo implements json.MarshalerTo.
func (o object) MarshalJSONTo(enc *jsontext.Encoder) error {
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	for _, m := range o {
		if m.value == omitted {
			continue
		}
		if err := enc.WriteToken(jsontext.String(m.key)); err != nil {
			return err
		}
		if err := json.MarshalEncode(enc, m.value); err != nil {
			return err
		}
	}
	return enc.WriteToken(jsontext.EndObject)
}

// orNull is s, or null when s is empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// wireSIM is SIM i as the API writes it. A SIM without a data limit has
// "data_limit": null when its index is even and no "data_limit" key when
// odd: the evidence does not say which the API sends.
func (s *Server) wireSIM(i int) object {
	sim := &s.fleet.SIMs[i]
	st := s.simStates()[i]
	var onlineAt any
	network := object{{"name", nil}, {"country", nil}, {"country_code", nil}, {"mcc", nil}, {"mnc", nil}}
	if last := st.last; last != nil {
		onlineAt = last.Time.UTC().Format(simTimeLayout)
		if sim.Online {
			name, country, code := networkOf(last)
			network = object{{"name", name}, {"country", country}, {"country_code", code}, {"mcc", last.MCC}, {"mnc", last.MNC}}
		}
	}
	tags := []object{}
	for _, id := range sim.Tags {
		name, color := any(nil), tagColors[0]
		if ti, ok := s.fleet.idx().tagByID[id]; ok {
			name, color = orNull(s.fleet.Tags[ti].Name), tagColors[int(ti)%len(tagColors)]
		}
		tags = append(tags, object{{"id", id}, {"name", name}, {"can_write", false}, {"color", color}})
	}
	var dataLimit any = omitted
	switch dl := sim.DataLimit; {
	case dl != nil:
		used, threshold := any(st.used), any(nil)
		if dl.UsedNull {
			used = nil
		}
		if dl.AlertThreshold > 0 {
			threshold = dl.AlertThreshold
		}
		dataLimit = object{{"used", used}, {"total", dl.Total}, {"type", dl.Type}, {"period", s.periodFrom.Format("200601")},
			{"alert_threshold", threshold}, {"resets_at", s.periodTo.Format(simTimeLayout)}}
	case i%2 == 0:
		dataLimit = nil
	}
	var location any = omitted
	if i%3 == 0 {
		location = object{{"lat", jsontext.Value(fmt.Sprintf("%d.%02d", 55+i%3, i%100))}, {"lng", jsontext.Value(fmt.Sprintf("%d.%02d", 10+i%5, (7*i)%100))},
			{"cell_id", 21679616 + i}, {"location_area_code", nil}, {"accuracy", float64(500+i) + 0.5}}
	}
	return object{
		{"id", sim.ID}, {"iccid", orNull(sim.ICCID)}, {"msisdn", "452" + sim.ID[2:]}, {"imsi", "238731" + sim.ID},
		{"imei", orNull(sim.IMEI)}, {"label", orNull(sim.Label)}, {"network_whitelist", orNull(sim.NetworkWhitelist)},
		{"imei_lock", nil}, {"connector", orNull(sim.Connector)}, {"activated", sim.Activated},
		{"ipv4", fmt.Sprintf("100.66.%d.%d", i/250, 1+i%250)}, {"online", sim.Online},
		{"online_at", onlineAt}, {"last_came_online_at", onlineAt}, {"network", network},
		{"usage", st.total}, {"tags", tags}, {"data_limit", dataLimit}, {"location", location},
		{"technologies", object{{"sms", true}, {"2g_3g", true}, {"4g", true}}},
	}
}
