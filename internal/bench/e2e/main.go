//go:build linux

// Command e2e is the end-to-end benchmark of `make bench` (see
// BENCHMARKS.md): `terraform plan` of one onomondo_usage data source with
// include_records = false, reading a large fleet and a small one, each from
// its own in-process fake Onomondo API on loopback.
//
//	go run ./internal/bench/e2e [-records 100000] [-baseline-records 1000] [-runs 3]
//
// For each size it reports the median wall time of `terraform plan`, the
// peak RSS of the provider process, and the size of terraform.tfstate after
// `terraform apply` of the same configuration, and checks the totals in the
// state against the fleet. Lines starting with "Benchmark" are in the
// format of `go test -bench`, for `make bench` (internal/bench).
//
// Peak RSS: terraform starts the provider through dev_overrides from a
// folder where this program has put a copy of itself as
// terraform-provider-onomondo. That copy (wrapper mode, selected by
// $BENCH_E2E_REAL) starts the real provider as its child with the same
// arguments, standard streams and environment, waits for it, and appends the
// child's ru_maxrss from wait4 (the kernel's high-water mark of its resident
// set, exact, with no polling) to a file. Terraform may start the provider
// more than once per command; the figure is the largest.
//
// It needs terraform on PATH and Linux.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/bench/baseline"
	"github.com/onomondo/terraform-provider-onomondo/internal/bench/tfrun"
	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

const (
	envReal    = "BENCH_E2E_REAL"     // wrapper mode: the real provider binary
	envRSSFile = "BENCH_E2E_RSS_FILE" // wrapper mode: where to append ru_maxrss
	apiKey     = "onok_bench.ZTJlLWJlbmNoLWtleQ"
	sims       = 1000
)

func main() {
	if providerBin := os.Getenv(envReal); providerBin != "" {
		os.Exit(wrap(providerBin, os.Getenv(envRSSFile)))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-e2e:", err)
		os.Exit(1)
	}
}

