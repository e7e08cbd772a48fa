package onomondo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// newFakeClient starts the fake API with opts and returns a client of it.
func newFakeClient(t *testing.T, opts fakeapi.Options) (*fakeapi.Server, *Client) {
	t.Helper()
	opts.APIKey = testKey
	srv, ts := fakeapi.NewTestServer(opts)
	t.Cleanup(ts.Close)
	c, _ := newTestClient(t, ts.URL)
	return srv, c
}

// checkSIM compares a decoded SIM with the fake's fleet and its period.
func checkSIM(t *testing.T, srv *fakeapi.Server, got SIM) {
	t.Helper()
	f := srv.Fleet()
	want, ok := f.SIMByID(got.ID)
	if !ok {
		t.Fatalf("unknown SIM %q", got.ID)
	}
	if got.ICCID != want.ICCID || got.Label != want.Label || got.IMEI != want.IMEI || got.NetworkWhitelist != want.NetworkWhitelist ||
		got.Activated == nil || *got.Activated != want.Activated || got.Online == nil || *got.Online != want.Online {
		t.Fatalf("SIM %s: %+v, fleet %+v", got.ID, got, want)
	}
	tags := make([]string, len(got.Tags))
	for i, tg := range got.Tags {
		tags[i] = tg.ID
		if tag, _ := f.TagByID(tg.ID); tag.Name != tg.Name {
			t.Fatalf("SIM %s tag %+v", got.ID, tg)
		}
	}
	if strings.Join(tags, ",") != strings.Join(want.Tags, ",") {
		t.Fatalf("SIM %s tags %v, want %v", got.ID, tags, want.Tags)
	}
	from, to := srv.Period()
	var used int64
	var last *fakeapi.Record
	for _, r := range f.RecordsOf(want.ID) {
		if r.Time.Before(to) {
			r := r
			last = &r
			if !r.Time.Before(from) {
				used += r.Bytes
			}
		}
	}
	switch dl := got.DataLimit; {
	case want.DataLimit == nil:
		if dl != nil {
			t.Fatalf("SIM %s has a data limit %+v", got.ID, *dl)
		}
	case dl == nil || dl.Total == nil || *dl.Total != want.DataLimit.Total || dl.Type != "monthly" ||
		dl.Period != from.Format("200601") || dl.ResetsAt != to.Format("2006-01-02T15:04:05Z"):
		t.Fatalf("SIM %s data limit %+v", got.ID, dl)
	case want.DataLimit.UsedNull:
		if dl.Used != nil {
			t.Fatalf("SIM %s used %d, want nil", got.ID, *dl.Used)
		}
	case dl.Used == nil || *dl.Used != used:
		t.Fatalf("SIM %s used %v, want %d", got.ID, dl.Used, used)
	}
	if last == nil {
		if got.OnlineAt != "" {
			t.Fatalf("SIM %s online_at %q", got.ID, got.OnlineAt)
		}
	} else if got.OnlineAt != last.Time.UTC().Format("2006-01-02T15:04:05Z") {
		t.Fatalf("SIM %s online_at %q, want %s", got.ID, got.OnlineAt, last.Time)
	}
	if want.Online {
		if got.Network.CountryCode != last.CountryCode || got.Network.MCC != last.MCC || got.Network.MNC != last.MNC || got.Network.Name == "" {
			t.Fatalf("SIM %s network %+v, last record %+v", got.ID, got.Network, *last)
		}
	} else if got.Network != (SIMNetwork{}) {
		t.Fatalf("offline SIM %s network %+v", got.ID, got.Network)
	}
}

