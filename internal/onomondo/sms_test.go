package onomondo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// readDay reads one day and returns the messages of the read that counted
// (restart drops those of an earlier read).
func readDay(c *Client, q SMSQuery) ([]SMS, SMSDayResult, error) {
	var got []SMS
	res, err := c.ReadSMSDay(context.Background(), q, func(m []SMS) error {
		got = append(got, m...)
		return nil
	}, func() { got = nil })
	return got, res, err
}

// fakeDay is the fake's log of one day, for a SIM or every SIM ("").
func fakeDay(srv *fakeapi.Server, day, sim string) []string {
	var ids []string
	for _, m := range srv.SMS() {
		if m.Time.Format(time.DateOnly) == day && (sim == "" || m.SimID == sim) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

func smsIDs(msgs []SMS) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}

// fakeSMSServer serves the fake API in memory; between(n) runs after the
// fake answered request n.
func fakeSMSServer(between func(srv *fakeapi.Server, r *http.Request, n int)) (*fakeapi.Server, *memServer) {
	srv := fakeapi.New(fakeapi.Options{APIKey: testKey, RateLimit: 1 << 30})
	return srv, newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
		srv.ServeHTTP(w, r)
		if between != nil {
			between(srv, r, n)
		}
	})
}

// The send loop's day holds more than a page: every message comes once, in
// time order, with timestamp, order=ASC and the page size on every request
// and offset from the second.
func TestReadSMSDayFromTheFake(t *testing.T) {
	bubble(t, func(t *testing.T) {
		srv, s := fakeSMSServer(nil)
		c, _ := s.client(t)
		const day = "2025-03-22"
		got, res, err := readDay(c, SMSQuery{Day: day})
		want := fakeDay(srv, day, "")
		if err != nil || !slices.Equal(smsIDs(got), want) || res.Total != int64(len(want)) || res.Pages != 2 {
			t.Fatalf("err %v, %d messages (want %d), %+v", err, len(got), len(want), res)
		}
		var queries []string
		for _, r := range s.requests() {
			queries = append(queries, r.Path+"?"+r.RawQuery)
		}
		if wantQ := []string{"/sms/usage/?timestamp=" + day + "&order=ASC&limit=1000", "/sms/usage/?timestamp=" + day + "&order=ASC&limit=1000&offset=1000"}; !slices.Equal(queries, wantQ) {
			t.Fatalf("requests %q, want %q", queries, wantQ)
		}
		m := got[0]
		if m.SimID == "" || m.ICCID == "" || m.Status == "" || m.Direction == "" || m.MCC == "" || m.SessionID == "" ||
			!strings.HasSuffix(m.Time, "Z") || m.At.IsZero() || m.At.Format(time.DateOnly) != day {
			t.Fatalf("message %+v", m)
		}

		sim := srv.SMS()[0].SimID
		got, _, err = readDay(c, SMSQuery{SIM: sim, Day: "2025-01-02"})
		if want := fakeDay(srv, "2025-01-02", sim); err != nil || !slices.Equal(smsIDs(got), want) {
			t.Fatalf("SIM %s: err %v, %v, want %v", sim, err, smsIDs(got), want)
		}
		if r := s.requests(); r[len(r)-1].Path != "/sms/usage/"+sim {
			t.Fatalf("path %s", r[len(r)-1].Path)
		}
	})
}

