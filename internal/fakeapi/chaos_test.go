package fakeapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkChaosAnswer fails unless rec is an answer the chaos may give: a
// status of the mix, and every announced wait within bounds of the
// server's clock (its Date header: the tests set SkewedDate). maxDelay is
// the chaos's MaxDelay in seconds, window the rate window in seconds. The
// tests' limiters never refuse, so every 429 is the chaos's.
func checkChaosAnswer(t *testing.T, rec *httptest.ResponseRecorder, maxDelay, window int64) {
	t.Helper()
	switch rec.Code {
	case 200, 404, 429, 500, 502, 503, 504:
	default:
		t.Fatalf("status %d", rec.Code)
	}
	date, err := http.ParseTime(rec.Header().Get("Date"))
	if err != nil {
		t.Fatalf("Date %q: %v", rec.Header().Get("Date"), err)
	}
	now := date.Unix() // the server clock, truncated to the second
	bound := window    // the limiter's window end
	if rec.Code == 429 {
		bound = maxDelay + 2 // MaxDelay, rounded up, from a truncated Date
	}
	if v := rec.Header().Get("x-ratelimit-reset"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("reset %q", v)
		}
		var dist int64
		switch {
		case n > 1e12:
			if n%1000 != 0 {
				t.Fatalf("ms reset %d", n)
			}
			dist = n/1000 - now
		case n > 1e9:
			dist = n - now
		default:
			dist = n
		}
		if dist < 0 || dist > bound {
			t.Fatalf("status %d: reset %s is %d s from the server clock %d", rec.Code, v, dist, now)
		}
	}
	if v := rec.Header().Get("Retry-After"); v != "" {
		var wait int64
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			wait = n
		} else if d, err := http.ParseTime(v); err == nil {
			wait = d.Unix() - now
		} else {
			t.Fatalf("Retry-After %q", v)
		}
		// At most MaxDelay (+1: rounded up, or a date from a truncated
		// Date).
		if wait < 0 || wait > maxDelay+1 {
			t.Fatalf("Retry-After %q is %d s", v, wait)
		}
	}
}

// readThroughChaos reads every page of path?q from h, retrying a page
// until it gets a whole 200 (no waiting: the fake does not enforce what
// the chaos announces), and checks each answer.
func readThroughChaos(t *testing.T, h http.Handler, path string, q url.Values, maxDelay int64) []recordJSON {
	t.Helper()
	var out []recordJSON
	cursor := ""
	for attempts := 0; ; attempts++ {
		if attempts > 10_000 {
			t.Fatal("read does not end")
		}
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		if cursor != "" {
			v.Set("next_page", cursor)
		}
		rec := get(t, h, path+"?"+v.Encode())
		checkChaosAnswer(t, rec, maxDelay, 60)
		if rec.Code != 200 || strconv.Itoa(rec.Body.Len()) != rec.Header().Get("Content-Length") {
			continue // trouble: try the same page again
		}
		p := decodePage(t, rec)
		out = append(out, p.Usage...)
		if !p.Pagination.HasMore {
			return out
		}
		cursor = *p.Pagination.NextPage
	}
}

// TestChaosReproducibleAndExact: the same seed gives the same trouble and,
// read through it, exactly the records; another seed gives other trouble.
func TestChaosReproducibleAndExact(t *testing.T) {
	f := DefaultFleet()
	want := brute(f, func(r Record) bool { return inMonth2025(r.Time, time.February) })
	q := url.Values{"filter": {"time:2025-02"}, "limit": {"100"}}
	if len(want) < 40*100 {
		t.Fatalf("fixture: %d records", len(want))
	}
	run := func(seed int64) (*Chaos, []recordJSON) {
		clock := &fakeClock{t: time.Unix(1_750_000_000, 0)}
		c := NewChaos(seed, DefaultChaosConfig())
		s := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30, Now: clock.Now, SkewedDate: true, Chaos: c})
		return c, readThroughChaos(t, s, "/usage", q, 2)
	}
	var prev []string
	for seed := int64(1); seed <= 3; seed++ {
		c1, got1 := run(seed)
		c2, got2 := run(seed)
		sameRecords(t, got1, want)
		sameRecords(t, got2, want)
		d1, d2 := c1.Decisions(), c2.Decisions()
		if !slices.Equal(d1, d2) || c1.Counts().String() != c2.Counts().String() {
			t.Fatalf("seed %d is not reproducible:\n%v\n%v", seed, c1.Counts(), c2.Counts())
		}
		if c1.Counts().Injected() == 0 || slices.Equal(d1, prev) {
			t.Fatalf("seed %d: injected %v", seed, c1.Counts())
		}
		prev = d1
		t.Logf("seed %d: %d requests for %d pages: %s", seed, len(d1), (len(want)+99)/100, c1.Counts())
	}
}

