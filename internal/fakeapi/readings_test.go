package fakeapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// rateHeaderSet is every rate-limit related header of an answer, as sent
// ("" when absent).
type rateHeaderSet struct {
	limit, remaining, reset, retryAfter, date string
}

func headersOf(rec *httptest.ResponseRecorder) rateHeaderSet {
	h := rec.Header()
	return rateHeaderSet{
		limit:      h.Get("x-ratelimit-limit"),
		remaining:  h.Get("x-ratelimit-remaining"),
		reset:      h.Get("x-ratelimit-reset"),
		retryAfter: h.Get("Retry-After"),
		date:       h.Get("Date"),
	}
}

// wantHeaders fails unless rec carries exactly want (absent headers must be
// absent).
func wantHeaders(t *testing.T, what string, rec *httptest.ResponseRecorder, want rateHeaderSet) {
	t.Helper()
	if got := headersOf(rec); got != want {
		t.Fatalf("%s: headers %+v, want %+v", what, got, want)
	}
	for _, name := range []string{"x-ratelimit-remaining", "x-ratelimit-reset", "Retry-After", "Date"} {
		if _, ok := rec.Header()[http.CanonicalHeaderKey(name)]; ok && rec.Header().Get(name) == "" {
			t.Fatalf("%s: %s present but empty", what, name)
		}
	}
}

func httpDate(unix int64) string { return time.Unix(unix, 0).UTC().Format(http.TimeFormat) }

// TestResetStyles checks each encoding of x-ratelimit-reset, set through
// Options and at run time: the same instant (the end of the window) as Unix
// seconds, Unix milliseconds and whole seconds until the reset.
func TestResetStyles(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_030, 500_000_000)} // window ends at ...080
	cases := []struct {
		style ResetStyle
		reset string
	}{
		{ResetDefault, "1750000080"},
		{ResetUnixSeconds, "1750000080"},
		{ResetUnixMillis, "1750000080000"},
		{ResetDelta, "50"}, // 49.5 s, rounded up
	}
	for _, tc := range cases {
		s := New(Options{APIKey: testKey, RateLimit: 10, Now: clock.Now, ResetStyle: tc.style})
		wantHeaders(t, "Options "+tc.style.String(), get(t, s, "/usage?filter=time:2025-01&limit=1"),
			rateHeaderSet{limit: "10", remaining: "9", reset: tc.reset})
	}

	// At run time, on one server; the limiter's own 429 follows too.
	s := New(Options{APIKey: testKey, RateLimit: 4, Now: clock.Now})
	for i, tc := range cases {
		s.SetResetStyle(tc.style)
		wantHeaders(t, "SetResetStyle "+tc.style.String(), get(t, s, "/nope"),
			rateHeaderSet{limit: "4", remaining: strconv.Itoa(3 - i), reset: tc.reset})
	}
	rec := get(t, s, "/nope")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	wantHeaders(t, "limiter 429, delta", rec, rateHeaderSet{limit: "4", remaining: "0", reset: "50"})
	clock.Set(time.Unix(1_750_000_079, 0))
	wantHeaders(t, "delta 1 s before the reset", get(t, s, "/nope"), rateHeaderSet{limit: "4", remaining: "0", reset: "1"})
}

func TestParseResetStyle(t *testing.T) {
	for _, r := range []ResetStyle{ResetDefault, ResetUnixSeconds, ResetUnixMillis, ResetDelta} {
		got, err := ParseResetStyle(r.String())
		if err != nil || got != r {
			t.Fatalf("ParseResetStyle(%q) = %v, %v", r.String(), got, err)
		}
	}
	if got, err := ParseResetStyle("UNIX_MS"); err != nil || got != ResetUnixMillis {
		t.Fatalf("case-insensitive: %v %v", got, err)
	}
	if _, err := ParseResetStyle("rfc3339"); err == nil {
		t.Fatal("accepted rfc3339")
	}
	if ResetStyle(9).String() != "ResetStyle(9)" {
		t.Fatal(ResetStyle(9).String())
	}
}

