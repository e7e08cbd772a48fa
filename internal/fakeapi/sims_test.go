package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// simAPI is a SIM as a client decodes it; every key the fake sends is
// here, so strict decoding catches a misspelt one.
type simAPI struct {
	ID               string  `json:"id"`
	ICCID            string  `json:"iccid"`
	MSISDN           string  `json:"msisdn"`
	IMSI             string  `json:"imsi"`
	IMEI             *string `json:"imei"`
	Label            *string `json:"label"`
	NetworkWhitelist string  `json:"network_whitelist"`
	IMEILock         *string `json:"imei_lock"`
	Connector        *string `json:"connector"`
	Activated        bool    `json:"activated"`
	IPv4             string  `json:"ipv4"`
	Online           bool    `json:"online"`
	OnlineAt         *string `json:"online_at"`
	LastCameOnlineAt *string `json:"last_came_online_at"`
	Network          struct {
		Name        *string `json:"name"`
		Country     *string `json:"country"`
		CountryCode *string `json:"country_code"`
		MCC         *string `json:"mcc"`
		MNC         *string `json:"mnc"`
	} `json:"network"`
	Usage json.Number `json:"usage"`
	Tags  []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		CanWrite bool   `json:"can_write"`
		Color    string `json:"color"`
	} `json:"tags"`
	DataLimit *struct {
		Used           *json.Number `json:"used"`
		Total          json.Number  `json:"total"`
		Type           string       `json:"type"`
		Period         string       `json:"period"`
		AlertThreshold *json.Number `json:"alert_threshold"`
		ResetsAt       string       `json:"resets_at"`
	} `json:"data_limit"`
	Location     map[string]any  `json:"location"`
	Technologies map[string]bool `json:"technologies"`
}

// simPageAPI is every paging style's answer.
type simPageAPI struct {
	SIMs       []simAPI `json:"sims"`
	Pagination *struct {
		HasMore  bool    `json:"has_more"`
		NextPage *string `json:"next_page"`
	} `json:"pagination"`
	Count  *int `json:"count"`
	Limit  *int `json:"limit"`
	Offset *int `json:"offset"`
	Total  *int `json:"total"`
}

func decodeSIMPage(t testing.TB, body []byte) simPageAPI {
	t.Helper()
	var p simPageAPI
	decodeStrict(t, body, &p)
	if p.SIMs == nil {
		t.Fatalf("no sims list: %s", truncate(body))
	}
	return p
}

// readSIMs reads every page of GET /sims?query in the server's current
// style, following cursors or offsets, and returns the SIMs and how many
// pages it took.
func readSIMs(t testing.TB, s *Server, query string, limit int) ([]simAPI, int) {
	t.Helper()
	var out []simAPI
	cursor, offset := "", 0
	for page := 1; page < 1000; page++ {
		v, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		v.Set("limit", strconv.Itoa(limit))
		if cursor != "" {
			v.Set("next_page", cursor)
		}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		rec := get(t, s, "/sims?"+v.Encode())
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("page %d: %d %s", page, rec.Code, rec.Body.String())
		}
		p := decodeSIMPage(t, rec.Body.Bytes())
		out = append(out, p.SIMs...)
		switch {
		case p.Pagination != nil:
			if p.Count != nil || p.Total != nil {
				t.Fatal("cursor page with offset members")
			}
			if !p.Pagination.HasMore {
				if p.Pagination.NextPage != nil {
					t.Fatal("last page with a cursor")
				}
				return out, page
			}
			cursor = *p.Pagination.NextPage
		case p.Total != nil:
			if *p.Offset != offset || *p.Count != len(p.SIMs) {
				t.Fatalf("page %d: offset %d count %d, want %d and %d", page, *p.Offset, *p.Count, offset, len(p.SIMs))
			}
			offset += len(p.SIMs)
			if offset >= *p.Total {
				return out, page
			}
		default: // bare: full pages mean more
			if p.Count != nil || p.Limit != nil || p.Offset != nil {
				t.Fatal("bare page with paging members")
			}
			offset += len(p.SIMs)
			if len(p.SIMs) < min(limit, s.simPageLimit) {
				return out, page
			}
		}
	}
	t.Fatal("paging never ends")
	return nil, 0
}

