package fakeapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// smsPageJSON is an answer of the SMS endpoints as a client reads it.
type smsPageJSON struct {
	Data       []map[string]any `json:"data"`
	Pagination struct {
		Count, Limit, Offset, Total int
	} `json:"pagination"`
}

// smsPage decodes a 200 answer of the SMS endpoints strictly.
func smsPage(t *testing.T, rec *httptest.ResponseRecorder) smsPageJSON {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body.String())
	}
	var p smsPageJSON
	decodeStrict(t, rec.Body.Bytes(), &p)
	for _, m := range p.Data {
		if len(m) != 9 || m["network"] == nil {
			t.Fatalf("message %v: want the 9 documented members", m)
		}
	}
	if p.Pagination.Count != len(p.Data) {
		t.Fatalf("count %d for %d messages", p.Pagination.Count, len(p.Data))
	}
	return p
}

// smsIDs reads every page of target (a path with its query, without offset
// and limit) at page size limit, and returns the ids in the order served.
func smsIDs(t *testing.T, h http.Handler, target string, limit int) []string {
	t.Helper()
	var ids []string
	for off := 0; ; off += limit {
		p := smsPage(t, get(t, h, target+"&limit="+itoa(limit)+"&offset="+itoa(off)))
		if p.Pagination.Offset != off || p.Pagination.Limit != limit {
			t.Fatalf("pagination %+v at offset %d", p.Pagination, off)
		}
		for _, m := range p.Data {
			ids = append(ids, m["id"].(string))
		}
		if off+len(p.Data) >= p.Pagination.Total {
			return ids
		}
	}
}

func TestSMSLogIsDeterministicAndVaried(t *testing.T) {
	f := DefaultFleet()
	a, b := SMSLog(f), SMSLog(f)
	if !slices.Equal(a, b) || len(a) < 1000 {
		t.Fatalf("two logs differ, or only %d messages", len(a))
	}
	status, dir, perDay, sims := map[string]int{}, map[string]int{}, map[string]int{}, map[string]bool{}
	for i, m := range a {
		status[m.Status]++
		dir[m.Direction]++
		perDay[m.Time.Format(time.DateOnly)]++
		sims[m.SimID] = true
		if i > 0 && m.Time.Before(a[i-1].Time) {
			t.Fatalf("message %d is older than the one before it", i)
		}
	}
	for _, s := range SMSStatuses {
		if status[s] == 0 {
			t.Errorf("no message with status %q", s)
		}
	}
	if dir[SMSIncoming] == 0 || dir[SMSOutgoing] == 0 || len(dir) != 2 {
		t.Errorf("directions %v", dir)
	}
	if len(sims) == 0 || len(sims) >= len(f.SIMs) {
		t.Errorf("%d of %d SIMs have messages: want some without", len(sims), len(f.SIMs))
	}
	if perDay["2025-03-22"] <= MaxLimit {
		t.Errorf("the send loop's day has %d messages, want more than a page", perDay["2025-03-22"])
	}
}

func TestSMSPagingOrderAndTotal(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	const day = "2025-03-22"
	var want []string
	for _, m := range s.SMS() {
		if m.Time.Format(time.DateOnly) == day {
			want = append(want, m.ID)
		}
	}
	asc := smsIDs(t, s, "/sms/usage/?timestamp="+day+"&order=ASC", 500)
	if !slices.Equal(asc, want) {
		t.Fatalf("ASC: %d ids, want the day's %d in time order", len(asc), len(want))
	}
	desc := smsIDs(t, s, "/sms/usage/?timestamp="+day, 1000) // DESC is the default
	slices.Reverse(desc)
	if !slices.Equal(desc, want) {
		t.Fatal("DESC is not the day newest first")
	}
	p := smsPage(t, get(t, s, "/sms/usage/?timestamp="+day+"&offset=5000"))
	if len(p.Data) != 0 || p.Pagination.Total != len(want) {
		t.Fatalf("past the end: %+v", p.Pagination)
	}
	if p := smsPage(t, get(t, s, "/sms/usage/?timestamp=2030-01-01")); p.Pagination.Total != 0 || p.Data == nil {
		t.Fatalf("a day without messages: %+v, data %v", p.Pagination, p.Data)
	}
}