// TestChaosMix checks, over many requests, that every kind of trouble
// occurs about as often as configured and that each answer is what its
// decision says.
func TestChaosMix(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_000, 0)}
	c := NewChaos(7, DefaultChaosConfig())
	s := New(Options{APIKey: testKey, RateLimit: 1 << 30, Now: clock.Now, SkewedDate: true, Chaos: c})
	const n = 6000
	recs := make([]*httptest.ResponseRecorder, n)
	for i := range recs {
		clock.Set(time.Unix(1_750_000_000+int64(i)/10, 0))
		recs[i] = get(t, s, "/nope")
		checkChaosAnswer(t, recs[i], 2, 60)
	}
	counts, decisions := c.Counts(), c.Decisions()
	if counts[ChaosRequests] != n || len(decisions) != n {
		t.Fatalf("%d requests, %d decisions", counts[ChaosRequests], len(decisions))
	}
	kinds := []string{
		"status_5xx", "status_5xx_retry_after_seconds", "status_5xx_retry_after_date", "reset_connection",
		"rate_limit_unix", "rate_limit_unix_ms", "rate_limit_delta",
		"rate_limit_retry_after_seconds", "rate_limit_retry_after_date", "rate_limit_stripped",
	}
	sum := counts[ChaosClean]
	for _, k := range kinds {
		if counts[k] == 0 {
			t.Fatalf("%s never injected: %s", k, counts)
		}
		sum += counts[k]
	}
	if sum != n || counts.Injected() != n-counts[ChaosClean] {
		t.Fatalf("counts do not add up: %s", counts)
	}
	within := func(what string, got int, p float64) {
		if exp := p * n; float64(got) < exp*0.7 || float64(got) > exp*1.3 {
			t.Fatalf("%s: %d, expected about %.0f", what, got, exp)
		}
	}
	cfg := DefaultChaosConfig()
	within("5xx", counts["status_5xx"]+counts["status_5xx_retry_after_seconds"]+counts["status_5xx_retry_after_date"], cfg.Status)
	within("resets", counts["reset_connection"], cfg.ResetConnection)
	within("429s", counts["rate_limit_unix"]+counts["rate_limit_unix_ms"]+counts["rate_limit_delta"]+
		counts["rate_limit_retry_after_seconds"]+counts["rate_limit_retry_after_date"]+counts["rate_limit_stripped"], cfg.RateLimit)
	within("skew changes", counts["skew_change"], cfg.SkewChange)
	within("strip toggles", counts["strip_on"]+counts["strip_off"], cfg.StripToggle)
	within("style changes", counts["style_unix"]+counts["style_unix_ms"]+counts["style_delta"], cfg.StyleChange)

	// Each answer matches its decision.
	strip := false
	digits := regexp.MustCompile(`^[0-9]+$`)
	for i, d := range decisions {
		parts := strings.Split(d, "+")
		for _, e := range parts[:len(parts)-1] {
			switch e {
			case "strip_on":
				strip = true
			case "strip_off":
				strip = false
			}
		}
		rec, outcome := recs[i], parts[len(parts)-1]
		h := headersOf(rec)
		if strip != (h.remaining == "" && h.reset == "") && outcome != "rate_limit_stripped" {
			t.Fatalf("request %d (%s): strip %v but headers %+v", i, d, strip, h)
		}
		if h.limit == "" {
			t.Fatalf("request %d: no x-ratelimit-limit", i)
		}
		code := rec.Code
		switch outcome {
		case ChaosClean:
			if code != 404 || h.retryAfter != "" {
				t.Fatalf("request %d clean: %d %+v", i, code, h)
			}
		case "status_5xx":
			if code < 500 || h.retryAfter != "" {
				t.Fatalf("request %d %s: %d %+v", i, outcome, code, h)
			}
		case "status_5xx_retry_after_seconds", "rate_limit_retry_after_seconds":
			if code != 429 && code < 500 || !digits.MatchString(h.retryAfter) || h.retryAfter == "0" {
				t.Fatalf("request %d %s: %d %+v", i, outcome, code, h)
			}
		case "status_5xx_retry_after_date", "rate_limit_retry_after_date":
			if _, err := http.ParseTime(h.retryAfter); err != nil || code != 429 && code < 500 {
				t.Fatalf("request %d %s: %d %+v", i, outcome, code, h)
			}
		case "reset_connection":
			if code != 404 || rec.Body.Len() >= len(`{"error":"not_found"}`) {
				t.Fatalf("request %d %s: %d %q", i, outcome, code, rec.Body.String())
			}
		case "rate_limit_unix", "rate_limit_unix_ms", "rate_limit_delta":
			if code != 429 {
				t.Fatalf("request %d %s: %d", i, outcome, code)
			}
			if strip {
				if !digits.MatchString(h.retryAfter) {
					t.Fatalf("request %d %s behind the proxy: %+v", i, outcome, h)
				}
				break
			}
			n, _ := strconv.ParseInt(h.reset, 10, 64)
			ok := map[string]bool{
				"rate_limit_unix":    n > 1e9 && n < 1e12,
				"rate_limit_unix_ms": n > 1e12,
				"rate_limit_delta":   n >= 0 && n <= 3,
			}[outcome]
			if !ok || h.retryAfter != "" {
				t.Fatalf("request %d %s: %+v", i, outcome, h)
			}
		case "rate_limit_stripped":
			if code != 429 || h.remaining != "" || h.reset != "" || (h.retryAfter != "") != strip {
				t.Fatalf("request %d %s (proxy %v): %+v", i, outcome, strip, h)
			}
		default:
			t.Fatalf("request %d: outcome %q", i, outcome)
		}
	}
}