func TestListSIMsEveryPagingStyle(t *testing.T) {
	for _, style := range []fakeapi.SIMPaging{fakeapi.SIMPagingCursor, fakeapi.SIMPagingOffset, fakeapi.SIMPagingBare} {
		t.Run(style.String(), func(t *testing.T) {
			srv, c := newFakeClient(t, fakeapi.Options{SIMPaging: style, SIMPageLimit: 7})
			list, err := c.ListSIMs(context.Background(), SIMQuery{})
			if err != nil {
				t.Fatal(err)
			}
			f := srv.Fleet()
			if len(list.SIMs) != len(f.SIMs) {
				t.Fatalf("%d SIMs, want %d", len(list.SIMs), len(f.SIMs))
			}
			for i, s := range list.SIMs {
				if s.ID != f.SIMs[i].ID {
					t.Fatalf("SIM %d is %s, want %s", i, s.ID, f.SIMs[i].ID)
				}
				checkSIM(t, srv, s)
			}
			pages := 7
			if style == fakeapi.SIMPagingBare {
				pages = 8 // a bare answer says no page size: only an empty page ends the read
			}
			if list.Pages != pages || list.ByOffset != (style != fakeapi.SIMPagingCursor) || list.UnreadTimes != 0 {
				t.Fatalf("pages %d, by offset %t, unread %d", list.Pages, list.ByOffset, list.UnreadTimes)
			}
			// Each page after the first asks for the next position in the
			// style of the answers.
			reqs := srv.Requests()
			for i, r := range reqs {
				switch {
				case i == 0:
					if r.RawQuery != "limit=1000" {
						t.Fatalf("first request %q", r.RawQuery)
					}
				case style == fakeapi.SIMPagingCursor:
					if !strings.HasPrefix(r.RawQuery, "limit=1000&next_page=") {
						t.Fatalf("request %d %q", i+1, r.RawQuery)
					}
				default:
					if r.RawQuery != fmt.Sprintf("limit=1000&offset=%d", min(7*i, len(f.SIMs))) {
						t.Fatalf("request %d %q", i+1, r.RawQuery)
					}
				}
			}
		})
	}
}

func TestListSIMsFilters(t *testing.T) {
	srv, c := newFakeClient(t, fakeapi.Options{SIMPageLimit: 5})
	yes, no := "true", "false"
	list, err := c.ListSIMs(context.Background(), SIMQuery{Filters: []Filter{{"online", yes}, {"activated", yes}}})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, s := range srv.Fleet().SIMs {
		if s.Online && s.Activated {
			want++
		}
	}
	if len(list.SIMs) != want {
		t.Fatalf("%d SIMs, want %d", len(list.SIMs), want)
	}
	for _, s := range list.SIMs {
		if !*s.Online || !*s.Activated {
			t.Fatalf("SIM %s passed the filters: %+v", s.ID, s)
		}
	}
	for i, r := range srv.Requests() {
		q, _ := url.QueryUnescape(r.RawQuery)
		if !strings.HasPrefix(q, "filter[]=online:true&filter[]=activated:true&limit=1000") || (i > 0) != strings.Contains(q, "next_page=") {
			t.Fatalf("request %d %q: the filters go on every page", i+1, q)
		}
	}
	// One filter is still sent as filter[].
	srv.ResetRequests()
	if _, err := c.ListSIMs(context.Background(), SIMQuery{Filters: []Filter{{"activated", no}}}); err != nil {
		t.Fatal(err)
	}
	if q := srv.Requests()[0].RawQuery; q != "filter[]=activated:false&limit=1000" {
		t.Fatalf("query %q", q)
	}
}