// wrap runs the real provider as a child and records its peak RSS.
func wrap(providerBin, rssFile string) int {
	cmd := exec.Command(providerBin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	// If terraform kills the wrapper, the provider goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-e2e wrapper:", err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && rssFile != "" {
		if f, ferr := os.OpenFile(rssFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); ferr == nil {
			fmt.Fprintf(f, "%d %d\n", cmd.ProcessState.Pid(), ru.Maxrss) // KiB on Linux
			_ = f.Close()
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

type options struct {
	records, baseline, runs int
	root, workdir           string
	keep, includeRecords    bool
}

func run() error {
	var o options
	flag.IntVar(&o.records, "records", 100_000, "records of the large read")
	flag.IntVar(&o.baseline, "baseline-records", 1_000, "records of the small (baseline) read")
	flag.IntVar(&o.runs, "runs", 3, "plans per size; the median is reported")
	flag.StringVar(&o.root, "repo", ".", "repository root (the provider is built from it)")
	flag.StringVar(&o.workdir, "workdir", "", "working folder (default <repo>/.build/run/bench-e2e)")
	flag.BoolVar(&o.keep, "keep", false, "keep the working folder")
	flag.BoolVar(&o.includeRecords, "include-records", false, "control run: include_records = true (records in state)")
	flag.Parse()
	if o.runs < 1 || o.records < 1 || o.baseline < 1 {
		return errors.New("-runs, -records and -baseline-records must be at least 1")
	}
	w, err := tfrun.NewWorkdir(o.root, o.workdir, "bench-e2e", o.keep)
	if err != nil {
		return err
	}
	defer w.Done()
	root := w.Root
	o.workdir = w.Dir
	binDir, tf := w.Bin, w.Terraform
	tfVersion, _ := exec.Command(tf, "version").Output()
	fmt.Printf("terraform: %s\n", firstLine(string(tfVersion)))

	// The real provider, built from the repository, and this program as
	// the wrapper terraform starts.
	providerBin := filepath.Join(o.workdir, "terraform-provider-onomondo.real")
	if err := tfrun.BuildProvider(root, providerBin); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := copyFile(self, filepath.Join(binDir, "terraform-provider-onomondo")); err != nil {
		return err
	}
	tfrc := filepath.Join(o.workdir, "bench.tfrc")
	if err := tfrun.WriteCLIConfig(tfrc, binDir); err != nil {
		return err
	}

	results, err := benchSizes(o, tf, tfrc, providerBin)
	if err != nil {
		return err
	}
	big, small := results[0], results[1]
	fmt.Println()
	for _, r := range results {
		fmt.Printf("BenchmarkE2EPlan/records=%d \t%d\t%d ns/op\t%.3f plan-s\t%.3f bare-read-s\t%.3f request-span-s\t%.1f provider-peak-rss-MiB\t%d provider-starts\t%d state-B\t%d requests/plan\n",
			r.records, o.runs, r.plan.Nanoseconds(), r.plan.Seconds(), r.bare.Seconds(), r.span.Seconds(), float64(r.rssKiB)/1024, r.starts, r.stateBytes, r.requests)
	}
	// ideal: terraform's fixed cost (the small plan) plus fetching the large
	// read's records at bare net/http + encoding/json speed.
	ideal := small.plan + big.bare
	fmt.Printf("BenchmarkE2ERatios \t1\t0 ns/op\t%.3f plan-ratio\t%.3f ideal-plan-s\t%.3f plan-vs-ideal\t%.3f rss-ratio\t%.3f state-ratio\n",
		big.plan.Seconds()/small.plan.Seconds(), ideal.Seconds(), big.plan.Seconds()/ideal.Seconds(),
		float64(big.rssKiB)/float64(small.rssKiB), float64(big.stateBytes)/float64(small.stateBytes))
	return nil
}

type sizeResult struct {
	records    int
	plan       time.Duration // median
	bare       time.Duration // median time of a bare read of the same records
	span       time.Duration // median time from the plan's first API request to its last
	rssKiB     int64         // median of the per-plan peaks
	starts     int           // provider processes per plan (last run)
	stateBytes int64
	requests   int // API requests per plan (last run)
}

// size is one configuration under test: a fake serving n records and a
// terraform working folder reading them.
type size struct {
	n, pages int
	total    int64
	srv      *fakeapi.Server
	url      string
	close    func()
	dir      string
	rssFile  string
	env      []string
	tf       string
	res      sizeResult
	plans    []time.Duration
	bares    []time.Duration
	spans    []time.Duration
	peaks    []int64
}

func newSize(o options, n int, tf, tfrc, providerBin string) (*size, error) {
	fleet := fakeapi.SyntheticFleet(n, sims)
	z := &size{n: n, pages: (n + 999) / 1000, tf: tf, res: sizeResult{records: n}}
	for i := range fleet.Records {
		z.total += fleet.Records[i].Bytes
	}
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: apiKey, Fleet: fleet, RateLimit: 1 << 30})
	z.srv, z.url, z.close = srv, ts.URL, ts.Close

	z.dir = filepath.Join(o.workdir, fmt.Sprintf("records-%d", n))
	if err := os.MkdirAll(z.dir, 0o755); err != nil {
		return z, err
	}
	cfg := config
	if o.includeRecords {
		cfg = strings.Replace(cfg, "include_records = false", "include_records = true", 1)
	}
	if err := os.WriteFile(filepath.Join(z.dir, "main.tf"), []byte(cfg), 0o644); err != nil {
		return z, err
	}
	z.rssFile = filepath.Join(z.dir, "rss")
	z.env = append(tfrun.CleanEnv(),
		"TF_CLI_CONFIG_FILE="+tfrc,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"ONOMONDO_BASE_URL="+ts.URL,
		"ONOMONDO_API_KEY="+apiKey,
		envReal+"="+providerBin,
		envRSSFile+"="+z.rssFile,
	)
	return z, nil
}

func (z *size) terraform(args ...string) (string, error) {
	cmd := exec.Command(z.tf, args...)
	cmd.Dir, cmd.Env = z.dir, z.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// bare times one bare read of the size's records.
func (z *size) bare() error {
	d, err := bareRead(z.url, z.n, z.total)
	if err != nil {
		return fmt.Errorf("bare read: %w", err)
	}
	if _, err := checkRequests(z.srv); err != nil {
		return err
	}
	z.bares = append(z.bares, d)
	return nil
}

// plan times one terraform plan and records the provider's peak RSS.
func (z *size) plan(run int) error {
	_ = os.Remove(z.rssFile)
	z.srv.ResetRequests()
	start := time.Now()
	out, err := z.terraform("plan", "-input=false", "-no-color", "-lock=false")
	d := time.Since(start)
	if err != nil {
		return err
	}
	if !strings.Contains(out, fmt.Sprintf("record_count = %d", z.n)) {
		return fmt.Errorf("the plan does not show record_count = %d:\n%s", z.n, out)
	}
	peak, all, err := readPeaks(z.rssFile)
	if err != nil {
		return err
	}
	reqs, span, err := checkRequestsSpan(z.srv)
	if err != nil {
		return err
	}
	if reqs < z.pages {
		return fmt.Errorf("the plan made %d requests; %d pages need at least %d", reqs, z.pages, z.pages)
	}
	z.plans, z.peaks, z.spans = append(z.plans, d), append(z.peaks, peak), append(z.spans, span)
	z.res.starts, z.res.requests = len(all), reqs
	fmt.Printf("records=%d plan %d: %.3fs (first to last API request %.3fs), provider peak RSS %.1f MiB (processes: %s MiB), %d requests\n",
		z.n, run, d.Seconds(), span.Seconds(), float64(peak)/1024, mib(all), reqs)
	return nil
}

// apply applies the configuration, checks the totals in the state against
// the fleet and measures terraform.tfstate.
func (z *size) apply() error {
	if _, err := z.terraform("apply", "-input=false", "-no-color", "-lock=false", "-auto-approve"); err != nil {
		return err
	}
	if _, err := checkRequests(z.srv); err != nil {
		return err
	}
	out, err := z.terraform("output", "-json")
	if err != nil {
		return err
	}
	var outputs map[string]struct {
		Value json.Number `json:"value"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&outputs); err != nil {
		return fmt.Errorf("terraform output -json: %w", err)
	}
	for name, want := range map[string]int64{"record_count": int64(z.n), "total_bytes": z.total, "sim_count": int64(min(z.n, sims))} {
		if got := outputs[name].Value.String(); got != strconv.FormatInt(want, 10) {
			return fmt.Errorf("state has %s = %s, the fleet %d", name, got, want)
		}
	}
	st, err := os.Stat(filepath.Join(z.dir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	z.res.stateBytes = st.Size()
	fmt.Printf("records=%d: state %d bytes (terraform apply, terraform.tfstate), totals checked\n", z.n, z.res.stateBytes)
	return nil
}

// benchSizes plans both sizes runs times, interleaved (and alternating
// which goes first) so that a machine getting busier or quieter affects
// both alike, with a bare read of each size between plans; then applies
// each for its state.
func benchSizes(o options, tf, tfrc, providerBin string) ([]sizeResult, error) {
	var sizes []*size
	defer func() {
		for _, z := range sizes {
			z.close()
		}
	}()
	for _, n := range []int{o.records, o.baseline} {
		z, err := newSize(o, n, tf, tfrc, providerBin)
		if z != nil && z.close != nil {
			sizes = append(sizes, z)
		}
		if err != nil {
			return nil, err
		}
	}
	for run := 1; run <= o.runs; run++ {
		order := []*size{sizes[0], sizes[1]}
		if run%2 == 0 {
			order[0], order[1] = order[1], order[0]
		}
		for _, z := range order {
			if err := z.bare(); err != nil {
				return nil, fmt.Errorf("%d records: %w", z.n, err)
			}
			if err := z.plan(run); err != nil {
				return nil, fmt.Errorf("%d records: %w", z.n, err)
			}
		}
	}
	var out []sizeResult
	for _, z := range sizes {
		if err := z.apply(); err != nil {
			return nil, fmt.Errorf("%d records: %w", z.n, err)
		}
		z.res.plan, z.res.rssKiB, z.res.bare, z.res.span = median(z.plans), median(z.peaks), median(z.bares), median(z.spans)
		out = append(out, z.res)
	}
	return out, nil
}

// bareRead times one read by the bare baseline (package baseline) and
// checks its totals.
func bareRead(baseURL string, n int, total int64) (time.Duration, error) {
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	start := time.Now()
	r, err := baseline.Read(context.Background(), hc, baseURL, apiKey)
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if r.Records != int64(n) || r.Bytes != total {
		return 0, fmt.Errorf("read %d records, %d bytes; want %d, %d", r.Records, r.Bytes, n, total)
	}
	return d, nil
}

// config reads all of 2025 with totals only.
const config = `terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

provider "onomondo" {}

data "onomondo_usage" "year" {
  time            = "2025"
  include_records = false
}

output "record_count" {
  value = data.onomondo_usage.year.record_count
}

output "total_bytes" {
  value = data.onomondo_usage.year.total_bytes
}

output "sim_count" {
  value = data.onomondo_usage.year.sim_count
}
`

// readPeaks returns the largest ru_maxrss (KiB) the wrapper recorded, and
// every process's, in the order they ended.
func readPeaks(path string) (int64, []int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("no peak RSS recorded (did terraform start the wrapper?): %w", err)
	}
	defer f.Close()
	var peak int64
	var all []int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			continue
		}
		v, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return 0, nil, err
		}
		peak = max(peak, v)
		all = append(all, v)
	}
	if len(all) == 0 {
		return 0, nil, errors.New("no provider process recorded its peak RSS")
	}
	return peak, all, sc.Err()
}

func mib(kib []int64) string {
	s := make([]string, len(kib))
	for i, k := range kib {
		s[i] = fmt.Sprintf("%.1f", float64(k)/1024)
	}
	return strings.Join(s, ", ")
}

// checkRequests returns how many requests the fake served since the last
// call, and fails on any answer but 200.
func checkRequests(srv *fakeapi.Server) (int, error) {
	n, _, err := checkRequestsSpan(srv)
	return n, err
}

// checkRequestsSpan is checkRequests that also returns the time from the
// first request's arrival to the last's.
func checkRequestsSpan(srv *fakeapi.Server) (int, time.Duration, error) {
	reqs := srv.Requests()
	srv.ResetRequests()
	for _, r := range reqs {
		if r.Status != http.StatusOK {
			return 0, 0, fmt.Errorf("the fake answered %s?%s with %d", r.Path, r.RawQuery, r.Status)
		}
	}
	if len(reqs) == 0 {
		return 0, 0, nil
	}
	return len(reqs), reqs[len(reqs)-1].Time.Sub(reqs[0].Time), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func median[T int64 | time.Duration](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