func simIDs(sims []simAPI) []string {
	out := make([]string, len(sims))
	for i, s := range sims {
		out[i] = s.ID
	}
	return out
}

func fleetIDs(f *Fleet, keep func(SIM) bool) []string {
	var out []string
	for _, s := range f.SIMs {
		if keep(s) {
			out = append(out, s.ID)
		}
	}
	return out
}

func TestSIMDetailsOfDefaultFleet(t *testing.T) {
	f := DefaultFleet()
	// The details left the generated ids alone: the demo and docs use these.
	if f.SIMs[1].ID != "000005840" || f.SIMs[1].Label != "tracker-02" || f.Tags[1].ID != "0b95f66d-327e-4d78-8706-1b1b93322ba9" {
		t.Fatalf("generated fleet changed: %+v %+v", f.SIMs[1], f.Tags[1])
	}
	var noLabel, noLimit, usedNull, offline, inactive, noIMEI int
	for i, s := range f.SIMs {
		if s.Label == "" {
			noLabel++
		}
		if s.DataLimit == nil {
			noLimit++
		} else {
			if s.DataLimit.Total <= 0 || s.DataLimit.Type != "monthly" {
				t.Fatalf("SIM %d data limit %+v", i, *s.DataLimit)
			}
			if s.DataLimit.UsedNull {
				usedNull++
			}
		}
		if !s.Online {
			offline++
		}
		if !s.Activated {
			inactive++
			if s.Online {
				t.Fatalf("SIM %d online but not activated", i)
			}
		}
		if s.IMEI == "" {
			noIMEI++
		} else if len(s.IMEI) != 15 || !luhnValid(s.IMEI) {
			t.Fatalf("SIM %d IMEI %q", i, s.IMEI)
		}
	}
	for name, n := range map[string]int{"without a label": noLabel, "without a data limit": noLimit, "with used null": usedNull, "offline": offline, "not activated": inactive, "without an IMEI": noIMEI} {
		if n == 0 || n == len(f.SIMs) {
			t.Errorf("%d SIMs %s, want some but not all", n, name)
		}
	}
}

func TestSIMsEveryPagingStyle(t *testing.T) {
	f := DefaultFleet()
	all := fleetIDs(f, func(SIM) bool { return true })
	for _, style := range []SIMPaging{SIMPagingCursor, SIMPagingOffset, SIMPagingBare} {
		t.Run(style.String(), func(t *testing.T) {
			s := New(Options{APIKey: testKey, RateLimit: 1 << 30, SIMPaging: style})
			for _, limit := range []int{1, 7, 16, 48, 1000} {
				got, pages := readSIMs(t, s, "", limit)
				if !slices.Equal(simIDs(got), all) {
					t.Fatalf("limit %d: %v", limit, simIDs(got))
				}
				want := (len(all) + limit - 1) / limit
				if style == SIMPagingBare && len(all)%limit == 0 {
					want++ // a full last page: only an empty page tells
				}
				if pages != want {
					t.Fatalf("limit %d: %d pages, want %d", limit, pages, want)
				}
			}
		})
	}
}