func TestDecodeSIMsPageIsLenient(t *testing.T) {
	body := `{"sims":[
	  {"id":"000002418","iccid":"89457387300000024185","msisdn":"4512345678","imei":"358299849999999",
	   "label":null,"network_whitelist":"Global","imei_lock":null,"connector":null,"activated":true,
	   "online":true,"online_at":"2024-01-22T02:23:47.398Z","last_came_online_at":"2024-01-22T02:23:47.398Z",
	   "network":{"name":"Telenor Norge","country":"Norway","country_code":"NO","mcc":"242","mnc":"01"},
	   "usage":934411,"tags":[{"id":"408de4f2-0664-45f1-8fa6-4add99775437","name":"Fleet A","can_write":false,"color":"#2fc9eb"}],
	   "data_limit":{"used":794716,"total":1e7,"type":"monthly","period":"202401","alert_threshold":1e6,"resets_at":"2024-02-01T00:00:00.000Z"},
	   "location":{"lat":63.42},"technologies":{"sms":true},"something_new":[1,2]},
	  {"id":"000002419","label":"","online":false,"online_at":"2024-01-22 02:23:47",
	   "network":{"name":null,"country":null,"country_code":null,"mcc":null,"mnc":null},
	   "data_limit":{"used":null,"total":5000000,"alert_threshold":null,"resets_at":"next month"}},
	  {"id":"000002420","data_limit":null,"network":null,"tags":null},
	  {"id":"000002421","label":"caf` + "\xe9" + `"}
	],"pagination":{"has_more":false,"next_page":null},"extra":{"a":1}}`
	p, err := decodeSIMsPage([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.byOffset || p.hasMore || p.next != "" || len(p.sims) != 4 || p.unreadTimes != 1 {
		t.Fatalf("page %+v", p)
	}
	a := p.sims[0]
	if a.Label != "" || a.OnlineAt != "2024-01-22T02:23:47Z" || a.Network.CountryCode != "no" || a.Network.MNC != "01" ||
		len(a.Tags) != 1 || a.Tags[0].Name != "Fleet A" || a.DataLimit == nil || *a.DataLimit.Total != 10_000_000 ||
		*a.DataLimit.Used != 794716 || *a.DataLimit.AlertThreshold != 1_000_000 || a.DataLimit.ResetsAt != "2024-02-01T00:00:00Z" {
		t.Fatalf("first SIM %+v %+v", a, a.DataLimit)
	}
	b := p.sims[1]
	if b.OnlineAt != "2024-01-22T02:23:47Z" || b.ICCID != "" || b.Activated != nil || *b.Online || b.Network != (SIMNetwork{}) ||
		b.DataLimit.Used != nil || b.DataLimit.AlertThreshold != nil || b.DataLimit.ResetsAt != "next month" || b.Tags != nil {
		t.Fatalf("second SIM %+v %+v", b, b.DataLimit)
	}
	if c := p.sims[2]; c.DataLimit != nil || c.Network != (SIMNetwork{}) || c.Tags != nil {
		t.Fatalf("third SIM %+v", c)
	}
	if d := p.sims[3]; d.Label != "caf\uFFFD" {
		t.Fatalf("invalid UTF-8 became %q", d.Label)
	}

	// Offset style, and the bare list.
	p, err = decodeSIMsPage([]byte(`{"count":1,"limit":20,"offset":0,"total":1,"sims":[{"id":"000000001"}]}`), "")
	if err != nil || !p.byOffset || *p.total != 1 || *p.limit != 20 || *p.offset != 0 || len(p.sims) != 1 {
		t.Fatalf("offset page %+v %v", p, err)
	}
	p, err = decodeSIMsPage([]byte(`{"sims":[]}`), "")
	if err != nil || !p.byOffset || p.total != nil || len(p.sims) != 0 {
		t.Fatalf("bare page %+v %v", p, err)
	}
}

// TestSIMIDsAsJSONNumbers: a SIM's id, ICCID, MCC and MNC sent as JSON
// numbers are read as the API writes them (a SIM id is 9 digits, zero
// padded, like a record's sim_id), in a SIM list and in one SIM's answer.
func TestSIMIDsAsJSONNumbers(t *testing.T) {
	p, err := decodeSIMsPage([]byte(`{"sims":[{"id":2418,"iccid":89457387300000024185,"network":{"mcc":242,"mnc":1},`+
		`"tags":[{"id":"408de4f2-0664-45f1-8fa6-4add99775437","name":"Fleet A"}]}],"pagination":{"has_more":false}}`), "")
	if err != nil || len(p.sims) != 1 {
		t.Fatalf("%+v, %v", p, err)
	}
	if s := p.sims[0]; s.ID != "000002418" || s.ICCID != "89457387300000024185" || s.Network.MCC != "242" || s.Network.MNC != "1" ||
		len(s.Tags) != 1 || s.Tags[0].ID != "408de4f2-0664-45f1-8fa6-4add99775437" {
		t.Errorf("SIM %+v", s)
	}
	for _, body := range []string{`{"id":42,"iccid":"89457387300000000421"}`, `{"sim":{"id":42}}`} {
		s, _, err := decodeSIMAnswer([]byte(body), "000000042", "")
		if err != nil || s.ID != "000000042" {
			t.Errorf("%s: %+v, %v", body, s, err)
		}
	}
}

func TestDecodeSIMsPageErrors(t *testing.T) {
	cases := []struct{ body, want string }{
		{``, "the body is empty"},
		{`null`, "the body is JSON null, not an object"},
		{`[]`, "the answer is a JSON array, expected an object"},
		{`{"sims":[{"id":"1"}]`, "the JSON ends early (truncated)"},
		{`{}`, `the JSON object has no "sims" list and no paging members`},
		{`{"sims":[{"id":"1"}`, "the JSON ends early (truncated)"},
		{`{"sims":[]} x`, "invalid JSON at byte 12"},
		{`{"sims":[],"total":1,"total":2}`, `duplicate object member name`},
		{`{"sims":[{"id":"1","data_limit":{"total":"5e6"}}]}`, `sims[0].data_limit.total: "5e6" is a string that is not decimal digits, expected a whole non-negative number of bytes`},
		{`{"sims":[{"id":"1"},{"id":"2","data_limit":{"used":-5}}]}`, `sims[1].data_limit.used: -5 is negative`},
		{`{"sims":[{"id":"1","data_limit":{"used":1.5}}]}`, `sims[0].data_limit.used: 1.5 is not a whole number`},
		{`{"sims":[{"id":"1","data_limit":{"used":true}}]}`, `sims[0].data_limit.used: true is a JSON boolean, expected a whole non-negative number of bytes`},
		{`{"sims":[{"id":1234567890}]}`, `sims[0].id: 1234567890 is a JSON number that is not an id, expected a string, or a whole number of at most 9 digits`},
		{`{"sims":[{"id":"1","tags":[{"id":5,"name":"n"}]}]}`, `sims[0].tags[0].id is a JSON number, expected a string`},
		{`{"sims":[{"id":"1","online":"yes"}]}`, `sims[0].online is a JSON string, expected true or false`},
		{`{"sims":[{"id":"1","network":{"mcc":2420}}]}`, `sims[0].network.mcc: 2420 is a JSON number that is not an id`},
		{`{"sims":[{"id":"1","label":7}]}`, `sims[0].label is a JSON number, expected a string`},
		{`{"sims":{"id":"1"}}`, `sims is a JSON object, expected a list`},
		{`{"sims":[],"total":true}`, `total: true is a JSON boolean, expected a whole non-negative number`},
		{`{"sims":[],"offset":-1}`, `offset: -1 is negative, expected a whole non-negative number`},
		// alert_threshold is bytes of headroom below the limit: a byte count.
		{`{"sims":[{"id":"1","data_limit":{"alert_threshold":"80%"}}]}`, `sims[0].data_limit.alert_threshold: "80%" is a string that is not decimal digits, expected a whole non-negative number of bytes`},
		{`{"sims":[{"id":"1","data_limit":{"alert_threshold":0.8}}]}`, `sims[0].data_limit.alert_threshold: 0.8 is not a whole number, expected a whole non-negative number of bytes`},
		{`{"sims":[{"id":"1","data_limit":{"alert_threshold":-100}}]}`, `sims[0].data_limit.alert_threshold: -100 is negative, expected a whole non-negative number of bytes`},
	}
	for _, tc := range cases {
		_, err := decodeSIMsPage([]byte(tc.body), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestOffsetPage(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	cases := []struct {
		name                 string
		at                   int64
		asked, got           int
		offset, limit, total *int64
		more                 bool
		next                 int64
		err                  string
	}{
		{"total: more", 0, 1000, 20, n(0), n(20), n(48), true, 20, ""},
		{"total: last page", 40, 1000, 8, n(40), n(20), n(48), false, 48, ""},
		{"total: empty fleet", 0, 1000, 0, nil, nil, n(0), false, 0, ""},
		{"no total: full page", 20, 1000, 20, nil, n(20), nil, true, 40, ""},
		{"no total: short page", 20, 1000, 5, nil, n(20), nil, false, 25, ""},
		{"no total: a smaller limit than asked", 0, 10, 5, nil, n(5), nil, true, 5, ""},
		{"no total, no limit: short page", 0, 1000, 7, nil, nil, nil, true, 7, ""},
		{"no total, no limit: empty page", 40, 1000, 0, nil, nil, nil, false, 40, ""},
		{"wrong offset", 20, 1000, 5, n(0), nil, n(48), false, 0, "the answer is for offset 0, but offset 20 was asked for"},
		{"empty but total says more", 20, 1000, 0, n(20), nil, n(48), false, 0, "the page at offset 20 is empty, but the answer's total says 48"},
		{"more than total", 40, 1000, 9, n(40), nil, n(48), false, 0, "more than its total of 48"},
	}
	for _, tc := range cases {
		more, next, err := offsetPage(Position{Offset: tc.at}, tc.asked, tc.got, tc.offset, tc.limit, tc.total)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
		case err != nil || more != tc.more || next != tc.next:
			t.Errorf("%s: %t %d %v, want %t %d", tc.name, more, next, err, tc.more, tc.next)
		}
	}
}

// simsBody is a GET /sims answer holding SIMs first..first+n-1.
func simsBody(first, n int, paging string) string {
	var b strings.Builder
	b.WriteString(`{"sims":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%09d"}`, first+i)
	}
	b.WriteString("]" + paging + "}")
	return b.String()
}

func TestSIMPagingGuards(t *testing.T) {
	cases := []struct {
		name string
		h    func(n int, q url.Values) string
		want string
	}{
		{"cursor page repeats a SIM", func(n int, _ url.Values) string {
			return simsBody(1+n, 3, fmt.Sprintf(`,"pagination":{"has_more":true,"next_page":"c%d"}`, n))
		}, `page 2 lists SIM "000000003" again, already listed on page 1`},
		{"a SIM twice on one page", func(int, url.Values) string {
			return `{"sims":[{"id":"000000001"},{"id":"000000001"}],"pagination":{"has_more":false}}`
		}, `page 1 lists SIM "000000001" again, already listed on this page`},
		{"offset ignored, total claims more", func(int, url.Values) string {
			return simsBody(1, 20, `,"count":20,"limit":20,"offset":0,"total":48`)
		}, "the answer is for offset 0, but offset 20 was asked for"},
		{"offset echoed, same SIMs", func(_ int, q url.Values) string {
			return simsBody(1, 20, `,"count":20,"limit":20,"offset":`+orZero(q.Get("offset"))+`,"total":48`)
		}, `page 2 lists SIM "000000001" again`},
		{"total says more, page empty", func(n int, q url.Values) string {
			if n == 1 {
				return simsBody(1, 20, `,"offset":0,"total":30`)
			}
			return simsBody(1, 0, `,"offset":20,"total":30`)
		}, "the page at offset 20 is empty, but the answer's total says 30"},
		{"cursor then offset", func(n int, _ url.Values) string {
			if n == 1 {
				return simsBody(1, 2, `,"pagination":{"has_more":true,"next_page":"c"}`)
			}
			return simsBody(3, 2, `,"offset":0,"total":4`)
		}, "page 2 uses offset paging (count/limit/offset/total) but page 1 used cursor paging"},
		{"offset then cursor", func(n int, _ url.Values) string {
			if n == 1 {
				return simsBody(1, 2, `,"offset":0,"total":4`)
			}
			return simsBody(3, 2, `,"pagination":{"has_more":false}`)
		}, "page 2 uses cursor paging (pagination.next_page) but page 1 used offset paging"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, 200, tc.h(n, r.URL.Query()))
			})
			c, _ := newTestClient(t, ts.URL)
			_, err := c.ListSIMs(context.Background(), SIMQuery{})
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindPaging {
				t.Fatalf("err = %v, want a paging error", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /sims") {
				t.Fatalf("err = %q, want %q and the endpoint", err, tc.want)
			}
			if n := len(ts.requests()); n > 3 {
				t.Fatalf("%d requests", n)
			}
		})
	}
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func TestGetSIM(t *testing.T) {
	srv, c := newFakeClient(t, fakeapi.Options{})
	f := srv.Fleet()
	for _, i := range []int{0, 4, 8, 11, 47} {
		for _, key := range []string{f.SIMs[i].ID, f.SIMs[i].ICCID} {
			s, unread, err := c.GetSIM(context.Background(), key)
			if err != nil || unread != 0 {
				t.Fatalf("%s: %v (%d unread)", key, err, unread)
			}
			checkSIM(t, srv, s)
		}
	}
	_, _, err := c.GetSIM(context.Background(), "000000001")
	if !IsNotFound(err) || !strings.Contains(err.Error(), `SIM "000000001" was not found in the organisation of this API key`) ||
		!strings.Contains(err.Error(), `GET /sims/000000001 answered HTTP 404 "sim_not_found"`) {
		t.Fatalf("unknown SIM: %v", err)
	}
}

func TestGetSIMAnswers(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"sim":{"id":"000000042","iccid":"89457387300000000421","label":"a"}}`, ""},
		{`{"id":"000000042","label":"a"}`, ""},
		{`{"iccid":"89457387300000000421","label":"a"}`, "not the SIM asked for"},
		{`{"id":"000000043","iccid":"8945738730000000043","label":"a"}`, `the answer describes SIM "000000043"`},
		{`{"label":"a"}`, `the answer names no SIM (no "id" and no "iccid")`},
		{`{"id":"000000042","data_limit":{"used":"1x"}}`, `data_limit.used: "1x" is a string that is not decimal digits`},
	}
	for _, tc := range cases {
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, tc.body) })
		c, _ := newTestClient(t, ts.URL)
		s, _, err := c.GetSIM(context.Background(), "000000042")
		if tc.want == "" {
			if err != nil || s.ID != "000000042" || s.Label != "a" {
				t.Errorf("%s: %+v %v", tc.body, s, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a decode error with %q", tc.body, err, tc.want)
		}
	}
	// By ICCID: with or without its check digit.
	for _, asked := range []string{"89457387300000000421", "8945738730000000042"} {
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"id":"000000042","iccid":"89457387300000000421"}`)
		})
		c, _ := newTestClient(t, ts.URL)
		if _, _, err := c.GetSIM(context.Background(), asked); err != nil {
			t.Errorf("%s: %v", asked, err)
		}
	}
}

