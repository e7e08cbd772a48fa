package onomondo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The randomized fault run ("never hang, never a silently wrong number").
// Each seed reads 2,000 records of a usageAPI in 50 pages, under a budget
// of 40 requests per 2 s, through a seeded fault-injecting handler, in a
// synctest bubble: every wait runs on the fake clock, so a seed takes
// milliseconds. Every seed must end with the exact totals or a clear error
// (naming the endpoint and the page) within chaosBound of fake time; a
// wrong number, a longer read (a hang) or an unclear error fails the run.
//
//	go test -run TestChaos -v ./internal/onomondo/    # 30 seeds (CHAOS_SEEDS)
//	make chaos                                       # 200 seeds
//
// CHAOS_FIRST_SEED moves the range (to replay one seed: CHAOS_FIRST_SEED=17
// CHAOS_SEEDS=1).
//
// What the handler injects is three tables, one row per kind of trouble,
// so that another answer shape is one more row: chaosEvents change how the
// server reports its rate limit from one request on, chaosFaults answer a
// request in the API's place, chaosShapes rewrite a page the API answers.

const (
	// chaosBound is the longest a seed's read may take on the fake clock
	// before it counts as a hang. A read may legitimately meet a few waits
	// of DefaultMaxWait (65 s): a Retry-After date written by a server
	// clock 90 s ahead, without its Date, is capped there; and an own-count
	// fallback of a minute. Ten minutes is far beyond that, and any endless
	// wait or loop passes it.
	chaosBound   = 10 * time.Minute
	chaosRecords = 2000
	chaosLimit   = 40 // page size: 50 pages
)

// chaosEvents change how the server reports its rate limit, each drawn on
// its own before every request, with probability p.
var chaosEvents = []struct {
	name  string
	p     float64
	apply func(rd *rateReading, rng *rand.Rand) string // returns what it did
}{
	{"skew", 0.05, func(rd *rateReading, rng *rand.Rand) string {
		rd.skew = 0
		if rng.IntN(4) != 0 {
			rd.skew = time.Duration(rng.IntN(181)-90) * time.Second // -90 s to 90 s
		}
		return "skew_change"
	}},
	{"date", 0.05, func(rd *rateReading, _ *rand.Rand) string {
		rd.date = !rd.date
		return map[bool]string{true: "date_on", false: "date_off"}[rd.date]
	}},
	{"strip", 0.05, func(rd *rateReading, _ *rand.Rand) string {
		rd.strip = !rd.strip
		return map[bool]string{true: "strip_on", false: "strip_off"}[rd.strip]
	}},
	{"style", 0.05, func(rd *rateReading, rng *rand.Rand) string {
		rd.reset = resetStyle(rng.IntN(len(resetStyleNames)))
		return "style_" + resetStyleNames[rd.reset]
	}},
}

// chaosFaults answer a request in the API's place: at most one per request,
// row i with probability p. A fault costs no budget; its rate-limit headers
// are the server's reading of a window that resets in 0 to 2 s.
var chaosFaults = []struct {
	name  string
	p     float64
	serve func(x *chaosExchange)
}{
	{"status_5xx", 0.03, func(x *chaosExchange) { x.status5xx("") }},
	{"status_5xx_retry_after_seconds", 0.015, func(x *chaosExchange) { x.status5xx(strconv.Itoa(x.delay(1))) }},
	{"status_5xx_retry_after_date", 0.015, func(x *chaosExchange) { x.status5xx(x.date(x.delay(1))) }},
	{"reset_connection", 0.04, func(x *chaosExchange) {
		body, _ := x.api.page(x.r.URL.Query(), x.shape)
		x.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		x.w.WriteHeader(200)
		_, _ = x.w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler) // the connection breaks mid-body
	}},
	{"rate_limit_unix", 0.01, func(x *chaosExchange) { x.rateLimited(resetUnix, "") }},
	{"rate_limit_unix_ms", 0.01, func(x *chaosExchange) { x.rateLimited(resetUnixMS, "") }},
	{"rate_limit_delta", 0.01, func(x *chaosExchange) { x.rateLimited(resetDelta, "") }},
	{"rate_limit_retry_after_seconds", 0.01, func(x *chaosExchange) { x.rateLimited(x.rd.reset, strconv.Itoa(x.delay(1))) }},
	{"rate_limit_retry_after_date", 0.01, func(x *chaosExchange) { x.rateLimited(x.rd.reset, x.date(x.delay(1))) }},
	{"rate_limit_stripped", 0.01, func(x *chaosExchange) { x.rd.strip = true; x.rateLimited(x.rd.reset, "") }},
}

