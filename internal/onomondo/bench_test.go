package onomondo_test

// Benchmarks of the client against the fake API on loopback (run them all
// with `make bench`; see BENCHMARKS.md).
//
//	BenchmarkPagingThroughput  the client versus a bare net/http +
//	                           encoding/json reader, interleaved in one run
//	BenchmarkReadUsage         the client alone (for -count/benchstat, pprof)
//	BenchmarkBareRead          the bare reader alone (same)
//	BenchmarkDecodePage        one 1000-record page decoded from memory
//	BenchmarkRateLimitCeiling  a read that needs several rate-limit windows
//
// Every benchmark checks what it read: record count, byte total, pages and
// statuses. A wrong answer fails the benchmark; it never reports a figure.

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/bench/baseline"
	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

const (
	benchKey      = "onok_bench.YmVuY2gta2V5"
	benchSIMs     = 1000
	benchPageSize = 1000
	// unlimited disables the fake's rate limit for throughput runs.
	unlimited = 1 << 30
)

// fleetCache builds each synthetic fleet once per test binary.
var fleetCache = struct {
	sync.Mutex
	m map[[2]int]*fakeapi.Fleet
}{m: map[[2]int]*fakeapi.Fleet{}}

func benchFleet(records, sims int) *fakeapi.Fleet {
	fleetCache.Lock()
	defer fleetCache.Unlock()
	k := [2]int{records, sims}
	f, ok := fleetCache.m[k]
	if !ok {
		f = fakeapi.SyntheticFleet(records, sims)
		fleetCache.m[k] = f
	}
	return f
}

// fleetTotal is the sum of bytes of every record of f: what a read of
// filter time:2025 must report.
func fleetTotal(f *fakeapi.Fleet) int64 {
	var t int64
	for i := range f.Records {
		t += f.Records[i].Bytes
	}
	return t
}

// usageQuery is the read every benchmark makes: all of 2025, full pages.
func usageQuery() onomondo.UsageQuery {
	return onomondo.UsageQuery{Filters: []onomondo.Filter{{Key: "time", Value: "2025"}}, Limit: benchPageSize}
}

func newBenchClient(b testing.TB, baseURL string) *onomondo.Client {
	b.Helper()
	c, err := onomondo.New(onomondo.Config{
		BaseURL:     baseURL,
		APIKey:      benchKey,
		RateLimiter: onomondo.NewRateLimiter(), // never shared between runs
		MaxRetries:  0,                         // a retry would hide a fault
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// readResult is what one complete read saw.
type readResult struct {
	records, total int64
	pages          int
}

// clientRead reads every page with the client.
func clientRead(ctx context.Context, c *onomondo.Client) (readResult, error) {
	var r readResult
	res, err := c.ReadUsage(ctx, usageQuery(), func(recs []onomondo.Record) error {
		for i := range recs {
			r.total += recs[i].Bytes.Value
		}
		r.records += int64(len(recs))
		return nil
	})
	r.pages = res.Pages
	return r, err
}

func newBareHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// bareRead is one complete read by the bare baseline (package baseline).
func bareRead(ctx context.Context, hc *http.Client, baseURL string) (readResult, error) {
	r, err := baseline.Read(ctx, hc, baseURL, benchKey)
	return readResult{records: r.Records, total: r.Bytes, pages: r.Pages}, err
}

// checkRead fails b unless r is a complete read of f in full pages.
func checkRead(b testing.TB, who string, r readResult, err error, f *fakeapi.Fleet, total int64) {
	b.Helper()
	if err != nil {
		b.Fatalf("%s: %v", who, err)
	}
	wantPages := (len(f.Records) + benchPageSize - 1) / benchPageSize
	if r.records != int64(len(f.Records)) || r.total != total || r.pages != wantPages {
		b.Fatalf("%s read %d records, %d bytes in %d pages; want %d records, %d bytes in %d pages",
			who, r.records, r.total, r.pages, len(f.Records), total, wantPages)
	}
}

// checkStatuses fails b unless every request the fake saw was answered 200.
func checkStatuses(b testing.TB, s *fakeapi.Server) {
	b.Helper()
	for _, r := range s.Requests() {
		if r.Status != http.StatusOK {
			b.Fatalf("the fake answered %s?%s with %d", r.Path, r.RawQuery, r.Status)
		}
	}
	s.ResetRequests()
}

// pagingRecords is the size of the paging benchmarks: 100 pages of 1000.
func pagingRecords() int { return 100_000 }

// BenchmarkPagingThroughput reads 100,000 records (100 pages of 1000) from
// the fake API on loopback, with the client and with the bare baseline, in
// the same benchmark run and against the same server, alternating which goes
// first. It reports the median time of one complete read of each and their
// ratio (client / baseline; the goal is at most 1.25).
func BenchmarkPagingThroughput(b *testing.B) {
	f := benchFleet(pagingRecords(), benchSIMs)
	total := fleetTotal(f)
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: unlimited})
	defer ts.Close()
	ctx := context.Background()
	c := newBenchClient(b, ts.URL)
	hc := newBareHTTPClient()
	defer hc.CloseIdleConnections()

	// Warm both connections and the server's buffers, and check both readers.
	r, err := clientRead(ctx, c)
	checkRead(b, "client", r, err, f, total)
	r, err = bareRead(ctx, hc, ts.URL)
	checkRead(b, "baseline", r, err, f, total)
	checkStatuses(b, srv)

	var clientT, bareT []time.Duration
	runClient := func() {
		start := time.Now()
		r, err := clientRead(ctx, c)
		clientT = append(clientT, time.Since(start))
		checkRead(b, "client", r, err, f, total)
	}
	runBare := func() {
		start := time.Now()
		r, err := bareRead(ctx, hc, ts.URL)
		bareT = append(bareT, time.Since(start))
		checkRead(b, "baseline", r, err, f, total)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			runClient()
			runBare()
		} else {
			runBare()
			runClient()
		}
		i++
	}
	b.StopTimer()
	checkStatuses(b, srv)
	cm, bm := median(clientT), median(bareT)
	b.ReportMetric(ms(cm), "client-ms")
	b.ReportMetric(ms(bm), "baseline-ms")
	b.ReportMetric(float64(cm)/float64(bm), "ratio")
	b.ReportMetric(float64(len(f.Records))/cm.Seconds(), "client-records/s")
	b.ReportMetric(float64(len(f.Records))/bm.Seconds(), "baseline-records/s")
}

