package fakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fetch GETs target from a live test server with the test key.
func fetch(t *testing.T, baseURL, target string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, baseURL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestFaultStatus(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	s.InjectFault(Fault{Kind: FaultStatus, Times: 1})
	s.InjectFault(Fault{Kind: FaultStatus, Status: 503, Code: "service_unavailable", Times: 1})
	wantError(t, get(t, s, "/usage?filter=time:2025"), 500, CodeInternalError)
	wantError(t, get(t, s, "/usage?filter=time:2025"), 503, "service_unavailable")
	decodePage(t, get(t, s, "/usage?filter=time:2025&limit=1")) // queue empty again
	// Faults hit requests that would have failed anyway.
	s.InjectFault(Fault{Kind: FaultStatus, Times: 1})
	wantError(t, getWithAuth(t, s, "/nope", ""), 500, CodeInternalError)

	reqs := s.Requests()
	if got := []int{reqs[0].Status, reqs[1].Status, reqs[2].Status, reqs[3].Status}; got[0] != 500 || got[1] != 503 || got[2] != 200 || got[3] != 500 {
		t.Fatalf("recorded statuses %v", got)
	}
}

func TestFaultAfterTimesPrefixAndClear(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	simPath := "/usage/" + f.SIMs[0].ID
	s.InjectFault(Fault{Kind: FaultStatus, Status: 502, PathPrefix: "/usage/", After: 2, Times: 2})
	s.InjectFault(Fault{Kind: FaultStatus, Status: 504}) // every other request, forever

	codes := []int{}
	usage := "/usage?filter=time:2025&limit=1"
	sim := simPath + "?limit=1"
	for _, target := range []string{sim, usage, sim, sim, sim, sim, usage} {
		codes = append(codes, get(t, s, target).Code)
	}
	// The first fault shadows the second for /usage/... until it is used
	// up: 2 through, 2 hit, then the forever fault takes over.
	want := []int{200, 504, 200, 502, 502, 504, 504}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("statuses %v, want %v", codes, want)
		}
	}
	s.ClearFaults()
	if c := get(t, s, simPath).Code; c != 200 {
		t.Fatalf("after ClearFaults: %d", c)
	}
}

func TestFaultRateLimit(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_000, 200_000_000)}
	s := New(Options{APIKey: testKey, RateLimit: 10, Now: clock.Now})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2500 * time.Millisecond, RetryAfter: 1500 * time.Millisecond, Times: 1})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 3 * time.Second, Times: 1})

	rec := get(t, s, "/usage?filter=time:2025")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	limit, remaining, reset := rateHeaders(t, rec)
	if limit != 10 || remaining != 0 || reset != 1_750_000_003 { // 0.2 + 2.5 = 2.7 s, rounded up
		t.Fatalf("fault 429: limit %d remaining %d reset %d", limit, remaining, reset)
	}
	if ra := rec.Header().Get("Retry-After"); ra != "2" {
		t.Fatalf("Retry-After %q", ra)
	}
	rec = get(t, s, "/usage?filter=time:2025")
	if _, _, reset := rateHeaders(t, rec); reset != 1_750_000_004 || rec.Header().Get("Retry-After") != "" {
		t.Fatalf("second fault: reset %d, Retry-After %q", reset, rec.Header().Get("Retry-After"))
	}
	// Neither consumed budget.
	if _, remaining, _ := rateHeaders(t, get(t, s, "/usage?filter=time:2025&limit=1")); remaining != 9 {
		t.Fatalf("remaining %d after fault 429s, want 9", remaining)
	}
	// Other faults do consume budget.
	s.InjectFault(Fault{Kind: FaultStatus, Times: 1})
	if _, remaining, _ := rateHeaders(t, get(t, s, "/")); remaining != 8 {
		t.Fatalf("remaining %d after a 500 fault, want 8", remaining)
	}
	// A request refused by the real limiter does not use up a fault.
	for i := 0; i < 8; i++ {
		get(t, s, "/")
	}
	s.InjectFault(Fault{Kind: FaultStatus, Status: 503, Times: 1})
	wantError(t, get(t, s, "/"), http.StatusTooManyRequests, CodeRateLimited)
	clock.Set(time.Unix(1_750_000_060, 0))
	wantError(t, get(t, s, "/"), 503, CodeInternalError)
}