// TestClockSkew runs the server clock 90 s behind the real one: windows,
// x-ratelimit-reset, FaultRateLimit's reset, HTTP-date Retry-After and (with
// SkewedDate) Date follow the skewed clock; Request.Time does not.
func TestClockSkew(t *testing.T) {
	real0 := time.Unix(1_750_000_030, 500_000_000)
	clock := &fakeClock{t: real0}
	s := New(Options{APIKey: testKey, RateLimit: 2, Now: clock.Now, ClockSkew: -90 * time.Second, SkewedDate: true})
	// Server clock 1_749_999_940.5: its window is [..900, ..960).
	date := httpDate(1_749_999_940)
	wantHeaders(t, "first", get(t, s, "/nope"), rateHeaderSet{limit: "2", remaining: "1", reset: "1749999960", date: date})
	wantHeaders(t, "second", get(t, s, "/nope"), rateHeaderSet{limit: "2", remaining: "0", reset: "1749999960", date: date})
	rec := get(t, s, "/nope")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	if got := s.Requests()[0].Time; !got.Equal(real0) {
		t.Fatalf("Request.Time %v, want the real clock %v", got, real0)
	}
	// A reset that looks 70 s in the past to the client still holds...
	clock.Set(time.Unix(1_750_000_049, 900_000_000))
	wantError(t, get(t, s, "/nope"), http.StatusTooManyRequests, CodeRateLimited)
	// ...until the skewed clock reaches it, 20 s of real time later.
	clock.Set(time.Unix(1_750_000_050, 0))
	wantHeaders(t, "skewed rollover", get(t, s, "/nope"),
		rateHeaderSet{limit: "2", remaining: "1", reset: "1750000020", date: httpDate(1_749_999_960)})

	// A delta does not show the skew.
	s.SetResetStyle(ResetDelta)
	wantHeaders(t, "delta", get(t, s, "/nope"), rateHeaderSet{limit: "2", remaining: "0", reset: "60", date: httpDate(1_749_999_960)})

	// A fault 429: reset and HTTP-date Retry-After by the skewed clock.
	s.SetResetStyle(ResetUnixSeconds)
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2 * time.Second, RetryAfter: 3 * time.Second, RetryAfterDate: true, Times: 1})
	clock.Set(time.Unix(1_750_000_051, 250_000_000)) // server ..961.25
	wantHeaders(t, "fault 429", get(t, s, "/nope"), rateHeaderSet{
		limit: "2", remaining: "0", reset: "1749999964", retryAfter: httpDate(1_749_999_965), date: httpDate(1_749_999_961),
	})

	// Changed at run time: 90 s ahead; Date back to net/http's business.
	s.SetClockSkew(90 * time.Second)
	s.SetSkewedDate(false)
	clock.Set(time.Unix(1_750_000_100, 0)) // server ..190: window [..140, ..200)
	wantHeaders(t, "ahead", get(t, s, "/nope"), rateHeaderSet{limit: "2", remaining: "1", reset: "1750000200"})
}

// TestStripRateHeaders plays the proxy that strips x-ratelimit-remaining and
// -reset and puts Retry-After on 429s.
func TestStripRateHeaders(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_030, 500_000_000)}
	s := New(Options{APIKey: testKey, RateLimit: 2, Now: clock.Now, StripRateHeaders: true})
	page := get(t, s, "/usage?filter=time:2025-01&limit=1")
	decodePage(t, page)
	wantHeaders(t, "200", page, rateHeaderSet{limit: "2"})
	wantHeaders(t, "404", get(t, s, "/nope"), rateHeaderSet{limit: "2"})
	// The limiter's 429: seconds until the window ends (49.5, rounded up).
	rec := get(t, s, "/nope")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	wantHeaders(t, "limiter 429", rec, rateHeaderSet{limit: "2", retryAfter: "50"})
	// A fault 429 without Retry-After of its own: seconds until its reset
	// (2.5 s after ..030.5 is ..033, 2.5 s away, rounded up); with one: its own.
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2500 * time.Millisecond, Times: 1})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 10 * time.Second, RetryAfter: time.Second, Times: 1})
	wantHeaders(t, "fault 429", get(t, s, "/nope"), rateHeaderSet{limit: "2", retryAfter: "3"})
	wantHeaders(t, "fault 429 with Retry-After", get(t, s, "/nope"), rateHeaderSet{limit: "2", retryAfter: "1"})
	// A 5xx gets no Retry-After from the proxy.
	clock.Set(time.Unix(1_750_000_090, 0))
	s.InjectFault(Fault{Kind: FaultStatus, Status: 503, Times: 1})
	wantHeaders(t, "503", get(t, s, "/nope"), rateHeaderSet{limit: "2"})

	s.SetStripRateHeaders(false)
	wantHeaders(t, "proxy gone", get(t, s, "/nope"), rateHeaderSet{limit: "2", remaining: "0", reset: "1750000140"})
	rec = get(t, s, "/nope")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	wantHeaders(t, "limiter 429 without proxy", rec, rateHeaderSet{limit: "2", remaining: "0", reset: "1750000140"})
}