// chaosShapes rewrite a page the API answers, each drawn on its own with
// probability p: readings of a page whose meaning is plain. A shape sees the
// exchange too: its rng, the request (a page's next_page is "c<index of its
// first record>") and through x.api.record the records around the page (a
// record repeated at a page boundary is x.api.record(index-1)). A row whose
// page the client must refuse sets refused, and a seed that met it may end
// in a decode or paging error.
var chaosShapes = []struct {
	name    string
	p       float64
	refused bool
	apply   func(x *chaosExchange, page map[string]any)
}{
	{"bytes_as_strings", 0.05, false, func(_ *chaosExchange, page map[string]any) {
		eachRecord(func(rec map[string]any) { rec["bytes"] = strconv.FormatInt(rec["bytes"].(int64), 10) })(page)
	}},
	{"upper_case_country", 0.05, false, func(_ *chaosExchange, page map[string]any) {
		eachRecord(func(rec map[string]any) { rec["country_code"] = strings.ToUpper(rec["country_code"].(string)) })(page)
	}},
	{"no_has_more", 0.05, false, func(_ *chaosExchange, page map[string]any) {
		// Only beside a cursor: a last page without has_more says nothing,
		// and when it is full the client must refuse it (null pagination).
		if pg := page["pagination"].(map[string]any); pg["next_page"] != nil {
			delete(pg, "has_more")
		}
	}},
	{"has_more_false_with_cursor", 0.03, false, func(_ *chaosExchange, page map[string]any) {
		page["pagination"].(map[string]any)["has_more"] = false
	}},
	// The readings of issue 17: each either read exactly or refused.
	{"page_larger_than_limit", 0.03, false, func(x *chaosExchange, page map[string]any) {
		// One record more than asked for, the cursor moved past it.
		pg := page["pagination"].(map[string]any)
		cursor, _ := pg["next_page"].(string)
		next, _ := strconv.Atoi(strings.TrimPrefix(cursor, "c"))
		if cursor == "" || next >= len(x.api.records) {
			return
		}
		page["usage"] = append(page["usage"].([]any), x.api.record(next))
		if next+1 < len(x.api.records) {
			pg["next_page"] = "c" + strconv.Itoa(next+1)
		} else {
			page["pagination"] = map[string]any{"has_more": false}
		}
	}},
	{"numbers_as_json_numbers", 0.03, false, func(_ *chaosExchange, page map[string]any) {
		eachRecord(func(rec map[string]any) {
			n, _ := strconv.ParseInt(rec["sim_id"].(string), 10, 64)
			rec["sim_id"] = n // 000000003 -> 3
			rec["network"] = map[string]any{"mcc": 238, "mnc": 6}
		})(page)
	}},
	{"time_just_outside_the_period", 0.02, false, func(x *chaosExchange, page map[string]any) {
		// The API's month in another time zone: up to 13 h before February.
		recs := page["usage"].([]any)
		rec := recs[x.rng.IntN(len(recs))].(map[string]any)
		rec["time"] = time.Date(2025, 1, 31, 23-x.rng.IntN(13), 30, 0, 0, time.UTC).Format("2006-01-02 15:04:05")
	}},
	{"invalid_utf8", 0.02, false, func(_ *chaosExchange, page map[string]any) {
		eachRecord(func(rec map[string]any) { rec["network_type"] = "4G\xff" })(page)
	}},
	{"record_of_another_period", 0.002, true, func(x *chaosExchange, page map[string]any) {
		recs := page["usage"].([]any)
		recs[x.rng.IntN(len(recs))].(map[string]any)["time"] = "2024-11-15 10:00:00"
	}},
	{"record_of_another_country", 0.002, true, func(x *chaosExchange, page map[string]any) {
		recs := page["usage"].([]any)
		recs[x.rng.IntN(len(recs))].(map[string]any)["country_code"] = "se"
	}},
	{"null_pagination", 0.002, true, func(x *chaosExchange, page map[string]any) {
		// Every page of the run is full: without a cursor it must be refused.
		page["pagination"] = []any{nil, map[string]any{}, map[string]any{"next_page": nil}}[x.rng.IntN(3)]
	}}, // Last, so that the record it repeats is the one the page before sent
	// (after that page's shapes), as an API repeating it would send it.
	{"repeat_at_boundary", 0.05, false, func(x *chaosExchange, page map[string]any) {
		// A cursor such as time@sim_id read with >=: the page starts again
		// with the last record of the page before (counted once).
		if prev, ok := x.sent.Load(x.r.URL.Query().Get("next_page")); ok {
			page["usage"] = append([]any{prev}, page["usage"].([]any)...)
		}
	}},
}

