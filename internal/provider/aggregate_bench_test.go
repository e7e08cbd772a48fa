package provider

// BenchmarkAggregateStreaming: the client and the provider's streaming
// aggregator reading a large fleet with include_records = false, as
// onomondo_usage does (see BENCHMARKS.md; `make bench` runs it).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onomondo/terraform-provider-onomondo/internal/bench/baseline"
	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

const (
	benchAggSIMs = 1000 // the same at every size: the maps must not grow with records
	benchAggPage = 1000
)

var benchAggFleets = struct {
	sync.Mutex
	m map[int]*fakeapi.Fleet
}{m: map[int]*fakeapi.Fleet{}}

func benchAggFleet(records int) *fakeapi.Fleet {
	benchAggFleets.Lock()
	defer benchAggFleets.Unlock()
	f, ok := benchAggFleets.m[records]
	if !ok {
		f = fakeapi.SyntheticFleet(records, benchAggSIMs)
		benchAggFleets.m[records] = f
	}
	return f
}

// benchAggSizes are the record counts read: 100k and 1M, or 10k and 100k
// with -short (BENCH_SHORT=1).
func benchAggSizes() []int {
	if testing.Short() {
		return []int{10_000, 100_000}
	}
	return []int{100_000, 1_000_000}
}

// BenchmarkAggregateStreaming reads every record of a fleet with 1000 SIMs
// through the client into usageAggregate with include_records = false, at
// two sizes. Per size it reports:
//
//   - retained-B: the heap the finished read leaves live, aggregator still
//     referenced: runtime.GC then MemStats.HeapAlloc after the read, less
//     the same figure before it (taken after a warm-up read, so connections,
//     pools and the in-process fake's own state cancel out); the median
//     over the reads (-benchtime=Nx);
//   - alloc-B/record: bytes allocated per record by the client and the
//     aggregator, that is process-wide TotalAlloc less what merely fetching
//     the same pages costs (drain-alloc: the in-process fake server and the
//     transport, measured on the same server by reading and discarding each
//     page);
//   - bare-alloc-B/record: the same for the bare baseline, net/http +
//     encoding/json into a plain struct, summing bytes only.
//
// The "include_records" sub-benchmark is a control for the retained-heap
// measure: keeping records must show up as heap that grows with records.
//
// Every read is checked: record count, byte total, SIM count, 200s only.
func BenchmarkAggregateStreaming(b *testing.B) {
	for _, n := range benchAggSizes() {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) { benchAggregate(b, n, false) })
	}
	if !testing.Short() {
		b.Run("records=100000/include_records", func(b *testing.B) { benchAggregate(b, 100_000, true) })
	}
}