func TestSIMsOffsetAnswer(t *testing.T) {
	s := New(Options{APIKey: testKey, RateLimit: 1 << 30, SIMPaging: SIMPagingOffset, SIMPageLimit: 20})
	rec := get(t, s, "/sims?offset=40")
	p := decodeSIMPage(t, rec.Body.Bytes())
	// Asked for the default 1000, served the page limit of 20: the answer
	// says so, and says how many there are.
	if *p.Count != 8 || *p.Limit != 20 || *p.Offset != 40 || *p.Total != 48 || len(p.SIMs) != 8 {
		t.Fatalf("count %d limit %d offset %d total %d sims %d", *p.Count, *p.Limit, *p.Offset, *p.Total, len(p.SIMs))
	}
	if !strings.HasPrefix(rec.Body.String(), `{"count":8,"limit":20,"offset":40,"total":48,"sims":[`) {
		t.Fatalf("keys not in the docs' order: %s", truncate(rec.Body.Bytes()))
	}
	// Past the end: an empty page that still counts the total.
	p = decodeSIMPage(t, get(t, s, "/sims?offset=100").Body.Bytes())
	if *p.Count != 0 || *p.Total != 48 || len(p.SIMs) != 0 {
		t.Fatalf("past the end: %+v", p)
	}
	// Styles switch at run time.
	s.SetSIMPaging(SIMPagingCursor)
	if p := decodeSIMPage(t, get(t, s, "/sims?limit=5").Body.Bytes()); p.Pagination == nil || p.Total != nil {
		t.Fatal("SetSIMPaging did not switch to cursors")
	}
}

func TestSIMsFilters(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	cases := []struct {
		query string
		keep  func(SIM) bool
	}{
		{"filter=online:true", func(s SIM) bool { return s.Online }},
		{"filter[]=online:false", func(s SIM) bool { return !s.Online }},
		{"filter=activated:false", func(s SIM) bool { return !s.Activated }},
		{"filter[]=online:false&filter[]=activated:true", func(s SIM) bool { return !s.Online && s.Activated }},
		{"filter[]=connector:vpn-hq", func(s SIM) bool { return s.Connector == "vpn-hq" }},
		{"filter=network_whitelist:EU", func(s SIM) bool { return s.NetworkWhitelist == "EU" }},
	}
	for _, tc := range cases {
		want := fleetIDs(f, tc.keep)
		if len(want) == 0 || len(want) == len(f.SIMs) {
			t.Fatalf("%s: %d SIMs match; the case proves nothing", tc.query, len(want))
		}
		for _, style := range []SIMPaging{SIMPagingCursor, SIMPagingOffset, SIMPagingBare} {
			s.SetSIMPaging(style)
			got, _ := readSIMs(t, s, tc.query, 5)
			if !slices.Equal(simIDs(got), want) {
				t.Fatalf("%s (%s): %v, want %v", tc.query, style, simIDs(got), want)
			}
		}
	}
	for _, bad := range []string{"filter=online:yes", "filter=online:TRUE", "filter=tag:x", "filter=online", "filter=online:true&filter[]=activated:true",
		"filter[]=online:true&filter[]=online:false", "limit=0", "limit=1001", "limit=x", "offset=-1", "next_page=bm9wZQ==",
		"next_page=" + url.QueryEscape(encodeCursor(time.Now(), 3))} {
		rec := get(t, s, "/sims?"+bad)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", bad, rec.Code, truncate(rec.Body.Bytes()))
		}
	}
	// A cursor is only good with the filters it was made with.
	s.SetSIMPaging(SIMPagingCursor)
	p := decodeSIMPage(t, get(t, s, "/sims?filter=online:true&limit=2").Body.Bytes())
	next := *p.Pagination.NextPage
	if i, _ := s.resumeSIM(next); f.SIMs[i].Online {
		wantError(t, get(t, s, "/sims?filter=online:false&next_page="+url.QueryEscape(next)), http.StatusBadRequest, CodeInvalidNextPage)
	}
}