// TestChaosPrecedence: queued faults win over the chaos, the real limiter
// refuses before it, and chaos 429s cost no budget.
func TestChaosPrecedence(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_000, 0)}
	c := NewChaos(1, ChaosConfig{Status: 1})
	s := New(Options{APIKey: testKey, RateLimit: 2, Now: clock.Now, Chaos: c})
	s.InjectFault(Fault{Kind: FaultEmptyBody, Times: 1})
	if rec := get(t, s, "/nope"); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("queued fault lost: %d", rec.Code)
	}
	if rec := get(t, s, "/nope"); rec.Code < 500 {
		t.Fatalf("chaos 5xx: %d", rec.Code)
	}
	wantError(t, get(t, s, "/nope"), http.StatusTooManyRequests, CodeRateLimited)
	if got := c.Counts().String(); got != "limited=1 preempted=1 requests=3 status_5xx=1" {
		t.Fatalf("counts %s", got)
	}
	if got := c.Decisions(); !slices.Equal(got, []string{ChaosPreempted, "status_5xx", ChaosLimited}) {
		t.Fatalf("decisions %q", got)
	}

	// Chaos 429s spend no budget.
	clock.Set(time.Unix(1_750_000_060, 0))
	s.SetChaos(NewChaos(1, ChaosConfig{RateLimit: 1}))
	for i := 0; i < 5; i++ {
		wantError(t, get(t, s, "/nope"), http.StatusTooManyRequests, CodeRateLimited)
	}
	s.SetChaos(nil)
	if _, remaining, _ := rateHeaders(t, get(t, s, "/nope")); remaining != 1 {
		t.Fatalf("remaining %d after chaos 429s", remaining)
	}

	// A queued fault preempts a clean draw too.
	c = NewChaos(1, ChaosConfig{})
	s.SetChaos(c)
	s.InjectFault(Fault{Kind: FaultStatus, Status: 502, Times: 1})
	wantError(t, get(t, s, "/nope"), http.StatusBadGateway, CodeInternalError)
	if got := c.Counts().String(); got != "preempted=1 requests=1" {
		t.Fatalf("counts %s", got)
	}
	s.SetChaos(nil)

	// PathPrefix: other paths cost no draw and get no trouble.
	c = NewChaos(1, ChaosConfig{Status: 1, PathPrefix: "/usage/tag-total/"})
	s = New(Options{APIKey: testKey, RateLimit: 100, Chaos: c})
	decodePage(t, get(t, s, janPage))
	if rec := get(t, s, "/usage/tag-total/"+DefaultFleet().Tags[0].ID); rec.Code < 500 {
		t.Fatalf("tag total not hit: %d", rec.Code)
	}
	if got := c.Counts().String(); got != "requests=1 status_5xx=1" {
		t.Fatalf("counts %s", got)
	}

	// The zero config injects nothing.
	c = NewChaos(1, ChaosConfig{})
	s = New(Options{APIKey: testKey, RateLimit: 100, Chaos: c})
	for i := 0; i < 50; i++ {
		decodePage(t, get(t, s, janPage))
	}
	if got := c.Counts(); got.String() != "clean=50 requests=50" || got.Injected() != 0 {
		t.Fatalf("zero config: %s", got)
	}
}