// BenchmarkReadUsage is the client half of BenchmarkPagingThroughput alone,
// one read of 100,000 records per op, for -count runs, benchstat and pprof.
func BenchmarkReadUsage(b *testing.B) { benchReadUsage(b, benchSIMs) }

// BenchmarkReadUsageManySIMs is BenchmarkReadUsage with one SIM per record
// (100,000 SIMs): the worst case for the decoder's table of repeated
// strings, where sim_id and iccid never repeat.
func BenchmarkReadUsageManySIMs(b *testing.B) { benchReadUsage(b, pagingRecords()) }

// benchReadUsage reads 100,000 records spread over sims SIMs per op.
func benchReadUsage(b *testing.B, sims int) {
	f := benchFleet(pagingRecords(), sims)
	total := fleetTotal(f)
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: unlimited})
	defer ts.Close()
	c := newBenchClient(b, ts.URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := clientRead(ctx, c)
		checkRead(b, "client", r, err, f, total)
		srv.ResetRequests()
	}
}

// BenchmarkBareRead is the baseline half of BenchmarkPagingThroughput alone.
func BenchmarkBareRead(b *testing.B) {
	f := benchFleet(pagingRecords(), benchSIMs)
	total := fleetTotal(f)
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: unlimited})
	defer ts.Close()
	hc := newBareHTTPClient()
	defer hc.CloseIdleConnections()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := bareRead(ctx, hc, ts.URL)
		checkRead(b, "baseline", r, err, f, total)
		srv.ResetRequests()
	}
}