// Five messages arrive after the first page. Asked in ASC order (as the
// client does), they join the end: one read, every message once. From a
// server that answers DESC whatever is asked, the same arrival pushes five
// messages read on page 1 onto page 2 and the five new ones are never
// served in that read: the client sees it (fewer distinct messages than the
// total) and reads the day again.
func TestReadSMSDayMessagesArriveDuringTheRead(t *testing.T) {
	const day = "2025-03-22"
	for _, tc := range []struct {
		name    string
		desc    bool
		rereads int
	}{{"ASC, as asked", false, 0}, {"a server that ignores order=ASC", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var once sync.Once
				srv, s := fakeSMSServer(func(srv *fakeapi.Server, _ *http.Request, _ int) {
					once.Do(func() { srv.AppendSMS(day, srv.Fleet().SIMs[0].ID, 5) })
				})
				before := len(fakeDay(srv, day, ""))
				if tc.desc {
					h := s.h
					s.h = func(w http.ResponseWriter, r *http.Request, n int) {
						r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "order=ASC", "order=DESC", 1)
						h(w, r, n)
					}
				}
				c, log := s.client(t)
				got, res, err := readDay(c, SMSQuery{Day: day})
				want := fakeDay(srv, day, "")
				slices.Sort(want)
				ids := smsIDs(got)
				slices.Sort(ids)
				if err != nil || !slices.Equal(ids, want) || len(want) != before+5 {
					t.Fatalf("err %v: %d messages, want the %d of the log after the arrival", err, len(ids), len(want))
				}
				if res.Rereads != tc.rereads || res.Total != int64(len(want)) || res.Repeats != 0 {
					t.Fatalf("result %+v, want %d re-reads", res, tc.rereads)
				}
				if tc.rereads > 0 && !strings.Contains(log.all(), "arrived at an offset already read") {
					t.Errorf("the re-read was not logged with its reason: %s", log.all())
				}
			})
		})
	}
}

// smsList is a scripted day for the offset-paging rules: it serves msgs
// (JSON objects, oldest first) by offset and limit in the order asked, at
// most pageSize a page, with pagination.total unless noTotal; before may
// change the list before request n, at offset off, is answered.
type smsList struct {
	msgs     []string
	pageSize int
	noTotal  bool
	before   func(l *smsList, off, n int)
}

func (l *smsList) serve(w http.ResponseWriter, r *http.Request, n int) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	limit = min(limit, l.pageSize)
	off, _ := strconv.Atoi(q.Get("offset"))
	if l.before != nil {
		l.before(l, off, n)
	}
	list := slices.Clone(l.msgs)
	if q.Get("order") != "ASC" {
		slices.Reverse(list)
	}
	page := list[min(off, len(list)):min(off+limit, len(list))]
	total := fmt.Sprintf(`,"total":%d`, len(list))
	if l.noTotal {
		total = ""
	}
	writeJSON(w, 200, fmt.Sprintf(`{"data":[%s],"pagination":{"count":%d,"limit":%d,"offset":%d%s}}`, strings.Join(page, ","), len(page), limit, off, total))
}

// smsMsg is a message of 2025-03-01 at second sec of 10:00; id "" leaves
// the id out.
func smsMsg(id string, sec int) string {
	idPart := ""
	if id != "" {
		idPart = `"id":"` + id + `",`
	}
	at := time.Date(2025, 3, 1, 10, 0, sec, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	return `{` + idPart + `"time":"` + at + `","sim_id":"000000001","direction":"outgoing","status":"success","retries_left":9}`
}

func smsMsgs(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = smsMsg(id, 10+i)
	}
	return out
}