func TestSIMsDataLimitsCountThePeriodsUsage(t *testing.T) {
	f := DefaultFleet()
	for _, tc := range []struct {
		period time.Time
		month  time.Month
	}{
		{time.Time{}, time.April}, // default: the month of the last record
		{time.Date(2025, 2, 17, 9, 0, 0, 0, time.UTC), time.February},
	} {
		s := New(Options{APIKey: testKey, RateLimit: 1 << 30, Period: tc.period})
		from, to := s.Period()
		if from != time.Date(2025, tc.month, 1, 0, 0, 0, 0, time.UTC) || to != from.AddDate(0, 1, 0) {
			t.Fatalf("period %s..%s", from, to)
		}
		sims, _ := readSIMs(t, s, "", 1000)
		over := checkDataLimits(t, f, s, sims)
		if tc.month == time.April && (over == 0 || over > len(sims)/2) {
			t.Fatalf("%d SIMs over 90%% of their limit in April; the docs' pattern needs a few", over)
		}
	}
}

func TestSIMsNetworkAndLabels(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	sims, _ := readSIMs(t, s, "", 1000)
	online := 0
	for i, got := range sims {
		sim := f.SIMs[i]
		if got.ID != sim.ID || got.ICCID != sim.ICCID || got.Activated != sim.Activated || got.Online != sim.Online {
			t.Fatalf("SIM %d: %+v", i, got)
		}
		if (got.Label == nil) != (sim.Label == "") || got.Label != nil && *got.Label != sim.Label {
			t.Fatalf("%s label %v, want %q", sim.ID, got.Label, sim.Label)
		}
		nw := got.Network
		if !sim.Online {
			if nw.Name != nil || nw.Country != nil || nw.CountryCode != nil || nw.MCC != nil || nw.MNC != nil {
				t.Fatalf("offline %s has a network", sim.ID)
			}
			continue
		}
		online++
		recs := f.RecordsOf(sim.ID)
		last := recs[len(recs)-1]
		if nw.CountryCode == nil || *nw.CountryCode != strings.ToUpper(last.CountryCode) || *nw.MCC != last.MCC || *nw.MNC != last.MNC ||
			*nw.Name == "" || *nw.Country == "" {
			t.Fatalf("%s network %v %v %v, last record %+v", sim.ID, nw.CountryCode, nw.MCC, nw.MNC, last)
		}
	}
	if online == 0 {
		t.Fatal("no SIM online")
	}
}