func TestFaultSlow(t *testing.T) {
	s, ts := NewTestServer(Options{APIKey: testKey, RateLimit: 1 << 30})
	defer ts.Close()
	s.InjectFault(Fault{Kind: FaultSlow, Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	resp, body, err := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=2")
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("answered after %s", d)
	}
	var p pageJSON
	decodeStrict(t, body, &p)
	if len(p.Usage) != 2 {
		t.Fatalf("slow page has %d records", len(p.Usage))
	}

	// A client that gives up: the server stops waiting and records 499.
	s.InjectFault(Fault{Kind: FaultSlow, Delay: time.Hour, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/usage?filter=time:2025", nil)
	req.Header.Set("Authorization", testKey)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := s.Requests()
		if reqs[len(reqs)-1].Status == StatusClientClosedRequest {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("abandoned slow request recorded as %d", reqs[len(reqs)-1].Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultTruncated(t *testing.T) {
	s, ts := NewTestServer(Options{APIKey: testKey, RateLimit: 1 << 30})
	defer ts.Close()
	_, full, err := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=5")
	if err != nil {
		t.Fatal(err)
	}
	s.InjectFault(Fault{Kind: FaultTruncated, Times: 1})
	resp, body, err := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=5")
	if err != nil {
		t.Fatalf("truncated body must end cleanly: %v", err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(full)/2) || string(body) != string(full[:len(full)/2]) {
		t.Fatalf("status %d, length %d, body %q", resp.StatusCode, resp.ContentLength, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		t.Fatal("truncated body is valid JSON")
	}
}

func TestFaultResetConnection(t *testing.T) {
	s, ts := NewTestServer(Options{APIKey: testKey, RateLimit: 1 << 30})
	defer ts.Close()
	_, full, _ := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=5")
	s.InjectFault(Fault{Kind: FaultResetConnection, Times: 1})
	resp, body, err := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=5")
	if resp == nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(full)) {
		t.Fatalf("want a 200 announcing %d bytes, got %+v", len(full), resp)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want unexpected EOF, got %v", err)
	}
	if string(body) != string(full[:len(full)/2]) {
		t.Fatalf("received %q", body)
	}
	// The server is fine afterwards.
	if resp, _, err := fetch(t, ts.URL, "/usage?filter=time:2025-01&limit=5"); err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
	if st := s.Requests()[1].Status; st != 200 {
		t.Fatalf("recorded %d", st)
	}

	// In process (no connection to hijack) the body just stops short.
	s.InjectFault(Fault{Kind: FaultResetConnection, Times: 1})
	rec := get(t, s, "/usage?filter=time:2025-01&limit=5")
	if rec.Header().Get("Content-Length") != strconv.Itoa(len(full)) || rec.Body.Len() != len(full)/2 {
		t.Fatalf("recorder: Content-Length %s, body %d bytes", rec.Header().Get("Content-Length"), rec.Body.Len())
	}
}

func TestFaultHTMLAndEmpty(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	s.InjectFault(Fault{Kind: FaultHTML, Times: 1})
	s.InjectFault(Fault{Kind: FaultHTML, Status: 504, Times: 1})
	s.InjectFault(Fault{Kind: FaultEmptyBody, Times: 1})

	rec := get(t, s, "/usage?filter=time:2025")
	if rec.Code != 502 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(rec.Body.String(), "<h1>502 Bad Gateway</h1>") {
		t.Fatalf("HTML fault: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if rec = get(t, s, "/usage?filter=time:2025"); rec.Code != 504 || !strings.Contains(rec.Body.String(), "504 Gateway Timeout") {
		t.Fatalf("HTML 504 fault: %d %s", rec.Code, rec.Body.String())
	}
	rec = get(t, s, "/usage?filter=time:2025")
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "application/json" ||
		rec.Header().Get("Content-Length") != "0" {
		t.Fatalf("empty fault: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if rec.Header().Get("x-ratelimit-remaining") == "" {
		t.Fatal("fault answers lack rate-limit headers")
	}
}

func TestFaultWrongType(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	s.InjectFault(Fault{Kind: FaultWrongType, Times: 2})
	rec := get(t, s, "/usage?filter=time:2025-01&limit=3")
	var raw struct {
		Usage []map[string]any `json:"usage"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil || len(raw.Usage) != 3 {
		t.Fatalf("%v %s", err, rec.Body.String())
	}
	for i, r := range raw.Usage {
		if r["bytes"] != strconv.FormatInt(f.Records[i].Bytes, 10) {
			t.Fatalf("bytes = %#v, want the string %q", r["bytes"], strconv.FormatInt(f.Records[i].Bytes, 10))
		}
	}
	rec = get(t, s, "/usage/tag-total/"+f.Tags[0].ID)
	if want := `"bytes":"` + strconv.FormatInt(f.TagTotal(f.Tags[0].ID), 10) + `"`; !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("tag total under wrong type: %s", rec.Body.String())
	}
	// Normal again.
	decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=3"))
}

func TestFaultRepeatCursor(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	s.InjectFault(Fault{Kind: FaultRepeatCursor, PathPrefix: "/usage", Times: 2})

	// No next_page in the request: the cursor of the page's own start.
	p1 := decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=3&offset=4"))
	if !p1.Pagination.HasMore {
		t.Fatal("no cursor")
	}
	c := *p1.Pagination.NextPage
	if c != encodeCursor(f.Records[4].Time, 4) {
		t.Fatalf("repeat cursor %s points elsewhere", c)
	}
	// Following it with the fault still active: the same cursor again.
	p2 := decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=3&next_page="+url.QueryEscape(c)))
	if *p2.Pagination.NextPage != c {
		t.Fatalf("second cursor %s, want %s", *p2.Pagination.NextPage, c)
	}
	sameRecords(t, p2.Usage, p1.Usage)
	// Fault gone: the real next page.
	p3 := decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=3&next_page="+url.QueryEscape(c)))
	if *p3.Pagination.NextPage == c {
		t.Fatal("cursor still repeats after the fault")
	}
	// An empty page falls back to the documentation's cursor.
	s.InjectFault(Fault{Kind: FaultRepeatCursor, Times: 1})
	p4 := decodePage(t, get(t, s, "/usage?filter=time:1999"))
	if *p4.Pagination.NextPage != fixedRepeatCursor {
		t.Fatalf("empty page cursor %s", *p4.Pagination.NextPage)
	}
}

func TestFaultMissingCursor(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	s.InjectFault(Fault{Kind: FaultMissingCursor, Times: 1})
	rec := get(t, s, "/usage?filter=time:2025-01&limit=2")
	body := rec.Body.String()
	if !strings.HasSuffix(body, `],"pagination":{"has_more":true}}`) {
		t.Fatalf("missing-cursor page ends %q", body[len(body)-50:])
	}
	var p pageJSON
	decodeStrict(t, rec.Body.Bytes(), &p)
	if len(p.Usage) != 2 || p.Pagination.NextPage != nil {
		t.Fatalf("%+v", p)
	}
}

func TestFaultKindString(t *testing.T) {
	if FaultResetConnection.String() != "reset_connection" || FaultKind(99).String() != "fault(99)" {
		t.Fatal(FaultResetConnection.String(), FaultKind(99).String())
	}
}