// BenchmarkDecodePage decodes one 1000-record page, as served by the fake,
// from memory: the client's decoder without the network or the server, for
// profiling the hot path. The bare sub-benchmark is encoding/json into the
// plain struct.
func BenchmarkDecodePage(b *testing.B) {
	f := benchFleet(pagingRecords(), benchSIMs)
	srv := fakeapi.New(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: unlimited})
	req := httptest.NewRequest(http.MethodGet, "/usage?filter=time:2025&limit=1000", nil)
	req.Header.Set("Authorization", benchKey)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatal(rec.Code)
	}
	body := rec.Body.Bytes()
	var want int64
	for i := range benchPageSize {
		want += f.Records[i].Bytes
	}

	b.Run("client", func(b *testing.B) {
		// A test server answering the same body over and over would measure
		// the network again; DecodeUsagePage is the client's decoder (with a
		// fresh decoder each time, where a read reuses one from page to
		// page: the figure is the pessimistic one).
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		defer reportCPUPerOp(b, cpuTime())
		for b.Loop() {
			p, err := onomondo.DecodeUsagePage(bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			var sum int64
			for i := range p.Items {
				sum += p.Items[i].Bytes.Value
			}
			if len(p.Items) != benchPageSize || sum != want || !p.HasMore {
				b.Fatalf("decoded %d records, %d bytes, has_more %t", len(p.Items), sum, p.HasMore)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		defer reportCPUPerOp(b, cpuTime())
		for b.Loop() {
			var p baseline.Page
			if err := json.NewDecoder(bytes.NewReader(body)).Decode(&p); err != nil {
				b.Fatal(err)
			}
			var sum int64
			for i := range p.Usage {
				sum += p.Usage[i].Bytes
			}
			if len(p.Usage) != benchPageSize || sum != want {
				b.Fatalf("decoded %d records, %d bytes", len(p.Usage), sum)
			}
		}
	})
}

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPUPerOp reports the CPU time per iteration since start, in ms:
// unlike ns/op it does not grow when other processes share the CPU.
func reportCPUPerOp(b *testing.B, start time.Duration) {
	if b.N > 0 && start > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// BenchmarkRateLimitCeiling reads 200 pages of 1000 records from a fake that
// allows 50 requests per 2-second window, so the read needs several windows.
// It reports the wall time against the ideal and the 429s the client
// provoked (goal: at most 1.15x the ideal, zero 429s).
//
// The ideal is honest about the fake's windows: they are aligned to Unix
// time multiples of the window, so a read starting at a random moment
// starts in a partial window, and the last window only needs the time to
// fetch its pages. Each measured read therefore starts 100 ms into a fresh
// window (so the result does not depend on where in a window it happened to
// start: with a partial first window, a few slow pages near its end can
// push the read into one more window, 2 s later), and the ideal is
// simulated from the actual start time: a perfect client sends each page
// the moment its window has budget left, each page taking the unthrottled
// per-page time measured just before on the same server. For 200 pages that
// is three full windows waited out plus the last 50 pages: about 5.9 s +
// 50 pages' time. A reader cannot tell an exact whole-second reset from one
// the API rounded down, so it waits one second past each (ParseReset): the
// ideal adds that second per window waited out (3 s here, with 2 s windows;
// 1 s in 61 at the API's 60 s window). The naive pages/limit x window (200/50 x 2 s = 8 s) is
// reported too; it charges the last window in full and is not the goal's
// reference.
func BenchmarkRateLimitCeiling(b *testing.B) {
	const (
		limit  = 50
		window = 2 * time.Second
	)
	pages := 200
	if testing.Short() {
		pages = 120 // still three windows
	}
	f := benchFleet(pages*benchPageSize, benchSIMs)
	total := fleetTotal(f)
	ctx := context.Background()

	// The unthrottled per-page time, on an unlimited server of this fleet.
	perPage := func() time.Duration {
		_, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: unlimited})
		defer ts.Close()
		c := newBenchClient(b, ts.URL)
		var ds []time.Duration
		for range 3 {
			start := time.Now()
			r, err := clientRead(ctx, c)
			ds = append(ds, time.Since(start))
			checkRead(b, "unthrottled client", r, err, f, total)
		}
		return median(ds) / time.Duration(pages)
	}()

	var elapsed, ideal []time.Duration
	var tooMany, requests int
	for b.Loop() {
		srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: benchKey, Fleet: f, RateLimit: limit, RateWindow: window})
		c := newBenchClient(b, ts.URL)
		next := time.Unix(0, (time.Now().UnixNano()/int64(window)+1)*int64(window))
		time.Sleep(time.Until(next.Add(100 * time.Millisecond)))
		start := time.Now()
		r, err := clientRead(ctx, c)
		d := time.Since(start)
		ts.Close()
		checkRead(b, "client", r, err, f, total)
		for _, q := range srv.Requests() {
			requests++
			switch q.Status {
			case http.StatusOK:
			case http.StatusTooManyRequests:
				tooMany++
			default:
				b.Fatalf("the fake answered %d", q.Status)
			}
		}
		elapsed = append(elapsed, d)
		ideal = append(ideal, idealRateLimited(start, pages, limit, window, time.Second, perPage))
	}
	e, id := median(elapsed), median(ideal)
	b.ReportMetric(e.Seconds(), "elapsed-s")
	b.ReportMetric(id.Seconds(), "ideal-s")
	b.ReportMetric(float64(e)/float64(id), "ratio")
	b.ReportMetric(float64(pages)/limit*window.Seconds(), "naive-ideal-s")
	b.ReportMetric(float64(tooMany), "429s")
	b.ReportMetric(float64(requests)/float64(len(elapsed)), "requests/read")
	b.ReportMetric(ms(perPage), "page-ms")
}

// idealRateLimited is the shortest time a sequential reader started at start
// can fetch pages pages from a server allowing limit requests per window,
// windows aligned to multiples of window in Unix time, when one page takes
// perPage: every page is sent as soon as its window has budget, a page
// counts in the window it is sent in, and a spent window means waiting for
// the next one, and guard past its start (the reset's possible rounding).
func idealRateLimited(start time.Time, pages, limit int, window, guard, perPage time.Duration) time.Duration {
	t := start
	windowOf := func(t time.Time) int64 { return int64(math.Floor(float64(t.UnixNano()) / float64(window))) }
	cur, used := windowOf(t), 0
	for range pages {
		if w := windowOf(t); w != cur {
			cur, used = w, 0
		}
		if used == limit {
			cur++
			t = time.Unix(0, cur*int64(window)).Add(guard)
			used = 0
		}
		used++
		t = t.Add(perPage)
	}
	return t.Sub(start)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