// Every way the list can change under an offset-paged read, once (the
// re-read is exact) and on every read (an error that says why).
func TestReadSMSDayListChanges(t *testing.T) {
	insertOld := func(l *smsList, n int) { // an out-of-order arrival at offset 0
		l.msgs = slices.Insert(l.msgs, 0, smsMsg(fmt.Sprintf("late%d", n), 1))
	}
	deleteFirst := func(l *smsList, _ int) { l.msgs = l.msgs[1:] }
	changeSecond := func(l *smsList, n int) { // m1's status changes while the list moves
		l.msgs[1] = strings.Replace(l.msgs[1], `"success"`, `"failed"`, 1)
		insertOld(l, n)
	}
	cases := []struct {
		name    string
		list    smsList
		change  func(l *smsList, n int)
		want    int    // messages of a read that counted
		reason  string // in the error when the change comes on every read
		rereads bool
	}{
		{"an arrival at an offset already read", smsList{msgs: smsMsgs("m0", "m1", "m2", "m3", "m4")}, insertOld, 6, "arrived at an offset already read", true},
		{"a deletion (total falls)", smsList{msgs: smsMsgs("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7")}, deleteFirst, 7, "pagination.total fell from", true},
		{"a message that changed", smsList{msgs: smsMsgs("m0", "m1", "m2", "m3", "m4")}, changeSecond, 6, `came again on page 2 with other content`, true},
		{"messages without id, offsets moved", smsList{msgs: smsMsgs("m0", "", "m2", "", "m4")}, insertOld, 6, "have no id, so one of them may have been read twice", true},
		{"messages without id, a repeat that is one of them", smsList{msgs: smsMsgs("m0", "", "", "m3", "m4")}, insertOld, 6, "have no id", true},
		{"no total, a repeat", smsList{msgs: smsMsgs("m0", "m1", "m2", "m3", "m4"), noTotal: true}, insertOld, 6, "no pagination.total to prove that none was skipped", true},
	}
	for _, tc := range cases {
		for _, every := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, every read %t", tc.name, every), func(t *testing.T) {
				bubble(t, func(t *testing.T) {
					l := tc.list
					l.msgs = slices.Clone(l.msgs)
					l.pageSize = 2
					changes := 0
					l.before = func(l *smsList, off, n int) {
						// Between pages 1 and 2: of the first read, or of every read.
						if off == 2 && (changes == 0 || every) {
							changes++
							tc.change(l, n)
						}
					}
					s := newMemServer(l.serve)
					c, _ := s.client(t)
					got, res, err := readDay(c, SMSQuery{Day: "2025-03-01"})
					if !every {
						if err != nil || len(got) != tc.want || res.Rereads != 1 {
							t.Fatalf("err %v, %d messages (want %d), %+v", err, len(got), tc.want, res)
						}
						return
					}
					var e *Error
					if !errors.As(err, &e) || e.Kind != KindPaging || !strings.Contains(err.Error(), tc.reason) || !strings.Contains(err.Error(), "read 3 times") {
						t.Fatalf("err %v, want a paging error with %q after 3 reads", err, tc.reason)
					}
					if res.Rereads != 2 {
						t.Fatalf("%d re-reads", res.Rereads)
					}
				})
			})
		}
	}
}

// Messages without an id are counted when nothing moved.
func TestReadSMSDayMessagesWithoutIDCountWhenNothingMoved(t *testing.T) {
	bubble(t, func(t *testing.T) {
		l := &smsList{msgs: smsMsgs("m0", "", "m2", "", "m4"), pageSize: 2}
		s := newMemServer(l.serve)
		c, _ := s.client(t)
		got, res, err := readDay(c, SMSQuery{Day: "2025-03-01"})
		if err != nil || len(got) != 5 || res.Rereads != 0 {
			t.Fatalf("err %v, %d messages, %+v", err, len(got), res)
		}
		l.noTotal = true // and without a total, nothing could show a move
		if _, _, err := readDay(c, SMSQuery{Day: "2025-03-01"}); err == nil || !strings.Contains(err.Error(), "2 message(s) of 2025-03-01 have no id and the answers give no pagination.total") {
			t.Fatalf("err %v", err)
		}
	})
}