// simsAnswer is a GET /sims answer of testSIMs SIMs, ten a page, from the
// query's cursor ("s<index>", anything after a "~" ignored) or offset: by
// cursor pagination, or byOffset with count/limit/offset/total. Each SIM
// has a data limit whose use is 1000 bytes times its index.
func simsAnswer(q url.Values, byOffset bool) (page map[string]any, from int) {
	if c := q.Get("next_page"); c != "" {
		from, _ = strconv.Atoi(strings.TrimPrefix(strings.Split(c, "~")[0], "s"))
	}
	if o := q.Get("offset"); o != "" {
		from, _ = strconv.Atoi(o)
	}
	to := min(from+10, testSIMs)
	sims := []any{}
	for i := from; i < to; i++ {
		sims = append(sims, map[string]any{"id": fmt.Sprintf("%09d", i+1), "data_limit": map[string]any{"used": int64(i) * 1000, "total": int64(5_000_000)}})
	}
	page = map[string]any{"sims": sims}
	if byOffset {
		page["count"], page["limit"], page["offset"], page["total"] = len(sims), 10, from, testSIMs
		return page, from
	}
	pagination := map[string]any{"has_more": to < testSIMs}
	if to < testSIMs {
		pagination["next_page"] = "s" + strconv.Itoa(to)
	}
	page["pagination"] = pagination
	return page, from
}