func TestSMSPerSIMAndScope(t *testing.T) {
	f := DefaultFleet()
	log := SMSLog(f)
	sim := log[0].SimID
	var want []string
	for _, m := range log {
		if m.SimID == sim && m.Time.Format(time.DateOnly) == "2025-02-10" {
			want = append(want, m.ID)
		}
	}
	s := newTestHandler(f)
	if got := smsIDs(t, s, "/sms/usage/"+sim+"?timestamp=2025-02-10&order=ASC", 2); !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("per SIM: %v, want %v", got, want)
	}
	wantError(t, get(t, s, "/sms/usage/999999999?timestamp=2025-02-10"), 404, CodeSIMNotFound)
	wantError(t, get(t, s, "/sms/usage/"+f.SIMs[0].ICCID), 404, CodeSIMNotFound) // the docs take the 9-digit id only
	wantError(t, get(t, s, "/sms/usage/"+sim+"/x"), 404, CodeNotFound)
	wantError(t, getWithAuth(t, s, "/sms/usage/", "Bearer "+testKey), 401, CodeUnauthorized)

	scoped := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30, KeyTags: []string{f.Tags[0].ID}})
	scopedDay := smsPage(t, get(t, scoped, "/sms/usage/?timestamp=2025-02-10"))
	if all := smsPage(t, get(t, s, "/sms/usage/?timestamp=2025-02-10")); len(scopedDay.Data) == 0 || len(scopedDay.Data) >= len(all.Data) {
		t.Fatalf("the key's tags see %d of the day's %d messages", len(scopedDay.Data), len(all.Data))
	}
	for _, m := range scopedDay.Data {
		if got, _ := f.SIMByID(m["sim_id"].(string)); !slices.Contains(got.Tags, f.Tags[0].ID) {
			t.Fatalf("SIM %s outside the key's tags listed", m["sim_id"])
		}
	}
	for _, x := range f.SIMs {
		if !slices.Contains(x.Tags, f.Tags[0].ID) {
			wantError(t, get(t, scoped, "/sms/usage/"+x.ID), 403, CodeForbidden)
			break
		}
	}
}

func TestSMSBadParameters(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	for target, code := range map[string]string{
		"/sms/usage/?timestamp=2025-3-01": CodeInvalidTimestamp,
		"/sms/usage/?timestamp=2025-03":   CodeInvalidTimestamp,
		"/sms/usage/?order=asc":           CodeInvalidOrder,
		"/sms/usage/?limit=0":             CodeInvalidLimit,
		"/sms/usage/?limit=1001":          CodeInvalidLimit,
		"/sms/usage/?offset=-1":           CodeInvalidOffset,
	} {
		wantError(t, get(t, s, target), 400, code)
	}
}

// Messages that arrive during a read are the day's newest: in ASC order
// they join the end and earlier offsets keep their messages; in DESC order
// they push every message one offset further, so the next page repeats one.
func TestAppendSMSDuringARead(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	const day = "2025-02-10"
	sim := s.Fleet().SIMs[0].ID
	before := smsPage(t, get(t, s, "/sms/usage/?timestamp="+day+"&order=ASC&limit=5"))
	descBefore := smsPage(t, get(t, s, "/sms/usage/?timestamp="+day+"&limit=5"))
	added := s.AppendSMS(day, sim, 3)
	after := smsPage(t, get(t, s, "/sms/usage/?timestamp="+day+"&order=ASC&limit=5"))
	if fmt.Sprint(before.Data) != fmt.Sprint(after.Data) || after.Pagination.Total != before.Pagination.Total+3 {
		t.Fatalf("ASC: the first page changed, or total %d -> %d", before.Pagination.Total, after.Pagination.Total)
	}
	desc := smsPage(t, get(t, s, "/sms/usage/?timestamp="+day+"&limit=5&offset=3"))
	if desc.Data[0]["id"] != descBefore.Data[0]["id"] {
		t.Fatal("DESC: the newest message did not move 3 offsets on")
	}
	last := added[len(added)-1]
	if last.Time.Format(time.DateOnly) != day || last.SimID != sim || !slices.Contains(s.SMS(), last) {
		t.Fatalf("appended %+v", last)
	}
	all := smsIDs(t, s, "/sms/usage/?timestamp="+day+"&order=ASC", 1000)
	if all[len(all)-1] != last.ID {
		t.Fatal("the appended messages are not the day's newest")
	}
}