func TestReadSMSDayPagingGuards(t *testing.T) {
	cases := []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request, n int)
		want string
	}{
		{"offset ignored", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[`+smsMsg("a", 1)+`,`+smsMsg("b", 2)+`],"pagination":{"count":2,"limit":2,"offset":0,"total":6}}`)
		}, "the answer is for offset 0, but offset 2 was asked for"},
		{"offset ignored, no offset in the answer", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[`+smsMsg("a", 1)+`,`+smsMsg("b", 2)+`],"pagination":{"limit":2}}`)
		}, "page 2 (offset 2) holds only messages already read: the API does not seem to apply offset"},
		{"more than asked for", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[`+strings.Repeat(smsMsg("", 1)+",", 1000)+smsMsg("", 1)+`]}`)
		}, "page 1 held 1001 messages, more than the 1000 asked for"},
		{"a total that is never reached", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[],"pagination":{"count":0,"limit":1000,"offset":0,"total":3}}`)
		}, "the page at offset 0 is empty, but the answer's total says 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				c, _ := newMemServer(tc.h).client(t)
				_, _, err := readDay(c, SMSQuery{Day: "2025-03-01"})
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindPaging || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /sms/usage/?timestamp=2025-03-01") {
					t.Fatalf("err %v, want a paging error with %q", err, tc.want)
				}
			})
		})
	}
}

// Fresh messages without end and without a total stop at the page cap.
func TestReadSMSDayPageCap(t *testing.T) {
	defer func(n int) { maxSMSDayPages = n }(maxSMSDayPages)
	maxSMSDayPages = 20
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[`+smsMsg(strconv.Itoa(n), 1)+`]}`)
		})
		c, _ := s.client(t)
		_, _, err := readDay(c, SMSQuery{Day: "2025-03-01"})
		if err == nil || !strings.Contains(err.Error(), "reached 20 pages without an end") || len(s.requests()) != 20 {
			t.Fatalf("err %v after %d requests", err, len(s.requests()))
		}
	})
}

// What lies outside the day or the SIM asked for.
func TestReadSMSDayChecksWhatWasAsked(t *testing.T) {
	page := func(msgs ...string) func(w http.ResponseWriter, r *http.Request, n int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[`+strings.Join(msgs, ",")+`],"pagination":{"count":1,"limit":1000,"offset":0,"total":`+strconv.Itoa(len(msgs))+`}}`)
		}
	}
	bubble(t, func(t *testing.T) {
		c, _ := newMemServer(page(`{"id":"a","time":"2025-02-28T20:00:00.000Z"}`, `{"id":"b","time":"2025-03-01T12:00:00Z"}`, `{"id":"c","time":"yesterday"}`, `{"id":"d"}`)).client(t)
		got, res, err := readDay(c, SMSQuery{Day: "2025-03-01"})
		if err != nil || len(got) != 4 || res.OutsideDay != 1 || res.FirstOutside.ID != `"a"` || res.UnreadTimes != 2 {
			t.Fatalf("err %v, %d messages, %+v", err, len(got), res)
		}
		if got[2].Time != "yesterday" || !got[2].At.IsZero() || got[0].Time != "2025-02-28T20:00:00Z" {
			t.Fatalf("times %q %q", got[0].Time, got[2].Time)
		}
	})
	for name, tc := range map[string]struct {
		q    SMSQuery
		msg  string
		want string
	}{
		"far outside the day": {SMSQuery{Day: "2025-03-01"}, `{"id":"a","time":"2025-02-27T23:00:00Z"}`, `message 1 of the page (id "a") is from 2025-02-27T23:00:00Z, more than 14 hours outside the day 2025-03-01 asked for`},
		"another SIM":         {SMSQuery{SIM: "000000042", Day: "2025-03-01"}, `{"id":"a","sim_id":"000000099","time":"2025-03-01T10:00:00Z"}`, `is of SIM "000000099", not of SIM "000000042" asked for`},
	} {
		t.Run(name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				c, _ := newMemServer(page(tc.msg)).client(t)
				_, _, err := readDay(c, tc.q)
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err %v, want a decode error with %q", err, tc.want)
				}
			})
		})
	}
}