const testSIMs = 48

// TestListSIMsFaults: GET /sims answers that a read must survive give the
// complete, exact list; answers it cannot trust end it with an error naming
// the page and what was wrong.
func TestListSIMsFaults(t *testing.T) {
	type shape func(page map[string]any, from int)
	more := func(page map[string]any) bool { return page["pagination"].(map[string]any)["has_more"] == true }
	fresh := 0
	cases := []struct {
		name     string
		byOffset bool
		shape    shape
		odd      func(w http.ResponseWriter, n int) bool // answers request n instead, when it returns true
		kind     ErrorKind                               // 0: the complete list
		want     string
		requests int
	}{
		{name: "byte counts as digit strings", shape: func(page map[string]any, _ int) {
			for _, sim := range page["sims"].([]any) {
				dl := sim.(map[string]any)["data_limit"].(map[string]any)
				dl["used"], dl["total"] = strconv.FormatInt(dl["used"].(int64), 10), "5000000"
			}
		}, requests: 5},
		{name: "503 twice on page 3", odd: func(w http.ResponseWriter, n int) bool {
			if n == 3 || n == 4 {
				writeJSON(w, 503, `{"error":"service_unavailable"}`)
				return true
			}
			return false
		}, requests: 7},
		{name: "cursor pages without has_more", shape: func(page map[string]any, _ int) {
			delete(page["pagination"].(map[string]any), "has_more")
		}, requests: 5},
		{name: "has_more false with a cursor", shape: func(page map[string]any, _ int) {
			page["pagination"].(map[string]any)["has_more"] = false
		}, requests: 5},
		{name: "no pagination on the last page", shape: func(page map[string]any, _ int) {
			if !more(page) {
				delete(page, "pagination")
			}
		}, requests: 5},
		{name: "HTML 502 page", odd: func(w http.ResponseWriter, n int) bool {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html><h1>502 Bad Gateway</h1></html>")
			return true
		}, kind: KindHTTP, want: `GET /sims?limit=1000 (page 1) answered HTTP 502`, requests: 3},
		{name: "truncated JSON on page 2", odd: func(w http.ResponseWriter, n int) bool {
			if n == 2 {
				writeJSON(w, 200, `{"sims":[{"id":"000000011"}`)
			}
			return n == 2
		}, kind: KindDecode, want: `GET /sims?limit=1000&next_page=s10 (page 2) answered HTTP 200, but the body is not the JSON`, requests: 2},
		{name: "empty body", odd: func(w http.ResponseWriter, n int) bool { writeJSON(w, 200, ""); return true },
			kind: KindDecode, want: "the body is empty", requests: 1},
		{name: "a cursor back to the same page", shape: func(page map[string]any, from int) {
			page["pagination"] = map[string]any{"has_more": true, "next_page": "s" + strconv.Itoa(from)}
		}, kind: KindPaging, want: `page 2 lists SIM "000000001" again, already listed on page 1`, requests: 2},
		{name: "fresh cursors back to the same page", shape: func(page map[string]any, from int) {
			fresh++
			page["pagination"] = map[string]any{"has_more": true, "next_page": fmt.Sprintf("s%d~%d", from, fresh)}
		}, kind: KindPaging, want: `page 2 lists SIM "000000001" again, already listed on page 1`, requests: 2},
		{name: "has_more without a cursor", shape: func(page map[string]any, _ int) {
			page["pagination"] = map[string]any{"has_more": true}
		}, kind: KindPaging, want: "page 1 says has_more but gives no next_page cursor", requests: 1},
		{name: "offset paging that starts over", byOffset: true, shape: func(page map[string]any, from int) {
			first, _ := simsAnswer(url.Values{}, true)
			page["sims"], page["total"] = first["sims"], from+20
		}, kind: KindPaging, want: `GET /sims?limit=1000&offset=10 (page 2): page 2 lists SIM "000000001" again, already listed on page 1`, requests: 2},
		{name: "an offset total that is never reached", byOffset: true, shape: func(page map[string]any, _ int) {
			page["total"] = testSIMs + 10
		}, kind: KindPaging, want: `(page 6): the page at offset 48 is empty, but the answer's total says 58: the read would be incomplete`, requests: 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					if tc.odd != nil && tc.odd(w, n) {
						return
					}
					page, from := simsAnswer(r.URL.Query(), tc.byOffset)
					if tc.shape != nil {
						tc.shape(page, from)
					}
					body, _ := json.Marshal(page)
					writeJSON(w, 200, string(body))
				})
				c, _ := s.client(t, func(c *Config) { c.MaxRetries = 2 })
				list, err := c.ListSIMs(waitCtx(t, 10*time.Minute), SIMQuery{})
				if n := len(s.requests()); n != tc.requests {
					t.Errorf("%d requests, want %d", n, tc.requests)
				}
				if tc.kind != 0 {
					var e *Error
					if !errors.As(err, &e) || e.Kind != tc.kind || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("err = %v, want kind %d with %q", err, tc.kind, tc.want)
					}
					return
				}
				if err != nil || len(list.SIMs) != testSIMs || list.ByOffset != tc.byOffset {
					t.Fatalf("%d SIMs (by offset %t), %v; want all %d", len(list.SIMs), list.ByOffset, err, testSIMs)
				}
				for i, sim := range list.SIMs {
					if sim.ID != fmt.Sprintf("%09d", i+1) || sim.DataLimit == nil || *sim.DataLimit.Used != int64(i)*1000 || *sim.DataLimit.Total != 5_000_000 {
						t.Fatalf("SIM %d: %+v %+v", i, sim, sim.DataLimit)
					}
				}
			})
		})
	}
}