// chaosExchange is one request in front of the chaos handler.
type chaosExchange struct {
	api   *usageAPI
	rng   *rand.Rand
	rd    rateReading // the server's reading for this answer
	w     http.ResponseWriter
	r     *http.Request
	shape func(page map[string]any)
	sent  *sync.Map // next_page cursor -> the last record of the page that gave it, as sent
}

// delay draws a whole number of seconds from lo to 2.
func (x *chaosExchange) delay(lo int) int { return lo + x.rng.IntN(3-lo) }

// now is the server's clock.
func (x *chaosExchange) now() time.Time { return time.Now().Add(x.rd.skew) }

// date is the HTTP date secs seconds ahead by the server's clock.
func (x *chaosExchange) date(secs int) string {
	return x.now().Add(time.Duration(secs) * time.Second).UTC().Format(http.TimeFormat)
}

func (x *chaosExchange) status5xx(retryAfter string) {
	status := []int{500, 502, 503, 504}[x.rng.IntN(4)]
	now := x.now()
	remaining, reset := x.api.budget(now)
	x.rd.write(x.w.Header(), x.api.limit, remaining, reset, now)
	if retryAfter != "" {
		x.w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(x.w, status, `{"error":"`+strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))+`"}`)
}

// rateLimited answers 429 with a budget spent until 0 to 2 s from now
// (rounded up to a whole second), its reset written in style.
func (x *chaosExchange) rateLimited(style resetStyle, retryAfter string) {
	rd, now := x.rd, x.now()
	rd.reset = style
	rd.write(x.w.Header(), x.api.limit, 0, now.Add(time.Duration(x.delay(0))*time.Second).Truncate(time.Second).Add(time.Second), now)
	if retryAfter != "" {
		x.w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(x.w, 429, `{"error":"rate_limit_exceeded"}`)
}

// chaosHandler injects a seed's trouble in front of api.
type chaosHandler struct {
	api *usageAPI
	mu  sync.Mutex
	rng *rand.Rand
	// injected counts what was injected, by row name; mayRefuse tells
	// whether a row with refused set was among them.
	injected  map[string]int
	mayRefuse bool
	sent      sync.Map // see chaosExchange.sent
}

func newChaosHandler(seed int64) *chaosHandler {
	return &chaosHandler{
		api:      newUsageAPI(chaosRecords, 40, 2*time.Second, rateReading{}),
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x6368616f73)),
		injected: map[string]int{},
	}
}

// serve draws this request's trouble (in arrival order, so a seed plays the
// same on every run) and answers it.
func (c *chaosHandler) serve(w http.ResponseWriter, r *http.Request, _ int) {
	c.mu.Lock()
	x := &chaosExchange{api: c.api, w: w, r: r, rng: rand.New(rand.NewPCG(c.rng.Uint64(), 0)), sent: &c.sent}
	c.api.mu.Lock()
	for _, e := range chaosEvents {
		if c.rng.Float64() < e.p {
			c.injected[e.apply(&c.api.reading, c.rng)]++
		}
	}
	x.rd = c.api.reading
	c.api.mu.Unlock()
	var shapes []func(*chaosExchange, map[string]any)
	for _, s := range chaosShapes {
		if c.rng.Float64() < s.p {
			shapes = append(shapes, s.apply)
			c.injected[s.name]++
			c.mayRefuse = c.mayRefuse || s.refused
		}
	}
	x.shape = func(page map[string]any) {
		for _, s := range shapes {
			s(x, page)
		}
		// What a boundary repeat on the next page repeats.
		pg, _ := page["pagination"].(map[string]any)
		if next, _ := pg["next_page"].(string); next != "" {
			recs := page["usage"].([]any)
			x.sent.Store(next, recs[len(recs)-1])
		}
	}
	var fault func(*chaosExchange)
	u := c.rng.Float64()
	for _, f := range chaosFaults {
		if u < f.p {
			fault = f.serve
			c.injected[f.name]++
			break
		}
		u -= f.p
	}
	c.injected["requests"]++
	c.mu.Unlock()

	if fault != nil {
		fault(x)
		return
	}
	c.api.shaped(x.shape)(w, r, 0)
}

// chaosOutcome is how one seed ended.
type chaosOutcome struct {
	seed      int64
	took      time.Duration // on the fake clock
	err       error
	exact     bool
	got       sum
	injected  map[string]int
	mayRefuse bool
}