func TestDecodeSMSPageIsLenient(t *testing.T) {
	cases := []struct {
		name, body string
		want       smsPage
		check      func(t *testing.T, m []SMS)
	}{
		{"documented", `{"data":[{"time":"2025-09-15T10:07:04.729Z","sim_id":"000000001","iccid":"89457300000000000011","direction":"incoming","status":"success","retries_left":9,"id":"aa9d","session_id":"4084","network":{"mcc":"238","mnc":"20"}}],"pagination":{"count":1,"limit":50,"offset":0,"total":1}}`,
			smsPage{offset: ptr(0), limit: ptr(50), total: ptr(1)}, func(t *testing.T, m []SMS) {
				want := SMS{Time: "2025-09-15T10:07:04Z", At: time.Date(2025, 9, 15, 10, 7, 4, 729e6, time.UTC), SimID: "000000001", ICCID: "89457300000000000011",
					Direction: "incoming", Status: "success", ID: "aa9d", SessionID: "4084", MCC: "238", MNC: "20"}
				got := m[0]
				if got.RetriesLeft == nil || *got.RetriesLeft != 9 {
					t.Fatalf("retries_left %v", got.RetriesLeft)
				}
				got.RetriesLeft, want.RetriesLeft = nil, nil
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%+v", m[0])
				}
			}},
		{"nulls, unknown keys, retries as a string", `{"data":[{"time":null,"status":null,"network":null,"retries_left":"-1","content":"x"}],"pagination":{"total":1},"extra":true}`,
			smsPage{total: ptr(1)}, func(t *testing.T, m []SMS) {
				if m[0].Time != "" || m[0].Status != "" || m[0].MCC != "" || *m[0].RetriesLeft != -1 {
					t.Fatalf("%+v", m[0])
				}
			}},
		{"retries null", `{"data":[{"retries_left":null}]}`, smsPage{}, func(t *testing.T, m []SMS) {
			if m[0].RetriesLeft != nil {
				t.Fatal("retries_left null read as a number")
			}
		}},
		{"paging at the top level", `{"data":[],"count":0,"limit":10,"offset":0,"total":0}`, smsPage{offset: ptr(0), limit: ptr(10), total: ptr(0)}, nil},
		{"cursor paging", `{"data":[],"pagination":{"has_more":true,"next_page":"abc"}}`, smsPage{cursor: true, hasMore: true, next: "abc"}, nil},
		{"pagination null", `{"data":[],"pagination":null}`, smsPage{}, nil},
		{"no data, a total of 0", `{"pagination":{"total":0}}`, smsPage{total: ptr(0)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := decodeSMSPage([]byte(tc.body), testKey)
			if err != nil {
				t.Fatal(err)
			}
			msgs := p.msgs
			p.msgs = nil
			if fmt.Sprint(deref(p.offset), deref(p.limit), deref(p.total), p.cursor, p.hasMore, p.next) !=
				fmt.Sprint(deref(tc.want.offset), deref(tc.want.limit), deref(tc.want.total), tc.want.cursor, tc.want.hasMore, tc.want.next) {
				t.Fatalf("paging %+v, want %+v", p, tc.want)
			}
			if tc.check != nil {
				tc.check(t, msgs)
			}
		})
	}
}

func ptr(n int64) *int64 { return &n }

func deref(p *int64) string {
	if p == nil {
		return "nil"
	}
	return strconv.FormatInt(*p, 10)
}

// TestSMSIDsAsJSONNumbers: a message's sim_id, iccid, mcc and mnc sent as
// JSON numbers are read as for usage records (a SIM id 9 digits, zero
// padded; an mnc's digits as written).
func TestSMSIDsAsJSONNumbers(t *testing.T) {
	p, err := decodeSMSPage([]byte(`{"data":[{"id":"m1","sim_id":5,"iccid":89457387300000000051,"network":{"mcc":238,"mnc":6}}],`+
		`"pagination":{"count":1,"limit":1000,"offset":0,"total":1}}`), "")
	if err != nil || len(p.msgs) != 1 {
		t.Fatalf("%+v, %v", p, err)
	}
	if m := p.msgs[0]; m.SimID != "000000005" || m.ICCID != "89457387300000000051" || m.MCC != "238" || m.MNC != "6" || m.ID != "m1" {
		t.Errorf("message %+v", m)
	}
}