// TestListSIMsFullLastPage: a list that ends on a full page (a fleet of
// exactly 1,000 SIMs read 1,000 at a time) is read whole when the last
// page says has_more: false, as the API writes its last page; a full last
// page whose pagination says nothing is still refused.
func TestListSIMsFullLastPage(t *testing.T) {
	for _, tc := range []struct {
		name, last string
		want       string // "": the complete list
	}{
		{name: "has_more false", last: `{"has_more":false}`},
		{name: "has_more false, next_page null", last: `{"has_more":false,"next_page":null}`},
		{name: "empty pagination", last: `{}`, want: `page 4 holds 10 records, as many as earlier pages of this read that said more follow but its "pagination" has neither`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					from, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Query().Get("next_page"), "s"))
					ids := make([]string, 10)
					for i := range ids {
						ids[i] = fmt.Sprintf(`{"id":"%09d"}`, from+i+1)
					}
					pagination := fmt.Sprintf(`{"has_more":true,"next_page":"s%d"}`, from+10)
					if from+10 == 40 {
						pagination = tc.last
					}
					writeJSON(w, 200, `{"sims":[`+strings.Join(ids, ",")+`],"pagination":`+pagination+`}`)
				})
				c, _ := s.client(t)
				list, err := c.ListSIMs(waitCtx(t, time.Minute), SIMQuery{})
				if n := len(s.requests()); n != 4 {
					t.Errorf("%d requests, want 4", n)
				}
				if tc.want != "" {
					var e *Error
					if !errors.As(err, &e) || e.Kind != KindPaging || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("err = %v, want a paging error with %q", err, tc.want)
					}
					return
				}
				if err != nil || len(list.SIMs) != 40 || list.SIMs[39].ID != "000000040" {
					t.Fatalf("%d SIMs, %v; want 40", len(list.SIMs), err)
				}
			})
		})
	}
}