// TestFaultRateHeaderOverrides checks that one faulted answer can announce
// its rate limit differently from the server: any reset style, stripped
// headers, Retry-After in seconds or as an HTTP date.
func TestFaultRateHeaderOverrides(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_030, 200_000_000)}
	s := New(Options{APIKey: testKey, RateLimit: 100, Now: clock.Now})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2 * time.Second, Reset: ResetUnixMillis, Times: 1})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2 * time.Second, Reset: ResetDelta, Times: 1})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2 * time.Second, StripRateHeaders: true, Times: 1})
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 2 * time.Second, RetryAfter: 1500 * time.Millisecond, RetryAfterDate: true, Times: 1})
	s.InjectFault(Fault{Kind: FaultStatus, Status: 503, Reset: ResetUnixMillis, Times: 1})

	// Exactly one 429 in epoch milliseconds, then the server's own style.
	rec := get(t, s, "/nope")
	wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
	wantHeaders(t, "ms 429", rec, rateHeaderSet{limit: "100", remaining: "0", reset: "1750000033000"})
	wantHeaders(t, "delta 429", get(t, s, "/nope"), rateHeaderSet{limit: "100", remaining: "0", reset: "3"}) // 2.8 s
	wantHeaders(t, "stripped 429", get(t, s, "/nope"), rateHeaderSet{limit: "100"})
	wantHeaders(t, "HTTP-date 429", get(t, s, "/nope"), rateHeaderSet{
		limit: "100", remaining: "0", reset: "1750000033", retryAfter: httpDate(1_750_000_032), // 31.7 s, rounded up
	})
	wantHeaders(t, "ms 503", get(t, s, "/nope"), rateHeaderSet{limit: "100", remaining: "99", reset: "1750000080000"})
	wantHeaders(t, "back to normal", get(t, s, "/nope"), rateHeaderSet{limit: "100", remaining: "98", reset: "1750000080"})

	// ResetDefault in a fault follows the server's current style.
	s.SetResetStyle(ResetDelta)
	s.InjectFault(Fault{Kind: FaultRateLimit, Delay: 5 * time.Second, Times: 1})
	wantHeaders(t, "fault follows server", get(t, s, "/nope"), rateHeaderSet{limit: "100", remaining: "0", reset: "6"})
}

// TestFaultRetryAfterOn5xx: a 503 with Retry-After: 3 while the normal
// rate-limit headers announce a reset almost a minute away.
func TestFaultRetryAfterOn5xx(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_021, 0)}
	s := New(Options{APIKey: testKey, RateLimit: 20, Now: clock.Now})
	s.InjectFault(Fault{Kind: FaultStatus, Status: 503, Code: "service_unavailable", RetryAfter: 3 * time.Second, Times: 1})
	s.InjectFault(Fault{Kind: FaultHTML, Status: 502, RetryAfter: 2 * time.Second, RetryAfterDate: true, Times: 1})
	s.InjectFault(Fault{Kind: FaultStatus, Times: 1})

	rec := get(t, s, "/usage?filter=time:2025")
	wantError(t, rec, http.StatusServiceUnavailable, "service_unavailable")
	wantHeaders(t, "503", rec, rateHeaderSet{limit: "20", remaining: "19", reset: "1750000080", retryAfter: "3"})
	rec = get(t, s, "/usage?filter=time:2025")
	if rec.Code != 502 || rec.Header().Get("Content-Type") != contentTypeHTML {
		t.Fatalf("HTML fault: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	wantHeaders(t, "HTML 502", rec, rateHeaderSet{limit: "20", remaining: "18", reset: "1750000080", retryAfter: httpDate(1_750_000_023)})
	// Without RetryAfter, no Retry-After.
	rec = get(t, s, "/usage?filter=time:2025")
	wantError(t, rec, http.StatusInternalServerError, CodeInternalError)
	wantHeaders(t, "500", rec, rateHeaderSet{limit: "20", remaining: "17", reset: "1750000080"})
}

// TestReadingSettersConcurrent switches every reading while requests are
// served (run with -race): every answer is consistent with one setting.
func TestReadingSettersConcurrent(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_750_000_030, 0)}
	s := New(Options{APIKey: testKey, RateLimit: 1 << 30, Now: clock.Now})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s.SetResetStyle(ResetStyle(i % 4))
			s.SetClockSkew(time.Duration(i%3-1) * 90 * time.Second)
			s.SetStripRateHeaders(i%5 == 0)
			s.SetSkewedDate(i%2 == 0)
			s.SetTagPageSize(i%7 + 1)
		}
	}()
	// Every reset the settings allow: 3 skews x 3 styles.
	valid := map[string]bool{}
	for _, end := range []int64{1_749_999_960, 1_750_000_080, 1_750_000_140} {
		valid[strconv.FormatInt(end, 10)] = true
		valid[strconv.FormatInt(end*1000, 10)] = true
	}
	valid["20"], valid["50"] = true, true // deltas: +-90 s and 0 skews
	for i := 0; i < 2000; i++ {
		h := headersOf(get(t, s, "/nope"))
		switch {
		case h.reset == "" && h.remaining == "":
			// stripped
		case !valid[h.reset]:
			t.Fatalf("request %d: reset %q", i, h.reset)
		}
	}
	close(stop)
	wg.Wait()
}