// The tags /sims lists agree with the tag-total endpoint: a tag's total is
// the usage of exactly the SIMs /sims shows carrying it.
func TestSIMsTagsAgreeWithTagTotals(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	sims, _ := readSIMs(t, s, "", 10)
	byTag := map[string]int64{}
	names := map[string]string{}
	for _, sim := range sims {
		var all int64
		for _, r := range f.RecordsOf(sim.ID) {
			all += r.Bytes
		}
		for _, tg := range sim.Tags {
			byTag[tg.ID] += all
			if names[tg.ID] != "" && names[tg.ID] != tg.Name {
				t.Fatalf("tag %s named %q and %q", tg.ID, names[tg.ID], tg.Name)
			}
			names[tg.ID] = tg.Name
		}
	}
	for _, tag := range f.Tags {
		var ans struct {
			Bytes int64 `json:"bytes"`
		}
		if err := json.Unmarshal(get(t, s, "/usage/tag-total/"+tag.ID).Body.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.Bytes != byTag[tag.ID] {
			t.Fatalf("tag %s: tag total %d, SIMs listed with it used %d", tag.Name, ans.Bytes, byTag[tag.ID])
		}
		if byTag[tag.ID] > 0 && names[tag.ID] != tag.Name {
			t.Fatalf("tag %s listed as %q", tag.Name, names[tag.ID])
		}
	}
}

func TestSIMByIDOrICCID(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	list, _ := readSIMs(t, s, "", 1000)
	for _, i := range []int{0, 4, 8, 47} {
		for _, key := range []string{f.SIMs[i].ID, f.SIMs[i].ICCID} {
			rec := get(t, s, "/sims/"+key)
			if rec.Code != 200 {
				t.Fatalf("%s: %d", key, rec.Code)
			}
			var one simAPI
			decodeStrict(t, rec.Body.Bytes(), &one)
			a, _ := json.Marshal(one)
			b, _ := json.Marshal(list[i])
			if string(a) != string(b) {
				t.Fatalf("/sims/%s differs from its entry in /sims:\n%s\n%s", key, a, b)
			}
		}
	}
	for _, key := range []string{"000000000", "894573873000000000000", "12345", "abc"} {
		wantError(t, get(t, s, "/sims/"+key), http.StatusNotFound, CodeSIMNotFoundSims)
	}
}

func TestSIMsKeyScope(t *testing.T) {
	f := DefaultFleet()
	scope := f.Tags[0].ID
	s := New(Options{APIKey: testKey, RateLimit: 1 << 30, KeyTags: []string{scope}})
	in := fleetIDs(f, func(s SIM) bool { return slices.Contains(s.Tags, scope) })
	got, _ := readSIMs(t, s, "", 3)
	if !slices.Equal(simIDs(got), in) {
		t.Fatalf("scoped list %v, want %v", simIDs(got), in)
	}
	for _, sim := range f.SIMs {
		rec := get(t, s, "/sims/"+sim.ID)
		if slices.Contains(in, sim.ID) {
			if rec.Code != 200 {
				t.Fatalf("%s in scope: %d", sim.ID, rec.Code)
			}
		} else {
			wantError(t, rec, http.StatusForbidden, CodeForbidden)
		}
	}
}

// checkDataLimits checks every SIM's data limit, usage and online_at in
// sims (the SIM list s answered, in fleet order) against f's records of
// the server's period; it returns how many SIMs are at 90% of their limit
// or more.
func checkDataLimits(t *testing.T, f *Fleet, s *Server, sims []simAPI) (over int) {
	t.Helper()
	from, to := s.Period()
	if len(sims) != len(f.SIMs) {
		t.Fatalf("%d SIMs listed, the fleet has %d", len(sims), len(f.SIMs))
	}
	for i, got := range sims {
		sim := f.SIMs[i]
		var used, all int64
		var last *Record
		for _, r := range f.RecordsOf(sim.ID) {
			all += r.Bytes
			if r.Time.Before(to) {
				r := r
				last = &r
				if !r.Time.Before(from) {
					used += r.Bytes
				}
			}
		}
		if got.Usage.String() != strconv.FormatInt(all, 10) {
			t.Fatalf("%s usage %s, want %d", sim.ID, got.Usage, all)
		}
		if sim.DataLimit == nil {
			if got.DataLimit != nil {
				t.Fatalf("%s has a data limit", sim.ID)
			}
			continue
		}
		dl := got.DataLimit
		if dl == nil || dl.Total.String() != strconv.FormatInt(sim.DataLimit.Total, 10) || dl.Type != "monthly" ||
			dl.Period != from.Format("200601") || dl.ResetsAt != to.Format("2006-01-02T15:04:05.000Z") {
			t.Fatalf("%s data limit %+v", sim.ID, dl)
		}
		switch {
		case sim.DataLimit.UsedNull:
			if dl.Used != nil {
				t.Fatalf("%s used %s, want null", sim.ID, *dl.Used)
			}
		case dl.Used == nil || dl.Used.String() != strconv.FormatInt(used, 10):
			t.Fatalf("%s used %v, want %d", sim.ID, dl.Used, used)
		case used*10 >= sim.DataLimit.Total*9:
			over++
		}
		// online_at is the last record before the period ends.
		switch {
		case last == nil:
			if got.OnlineAt != nil {
				t.Fatalf("%s online_at %s without usage", sim.ID, *got.OnlineAt)
			}
		case got.OnlineAt == nil || *got.OnlineAt != last.Time.Format("2006-01-02T15:04:05.000Z"):
			t.Fatalf("%s online_at %v, want %s", sim.ID, got.OnlineAt, last.Time)
		}
	}
	return over
}