// FuzzDecodeSIMsPage: any body decodes to a page or to an error worded for
// a user (never go-json-experiment's raw "json:" / "jsontext:" text), and a
// decoded page keeps the promises of SIM: lower-case country codes,
// non-negative byte counts, offset members only on offset-paged answers.
func FuzzDecodeSIMsPage(f *testing.F) {
	for _, seed := range []string{
		`{"sims":[{"id":"000000001","network":{"country_code":"NO"},"data_limit":{"used":null,"total":1e7}}],"pagination":{"has_more":true,"next_page":"x"}}`,
		`{"count":1,"limit":20,"offset":0,"total":1,"sims":[{"id":"000000001","label":null,"tags":[{"id":"t","name":"n"}]}]}`,
		`{"sims":[]}`, `{}`, `[]`, `null`, ``, `{"sims":[{"id":1}]}`, `{"sims":[{"data_limit":{"used":"1"}}]}`,
		`{"sims":[],"total":1,"total":2}`, `{"sims":[{"online_at":"2024-01-22 02:23:47"}]}`, "{\"sims\":[{\"label\":\"\xff\"}]}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeSIMsPage(body, "")
		if err != nil {
			if msg := err.Error(); msg == "" || strings.HasPrefix(msg, "json:") || strings.HasPrefix(msg, "jsontext:") {
				t.Fatalf("error not worded for a user: %q", msg)
			}
			return
		}
		if !p.byOffset && (p.offset != nil || p.limit != nil || p.total != nil) {
			t.Fatalf("cursor page with offset members: %+v", p)
		}
		for _, s := range p.sims {
			if s.Network.CountryCode != strings.ToLower(s.Network.CountryCode) {
				t.Fatalf("country code %q", s.Network.CountryCode)
			}
			if d := s.DataLimit; d != nil && (d.Used != nil && *d.Used < 0 || d.Total != nil && *d.Total < 0) {
				t.Fatalf("negative byte count %+v", *d)
			}
		}
	})
}

// A proxy that echoes the API key into a field must not get it, or a part
// of it, into an error message: it is redacted before it is shortened.
func TestSIMDecodeErrorsRedactTheKey(t *testing.T) {
	echo := `"xxxxxxxxxxxxxxxxxxxx` + testKey + `"`
	for _, tc := range []struct {
		body string
		list bool
	}{
		{`{"id":"000000042","data_limit":{"alert_threshold":` + echo + `}}`, false},
		{`{"id":"000000042","data_limit":{"used":` + echo + `}}`, false},
		{`{"sims":[{"id":"1","data_limit":{"total":` + echo + `}}]}`, true},
		{`{"sims":[],"total":` + echo + `}`, true},
	} {
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, tc.body) })
		c, _ := newTestClient(t, ts.URL)
		var err error
		if tc.list {
			_, err = c.ListSIMs(context.Background(), SIMQuery{})
		} else {
			_, _, err = c.GetSIM(context.Background(), "000000042")
		}
		if err == nil || strings.Contains(err.Error(), testKey[:8]) || !strings.Contains(err.Error(), `"xxxxxxxxxxxxxxxxxxxx<redacted>" is`) {
			t.Errorf("%s: err = %v, want the value quoted with the key redacted", tc.body, err)
		}
	}
}