// chaosSeeds reads CHAOS_SEEDS (default 30) and CHAOS_FIRST_SEED (default 1).
func chaosSeeds(t *testing.T) (first int64, seeds int) {
	seeds, first = 30, 1
	if v := os.Getenv("CHAOS_SEEDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CHAOS_SEEDS=%q: want a positive number", v)
		}
		seeds = n
	}
	if v := os.Getenv("CHAOS_FIRST_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_FIRST_SEED=%q: want a number", v)
		}
		first = n
	}
	return first, seeds
}

func TestChaos(t *testing.T) {
	first, seeds := chaosSeeds(t)
	var exact, clearErrs, wrong, hangs, unclear int
	var longest chaosOutcome
	kinds := map[string]int{}
	injected := map[string]int{}
	for seed := first; seed < first+int64(seeds); seed++ {
		o := chaosRead(t, seed)
		if o.took > longest.took {
			longest = o
		}
		for k, v := range o.injected {
			injected[k] += v
		}
		var e *Error
		if o.err != nil && strings.Contains(o.err.Error(), testKey) {
			t.Errorf("seed %d: the error shows the API key: %v", o.seed, o.err)
		}
		switch {
		case o.exact:
			exact++
		case o.err == nil:
			wrong++
			t.Errorf("seed %d: WRONG NUMBER: %d records, %d bytes (want %d records, %d bytes)", o.seed, o.got.count, o.got.total, chaosRecords, newUsageAPI(chaosRecords, 0, 0, rateReading{}).total)
		case o.took > chaosBound || errors.Is(o.err, context.DeadlineExceeded) || IsCanceled(o.err):
			hangs++
			t.Errorf("seed %d: no end within %s of fake time (%v)", o.seed, chaosBound, o.err)
		case errors.As(o.err, &e) && clearError(e, o.mayRefuse):
			clearErrs++
			kinds[e.Summary()]++
			t.Logf("seed %d: clear error: %v", o.seed, e)
		default:
			unclear++
			t.Errorf("seed %d: an error that does not say what happened: %v", o.seed, o.err)
		}
	}
	var ks []string
	for k, n := range kinds {
		ks = append(ks, fmt.Sprintf("%d × %q", n, k))
	}
	slices.Sort(ks)
	summary := fmt.Sprintf("chaos: %d seeds (%d..%d), reads exact %d, clear errors %d%s, wrong numbers %d, hangs %d, unclear errors %d; longest read %s of fake time (seed %d); injected over all seeds: %s",
		seeds, first, first+int64(seeds)-1, exact, clearErrs, joinOrEmpty(ks), wrong, hangs, unclear,
		longest.took.Round(time.Millisecond), longest.seed, countsString(injected))
	fmt.Println(summary) // the figures, for scripts/chaos.sh
	t.Log(summary)
	if exact == 0 {
		t.Error("no seed read exactly: the chaos is too strong for the run to show anything")
	}
}

// countsString lists the counts as name=count, sorted by name.
func countsString(m map[string]int) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+strconv.Itoa(v))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func joinOrEmpty(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// clearError reports whether e says what happened and where: a kind with a
// user-facing wording, the endpoint and the page. A decode or paging error
// is clear only after a shape the client must refuse.
func clearError(e *Error, mayRefuse bool) bool {
	switch e.Kind {
	case KindHTTP, KindTransport, KindTimeout, KindRateLimited:
	case KindDecode, KindPaging, KindMismatch:
		if !mayRefuse {
			return false
		}
	default:
		return false
	}
	d := e.Detail()
	return strings.Contains(d, "GET /usage") && strings.Contains(d, "(page ")
}

// chaosRead is one seed, in its own bubble: a fresh API behind a fresh
// chaos handler, a fresh client with its own limiter, one read.
func chaosRead(t *testing.T, seed int64) chaosOutcome {
	o := chaosOutcome{seed: seed}
	bubble(t, func(t *testing.T) {
		h := newChaosHandler(seed)
		c, err := New(Config{
			BaseURL:        memBaseURL,
			APIKey:         testKey,
			MaxRetries:     DefaultMaxRetries,
			RequestTimeout: 10 * time.Second,
			RateLimiter:    NewRateLimiter(),
			Transport:      memTransport{h: newMemServer(h.serve)},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), chaosBound)
		defer cancel()
		start := time.Now()
		o.got, o.err = h.api.read(ctx, c, chaosLimit, Filter{"country_code", "dk"}) // every record is of Denmark
		o.took = time.Since(start)
		o.exact = o.err == nil && h.api.exact(o.got)
		h.mu.Lock()
		o.injected, o.mayRefuse = h.injected, h.mayRefuse
		h.mu.Unlock()
	})
	return o
}