// TestChaosLiveConnectionResets reads through chaos over real TCP: the
// resets break connections, the data stays exact.
func TestChaosLiveConnectionResets(t *testing.T) {
	f := DefaultFleet()
	c := NewChaos(11, ChaosConfig{ResetConnection: 0.2, Status: 0.1, RateLimit: 0.1, MaxDelay: time.Second})
	_, ts := NewTestServer(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30, Chaos: c})
	defer ts.Close()
	want := brute(f, func(r Record) bool { return r.SimID == f.SIMs[9].ID })
	var got []recordJSON
	cursor, broken := "", 0
	for attempts := 0; attempts < 1000; attempts++ {
		target := "/usage/" + f.SIMs[9].ID + "?limit=20"
		if cursor != "" {
			target += "&next_page=" + url.QueryEscape(cursor)
		}
		resp, body, err := fetch(t, ts.URL, target)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			broken++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			continue
		}
		var p pageJSON
		decodeStrict(t, body, &p)
		got = append(got, p.Usage...)
		if !p.Pagination.HasMore {
			break
		}
		cursor = *p.Pagination.NextPage
	}
	sameRecords(t, got, want)
	if broken == 0 || broken != c.Counts()["reset_connection"] {
		t.Fatalf("%d broken connections, chaos counts %s", broken, c.Counts())
	}
}

func TestNewChaosRefusesBadConfigs(t *testing.T) {
	for _, cfg := range []ChaosConfig{
		{Status: -0.1},
		{RateLimit: 1.5},
		{StripToggle: 2},
		{Status: 0.5, ResetConnection: 0.3, RateLimit: 0.3},
		{MaxDelay: -time.Second},
		{MaxSkew: -time.Second},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("NewChaos(%+v) did not panic", cfg)
				}
			}()
			NewChaos(1, cfg)
		}()
	}
	if c := NewChaos(1, ChaosConfig{Status: 0.5, ResetConnection: 0.25, RateLimit: 0.25}); c == nil {
		t.Fatal("sum of exactly 1 refused")
	}
}

// TestChaosSkewBounds: skews stay within MaxSkew and sometimes return to 0.
func TestChaosSkewBounds(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_000, 0)}
	c := NewChaos(5, ChaosConfig{SkewChange: 0.5, MaxSkew: 30 * time.Second})
	s := New(Options{APIKey: testKey, RateLimit: 1 << 30, Now: clock.Now, SkewedDate: true, Chaos: c})
	skews := map[int64]bool{}
	for i := 0; i < 400; i++ {
		d, err := http.ParseTime(get(t, s, "/nope").Header().Get("Date"))
		if err != nil {
			t.Fatal(err)
		}
		skew := d.Unix() - 1_750_000_000
		if skew < -30 || skew > 30 {
			t.Fatalf("skew %d s", skew)
		}
		skews[skew] = true
	}
	if !skews[0] || len(skews) < 10 {
		t.Fatalf("skews seen: %v", skews)
	}
}