func TestReadSMSDayBadAnswers(t *testing.T) {
	cases := []struct {
		name, ctype, body, want string
	}{
		{"retries_left not a number", "application/json", `{"data":[{"retries_left":"x"}]}`, `data[0].retries_left: "x" is not a whole number`},
		{"retries_left a fraction", "application/json", `{"data":[{"retries_left":1.5}]}`, `data[0].retries_left: 1.5 is not a whole number`},
		{"sim_id a number that is no SIM id", "application/json", `{"data":[{"sim_id":1234567890}]}`, `data[0].sim_id: 1234567890 is a JSON number that is not an id`},
		{"id a number", "application/json", `{"data":[{"id":5}]}`, `data[0].id is a JSON number, expected a string`},
		{"data not a list", "application/json", `{"data":{}}`, `data is a JSON object, expected a list`},
		{"not an SMS page", "application/json", `{"usage":[]}`, `no "data" list and no "pagination"`},
		{"html 200", "text/html", "<html>maintenance</html>", "HTML page"},
		{"truncated", "application/json", `{"data":[{"id":"a","time":"2025-03`, "truncated"},
		{"empty", "application/json", "", "the body is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				c, _ := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					w.Header().Set("Content-Type", tc.ctype)
					_, _ = w.Write([]byte(tc.body))
				}).client(t)
				_, _, err := readDay(c, SMSQuery{Day: "2025-03-01"})
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(err.Error(), tc.want) ||
					!strings.Contains(err.Error(), "GET /sms/usage/?timestamp=2025-03-01&order=ASC&limit=1000 (page 1) answered HTTP 200") {
					t.Fatalf("err %v, want a decode error with %q", err, tc.want)
				}
			})
		})
	}
}

func TestReadSMSDayAPIErrors(t *testing.T) {
	bubble(t, func(t *testing.T) {
		_, s := fakeSMSServer(nil)
		c, _ := s.client(t)
		_, _, err := readDay(c, SMSQuery{SIM: "999999999", Day: "2025-03-01"})
		if !IsNotFound(err) || !strings.Contains(err.Error(), `SIM "999999999" was not found`) {
			t.Fatalf("err %v", err)
		}
		c, _ = s.client(t, func(c *Config) { c.APIKey = "onok_wrong.key" })
		_, _, err = readDay(c, SMSQuery{Day: "2025-03-01"})
		if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), `SMS docs page writes the header as "Bearer <key>"`) {
			t.Fatalf("err %v", err)
		}
	})
}

// A 503 twice on page 2 retries that page only, counted once; a 429 waits
// for the announced reset, on the fake clock.
func TestReadSMSDayRetriesAndRateLimits(t *testing.T) {
	const day = "2025-03-22"
	bubble(t, func(t *testing.T) {
		var reset time.Time
		srv := fakeapi.New(fakeapi.Options{APIKey: testKey, RateLimit: 1 << 30})
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				reset = time.Now().Add(3 * time.Second).Truncate(time.Second)
				w.Header().Set("x-ratelimit-remaining", "0")
				w.Header().Set("x-ratelimit-reset", strconv.FormatInt(reset.Unix(), 10))
				writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
			case 3, 4:
				writeJSON(w, 503, `{"error":"service_unavailable"}`)
			default:
				srv.ServeHTTP(w, r)
			}
		})
		c, _ := s.client(t)
		got, res, err := readDay(c, SMSQuery{Day: day})
		if want := fakeDay(srv, day, ""); err != nil || !slices.Equal(smsIDs(got), want) || res.Requests != 2 {
			t.Fatalf("err %v, %d messages (want %d), %+v", err, len(got), len(want), res)
		}
		reqs := s.requests()
		if len(reqs) != 5 || reqs[1].At.Before(reset) || !strings.Contains(reqs[4].RawQuery, "offset=1000") || reqs[4].RawQuery != reqs[2].RawQuery {
			t.Fatalf("%d requests; the second at %s (reset %s)", len(reqs), reqs[1].At, reset)
		}
	})
}