func benchAggregate(b *testing.B, n int, keep bool) {
	f := benchAggFleet(n)
	var total int64
	for i := range f.Records {
		total += f.Records[i].Bytes
	}
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: testAPIKey, Fleet: f, RateLimit: 1 << 30})
	defer ts.Close()
	client, err := onomondo.New(onomondo.Config{
		BaseURL:     ts.URL,
		APIKey:      testAPIKey,
		RateLimiter: onomondo.NewRateLimiter(),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	q := onomondo.UsageQuery{Filters: []onomondo.Filter{{Key: "time", Value: "2025"}}, Limit: benchAggPage}
	pages := (n + benchAggPage - 1) / benchAggPage

	read := func() *usageAggregate {
		read, diags := readUsage(ctx, client, "usage", q, keep, usageScope{})
		if diags.HasError() {
			b.Fatalf("read failed: %v", diags)
		}
		agg, res := read.agg, read.res
		if agg.count != int64(n) || res.Records != int64(n) || agg.total != total || res.Pages != pages || res.HasMore {
			b.Fatalf("read %d (%d) records, %d bytes, %d pages, has_more %t; want %d records, %d bytes, %d pages",
				agg.count, res.Records, agg.total, res.Pages, res.HasMore, n, total, pages)
		}
		if got, want := agg.simCount(), int64(min(n, benchAggSIMs)); got != want {
			b.Fatalf("%d SIMs, want %d", got, want)
		}
		if keep && len(agg.records) != n {
			b.Fatalf("kept %d records, want %d", len(agg.records), n)
		}
		return agg
	}
	checkServed := func() {
		for _, r := range srv.Requests() {
			if r.Status != http.StatusOK {
				b.Fatalf("the fake answered %s?%s with %d", r.Path, r.RawQuery, r.Status)
			}
		}
		srv.ResetRequests()
	}

	// Warm-up: connections, the decoder pool, the fake's buffers.
	_ = read()
	checkServed()
	b.ResetTimer()

	// Retained heap is what one finished read's aggregate holds: the heap
	// with it alive, less the heap once it is dropped. Measured this way,
	// nothing else that lives or dies meanwhile (pools, the server's
	// buffers) counts.
	var m0, m1 runtime.MemStats
	var agg *usageAggregate
	mapEntries := 0
	var retained []int64
	var allocTotal uint64
	reads := 0
	for b.Loop() {
		var a0, a1 runtime.MemStats
		runtime.ReadMemStats(&a0)
		agg = read()
		runtime.ReadMemStats(&a1)
		allocTotal += a1.TotalAlloc - a0.TotalAlloc
		reads++

		b.StopTimer()
		checkServed() // the request log is the fake's, not ours: drop it first
		settleHeap()
		runtime.ReadMemStats(&m1)
		mapEntries = len(agg.bySim) + len(agg.byCountry) + len(agg.byNetwork)
		agg = nil
		settleHeap()
		runtime.ReadMemStats(&m0)
		retained = append(retained, int64(m1.HeapAlloc)-int64(m0.HeapAlloc))
		b.StartTimer()
	}
	b.StopTimer()
	allocated := float64(allocTotal) / float64(reads)

	// What fetching the pages costs on its own, and the bare baseline.
	drain := measureAlloc(b, reads, func() { benchDrainRead(b, ts.URL, pages) })
	checkServed()
	bare := measureAlloc(b, reads, func() { benchBareRead(b, ts.URL, n, total, pages) })
	checkServed()

	slices.Sort(retained)
	b.ReportMetric(float64(retained[len(retained)/2]), "retained-B") // median
	b.ReportMetric(float64(mapEntries), "map-entries")
	b.ReportMetric((allocated-drain)/float64(n), "alloc-B/record")
	b.ReportMetric((bare-drain)/float64(n), "bare-alloc-B/record")
	b.ReportMetric(drain/float64(n), "drain-alloc-B/record")
	b.ReportMetric(float64(n)*float64(reads)/b.Elapsed().Seconds(), "records/s")
}

// settleHeap collects garbage twice: sync.Pool contents survive one
// collection in the pools' victim caches, and would otherwise be counted
// as retained by whichever measurement came first.
func settleHeap() {
	runtime.GC()
	runtime.GC()
}

// measureAlloc runs f reads times and returns the bytes allocated per run.
func measureAlloc(b *testing.B, reads int, f func()) float64 {
	b.Helper()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range reads {
		f()
	}
	runtime.ReadMemStats(&m1)
	return float64(m1.TotalAlloc-m0.TotalAlloc) / float64(reads)
}

var benchHTTP = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

// benchGet fetches one page of the benchmark read and returns its body.
func benchGet(b *testing.B, baseURL, cursor string) *http.Response {
	b.Helper()
	target := baseURL + "/usage?filter=time:2025&limit=1000"
	if cursor != "" {
		target += "&next_page=" + cursor
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", testAPIKey)
	resp, err := benchHTTP.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
	return resp
}

// benchDrainRead fetches every page and discards it, decoding only the
// pagination object at the end of each body (a few hundred bytes).
func benchDrainRead(b *testing.B, baseURL string, pages int) {
	cursor, got := "", 0
	tail := make([]byte, 0, 1024)
	chunk := make([]byte, 32<<10)
	for {
		resp := benchGet(b, baseURL, cursor)
		tail = tail[:0]
		for {
			k, err := resp.Body.Read(chunk)
			if k > 0 {
				tail = append(tail, chunk[max(0, k-512):k]...)
				if len(tail) > 512 {
					tail = append(tail[:0], tail[len(tail)-512:]...)
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		_ = resp.Body.Close()
		got++
		i := strings.LastIndex(string(tail), `"pagination":`)
		if i < 0 {
			b.Fatalf("no pagination in %q", tail)
		}
		var p struct {
			HasMore  bool   `json:"has_more"`
			NextPage string `json:"next_page"`
		}
		if err := json.Unmarshal(tail[i+len(`"pagination":`):len(tail)-1], &p); err != nil {
			b.Fatal(err)
		}
		if !p.HasMore {
			break
		}
		cursor = p.NextPage
	}
	if got != pages {
		b.Fatalf("drained %d pages, want %d", got, pages)
	}
}

// benchBareRead is one read by the bare baseline (package baseline),
// checked against the fleet.
func benchBareRead(b *testing.B, baseURL string, n int, total int64, pages int) {
	r, err := baseline.Read(context.Background(), benchHTTP, baseURL, testAPIKey)
	if err != nil {
		b.Fatal(err)
	}
	if r.Pages != pages || r.Records != int64(n) || r.Bytes != total {
		b.Fatalf("bare read %d pages, %d records, %d bytes; want %d, %d, %d", r.Pages, r.Records, r.Bytes, pages, n, total)
	}
}

// BenchmarkAggregateAdd is the aggregator alone: one 1000-record page, as
// the client decodes it from the fake, added over and over (ns per page).
func BenchmarkAggregateAdd(b *testing.B) {
	f := benchAggFleet(100_000)
	srv := fakeapi.New(fakeapi.Options{APIKey: testAPIKey, Fleet: f, RateLimit: 1 << 30})
	req := httptest.NewRequest(http.MethodGet, "/usage?filter=time:2025&limit=1000", nil)
	req.Header.Set("Authorization", testAPIKey)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	p, err := onomondo.DecodeUsagePage(rec.Body)
	if err != nil || len(p.Items) != benchAggPage {
		b.Fatal(len(p.Items), err)
	}
	agg := newUsageAggregate(false)
	b.ReportAllocs()
	for b.Loop() {
		if err := agg.add(p.Items); err != nil {
			b.Fatal(err)
		}
	}
	if agg.count%benchAggPage != 0 || agg.simCount() != benchAggSIMs {
		b.Fatalf("%d records, %d SIMs", agg.count, agg.simCount())
	}
}