// Cursor pages do not move under new messages: a message repeated at a
// page boundary (a cursor taken as ">=") is skipped, not counted twice;
// with messages without an id, such a repeat might have been one of them.
func TestReadSMSDayCursorPaging(t *testing.T) {
	cursorPages := func(msgs ...string) func(w http.ResponseWriter, r *http.Request, n int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if r.URL.Query().Get("next_page") == "" {
				writeJSON(w, 200, `{"data":[`+msgs[0]+`,`+msgs[1]+`],"pagination":{"has_more":true,"next_page":"c1"}}`)
				return
			}
			writeJSON(w, 200, `{"data":[`+strings.Join(msgs[1:], ",")+`],"pagination":{"has_more":false}}`)
		}
	}
	bubble(t, func(t *testing.T) {
		s := newMemServer(cursorPages(smsMsgs("a", "b", "c")...))
		c, _ := s.client(t)
		got, res, err := readDay(c, SMSQuery{Day: "2025-03-01"})
		if err != nil || !slices.Equal(smsIDs(got), []string{"a", "b", "c"}) || res.Repeats != 1 || res.Total != -1 {
			t.Fatalf("err %v, %v, %+v", err, smsIDs(got), res)
		}
		if q := s.requests()[1].RawQuery; q != "timestamp=2025-03-01&order=ASC&limit=1000&next_page=c1" {
			t.Fatalf("page 2 query %q", q)
		}
		c, _ = newMemServer(cursorPages(smsMsgs("", "b", "c")...)).client(t)
		if _, _, err := readDay(c, SMSQuery{Day: "2025-03-01"}); err == nil || !strings.Contains(err.Error(), "have no id") {
			t.Fatalf("err %v", err)
		}
	})
}

// Terraform's interrupt ends a day's read at once, even in a rate-limit
// wait of a minute.
func TestReadSMSDayCancelledDuringAWait(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("x-ratelimit-remaining", "0")
			w.Header().Set("x-ratelimit-reset", strconv.FormatInt(time.Now().Add(60*time.Second).Unix(), 10))
			writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
		})
		c, _ := s.client(t)
		start := time.Now()
		_, err := c.ReadSMSDay(waitCtx(t, 5*time.Second), SMSQuery{Day: "2025-03-01"}, func([]SMS) error { return nil }, func() {})
		if !IsCanceled(err) || time.Since(start) != 5*time.Second || len(s.requests()) != 1 {
			t.Fatalf("err %v after %s and %d requests", err, time.Since(start), len(s.requests()))
		}
	})
}

// A server string in an error or a warning is redacted of the key before
// it is shortened: here a message id that echoes the key, whose content
// changes under every read.
func TestReadSMSDayRedactsTheKey(t *testing.T) {
	bubble(t, func(t *testing.T) {
		id := testKey + strings.Repeat("x", 100)
		base := smsMsgs("m0", id, "m2")
		l := &smsList{pageSize: 2}
		l.before = func(l *smsList, off, n int) {
			switch off {
			case 0: // each read starts from the same list
				l.msgs = slices.Clone(base)
			case 2: // then the message with the key moves and changes
				l.msgs[1] = strings.Replace(l.msgs[1], `"status":"success"`, `"status":"failed"`, 1)
				l.msgs = slices.Insert(l.msgs, 0, smsMsg("late", 1))
			}
		}
		c, log := newMemServer(l.serve).client(t)
		_, _, err := readDay(c, SMSQuery{Day: "2025-03-01"})
		if err == nil || strings.Contains(err.Error(), testKey[:12]) || !strings.Contains(err.Error(), "<redacted>") || strings.Contains(log.all(), testKey[:12]) {
			t.Fatalf("err %v", err)
		}
	})
}
