// Command bench is the benchmark suite (`make bench`; see BENCHMARKS.md).
// Against the fake Onomondo API on loopback, with no network, it runs
//
//  1. client paging throughput versus a bare net/http + encoding/json reader,
//     and the CPU to decode one page
//  2. streaming aggregation: allocations and retained heap at two sizes
//  3. end to end: terraform plan wall time, provider peak RSS, state size
//     (./internal/bench/e2e; needs terraform on PATH)
//  4. the rate-limit ceiling: time against the ideal, 429s provoked
//  5. fleet scale: a daily alarm of always-on SIMs through terraform against
//     the rate limit, and the other routes, requests against the fewest
//     (./internal/bench/fleet; fleet_rows.go)
//
// and prints a table: figure, value, baseline, ratio, goal, result. The raw
// output and the table are kept in .bench/ (raw-MODE.txt, summary-MODE.md).
//
//	go run ./internal/bench          # full mode: a missed goal fails (exit 2)
//	go run ./internal/bench -short   # CI mode (BENCH_SHORT=1): fewer repetitions, smaller sizes
//
// A benchmark that errors (wrong totals, a failed request, a crash) always
// fails the run (exit 1). In short mode a missed goal is reported, not
// fatal; -strict (BENCH_STRICT=1 or 0) overrides either way.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// mode holds the sizes and repetitions of one mode.
type mode struct {
	name                                 string
	paging, decode, rate, agg            string // -benchtime values
	e2eRuns, aggSmall, aggBig, ratePages int
	shortFlag                            []string
	includeRecordsControl                bool
	fleetSims                            string // fleet sizes of step 5 ($BENCH_FLEET_SIMS overrides)
}

var (
	full = mode{name: "full", paging: "20x", decode: "300x", rate: "3x", agg: "3x",
		e2eRuns: 5, aggSmall: 100_000, aggBig: 1_000_000, ratePages: 200, includeRecordsControl: true, fleetSims: "100,1000,5000,20000"}
	short = mode{name: "short", paging: "5x", decode: "50x", rate: "1x", agg: "3x",
		e2eRuns: 1, aggSmall: 10_000, aggBig: 100_000, ratePages: 120, shortFlag: []string{"-short"}, fleetSims: "100"}
)

func main() {
	isShort := flag.Bool("short", envBool("BENCH_SHORT", false), "CI mode: fewer repetitions and smaller sizes")
	strictFlag := flag.String("strict", os.Getenv("BENCH_STRICT"), "fail on a missed goal: 1 or 0 (default: 1 in full mode, 0 in short mode)")
	flag.Parse()
	m := full
	if *isShort {
		m = short
	}
	strict := *strictFlag == "1" || (*strictFlag == "" && !*isShort)
	if sims := os.Getenv("BENCH_FLEET_SIMS"); sims != "" {
		m.fleetSims = sims
	}
	os.Exit(run(m, strict))
}

func run(m mode, strict bool) int {
	if err := os.MkdirAll(".bench", 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var raw bytes.Buffer
	var failed []string
	step := func(name string, env []string, args ...string) {
		fmt.Fprintf(os.Stderr, "==> [%s] %s: %s\n", time.Now().UTC().Format("15:04:05"), name, strings.Join(args, " "))
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout = io.MultiWriter(os.Stdout, &raw)
		cmd.Stderr = cmd.Stdout
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "==> FAILED: %s (%v)\n", name, err)
			failed = append(failed, name)
		}
	}
	goBench := func(pattern, benchtime, pkg string, extra ...string) []string {
		return append(append([]string{"go", "test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-timeout", "30m"}, extra...), pkg)
	}
	step("1. client paging throughput", nil, goBench("^BenchmarkPagingThroughput$", m.paging, "./internal/onomondo/", m.shortFlag...)...)
	step("1b. CPU per page decoded", nil, goBench("^BenchmarkDecodePage$", m.decode, "./internal/onomondo/")...)
	step("2. streaming aggregation", []string{"TF_CLI_CONFIG_FILE=" + os.DevNull}, goBench("^BenchmarkAggregateStreaming$", m.agg, "./internal/provider/", m.shortFlag...)...)
	wd, _ := os.Getwd()
	step("3. end to end (terraform plan)", nil, "go", "run", "./internal/bench/e2e", "-repo", wd, "-runs", strconv.Itoa(m.e2eRuns), "-records", "100000", "-baseline-records", "1000")
	step("4. rate-limit ceiling", nil, goBench("^BenchmarkRateLimitCeiling$", m.rate, "./internal/onomondo/", m.shortFlag...)...)
	step("5. fleet scale", nil, "go", "run", "./internal/bench/fleet", "-repo", wd, "-sims", m.fleetSims, "-table", filepath.Join(".bench", "fleet-"+m.name+".md"))

	t := table{metrics: parse(raw.Bytes())}
	t.rows(m)
	summary := t.render(m)
	fmt.Print("\n" + summary + "\n")
	rawPath, sumPath := filepath.Join(".bench", "raw-"+m.name+".txt"), filepath.Join(".bench", "summary-"+m.name+".md")
	if err := os.WriteFile(rawPath, raw.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if err := os.WriteFile(sumPath, []byte(summary), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Fprintf(os.Stderr, "==> raw output: %s; summary: %s\n", rawPath, sumPath)
	switch {
	case len(failed) > 0:
		fmt.Fprintf(os.Stderr, "==> ERROR: benchmark(s) failed: %s\n", strings.Join(failed, "; "))
		return 1
	case t.missed && strict:
		fmt.Fprintln(os.Stderr, "==> a goal was missed (-strict=0 reports it without failing)")
		return 2
	case t.missed:
		fmt.Fprintf(os.Stderr, "==> a goal was missed (%s mode: reported, not fatal)\n", m.name)
	}
	return 0
}

// parse reads `go test -bench` result lines ("BenchmarkX/sub-2  N  v1 unit1
// v2 unit2 ...") into metrics["BenchmarkX/sub"]["unit"]; a later line wins.
func parse(out []byte) map[string]map[string]float64 {
	metrics := map[string]map[string]float64{}
	suffix := regexp.MustCompile(`-\d+$`)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := suffix.ReplaceAllString(f[0], "")
		if metrics[name] == nil {
			metrics[name] = map[string]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				metrics[name][f[i+1]] = v
			}
		}
	}
	return metrics
}

// table builds the summary rows from the metrics.
type table struct {
	metrics map[string]map[string]float64
	lines   []string
	missed  bool
}

// m returns one metric and whether it was reported.
func (t *table) m(name, unit string) (float64, bool) {
	v, ok := t.metrics[name][unit]
	return v, ok
}

// cell formats a metric, or "missing".
func (t *table) cell(format, name, unit string, scale float64) string {
	if v, ok := t.m(name, unit); ok {
		return fmt.Sprintf(format, v*scale)
	}
	return "missing"
}

// ratio is a/b of two metrics; not ok when either is missing or b is not
// positive (a ratio against a zero or negative baseline measures nothing).
func (t *table) ratio(aName, aUnit, bName, bUnit string) (float64, bool) {
	a, okA := t.m(aName, aUnit)
	b, okB := t.m(bName, bUnit)
	if !okA || !okB || b <= 0 {
		return 0, false
	}
	return a / b, true
}

// row adds a figure whose ratio must be at most limit (limit 0: no goal).
// A ratio that is missing or negative is an ERROR: a fast wrong answer is
// not a pass.
func (t *table) row(figure, value, baseline string, r float64, ok bool, limit float64) {
	ratio, goal, result := "-", "-", "info"
	if ok {
		ratio = fmt.Sprintf("%.3f", r)
	}
	if limit > 0 {
		goal = fmt.Sprintf("<= %gx", limit)
		switch {
		case !ok || r < 0:
			result, t.missed = "ERROR", true
		case r <= limit:
			result = "pass"
		default:
			result, t.missed = "FAIL", true
		}
	}
	t.lines = append(t.lines, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", figure, value, baseline, ratio, goal, result))
}

func (t *table) rows(m mode) {
	const p, d, a, e, rl = "BenchmarkPagingThroughput", "BenchmarkDecodePage", "BenchmarkAggregateStreaming", "BenchmarkE2EPlan", "BenchmarkRateLimitCeiling"
	r, ok := t.m(p, "ratio")
	t.row("client: read 100k records (100 pages), median ms", t.cell("%.1f ms", p, "client-ms", 1), t.cell("%.1f ms bare net/http+json", p, "baseline-ms", 1), r, ok, 1.0)
	// Goal: 5 ms of CPU per 1000-record page, 5% of the 100 ms of rate-limit
	// budget (600 requests a minute) each page costs against the real API.
	cpu, ok := t.m(d+"/client", "cpu-ms/op")
	t.row("client: CPU to decode one 1000-record page", t.cell("%.2f ms", d+"/client", "cpu-ms/op", 1), "5 ms budget", cpu/5, ok, 1.0)
	r, ok = t.ratio(d+"/client", "cpu-ms/op", d+"/bare", "cpu-ms/op")
	t.row("client: CPU per page vs bare encoding/json decode", t.cell("%.2f ms", d+"/client", "cpu-ms/op", 1), t.cell("%.2f ms bare", d+"/bare", "cpu-ms/op", 1), r, ok, 0)

	small, big := fmt.Sprintf("%s/records=%d", a, m.aggSmall), fmt.Sprintf("%s/records=%d", a, m.aggBig)
	r, ok = t.ratio(big, "retained-B", small, "retained-B")
	t.row(fmt.Sprintf("aggregate: retained heap, %d vs %d records", m.aggBig, m.aggSmall), t.cell("%.1f KiB", big, "retained-B", 1.0/1024), t.cell("%.1f KiB", small, "retained-B", 1.0/1024), r, ok, 1.5)
	for _, n := range []string{small, big} {
		r, ok = t.ratio(n, "alloc-B/record", n, "bare-alloc-B/record")
		t.row("aggregate: allocated per record, "+strings.TrimPrefix(n, a+"/records=")+" records", t.cell("%.0f B/rec", n, "alloc-B/record", 1), t.cell("%.0f B/rec bare decode", n, "bare-alloc-B/record", 1), r, ok, 1.0)
	}
	if m.includeRecordsControl {
		c, base := a+"/records=100000/include_records", a+"/records=100000"
		r, ok = t.ratio(c, "retained-B", base, "retained-B")
		t.row("control: retained heap, 100k records, include_records=true", t.cell("%.1f MiB", c, "retained-B", 1.0/1048576), t.cell("%.1f KiB (=false)", base, "retained-B", 1.0/1024), r, ok, 0)
	}

	e100, e1, er := e+"/records=100000", e+"/records=1000", "BenchmarkE2ERatios"
	r, ok = t.m(er, "plan-ratio")
	t.row("e2e: terraform plan wall, 100k vs 1k records", t.cell("%.2f s", e100, "plan-s", 1), t.cell("%.2f s", e1, "plan-s", 1), r, ok, 0)
	r, ok = t.m(er, "plan-vs-ideal")
	t.row("e2e: plan 100k vs ideal (1k plan + bare read of 100k)", t.cell("%.2f s", e100, "plan-s", 1), t.cell("%.2f s", er, "ideal-plan-s", 1), r, ok, 1.25)
	r, ok = t.ratio(e100, "request-span-s", e100, "bare-read-s")
	t.row("e2e: the 100k read inside the plan (first to last request) vs a bare read", t.cell("%.3f s", e100, "request-span-s", 1), t.cell("%.3f s bare net/http+json", e100, "bare-read-s", 1), r, ok, 1.25)
	r, ok = t.m(er, "rss-ratio")
	t.row("e2e: provider peak RSS, 100k vs 1k records", t.cell("%.1f MiB", e100, "provider-peak-rss-MiB", 1), t.cell("%.1f MiB", e1, "provider-peak-rss-MiB", 1), r, ok, 1.25)
	r, ok = t.m(er, "state-ratio")
	t.row("e2e: state size after apply, 100k vs 1k records", t.cell("%.0f B", e100, "state-B", 1), t.cell("%.0f B", e1, "state-B", 1), r, ok, 1.25)

	r, ok = t.m(rl, "ratio")
	t.row(fmt.Sprintf("rate limit: %d pages at 50 req / 2 s, elapsed vs ideal", m.ratePages), t.cell("%.2f s", rl, "elapsed-s", 1), t.cell("%.2f s ideal", rl, "ideal-s", 1), r, ok, 1.15)
	n429, ok := t.m(rl, "429s")
	result := "pass"
	if !ok || n429 != 0 {
		result, t.missed = "FAIL", true
	}
	t.lines = append(t.lines, fmt.Sprintf("| rate limit: 429s provoked | %s | 0 | - | = 0 | %s |", t.cell("%.0f", rl, "429s", 1), result))
	t.fleetRows(m)
}

func (t *table) render(m mode) string {
	tf, _ := exec.Command("terraform", "version").Output()
	first, _, _ := strings.Cut(string(tf), "\n")
	head := fmt.Sprintf("make bench (%s mode), %s, %d cores, %s, %s\n\n| figure | value | baseline | ratio | goal | result |\n|---|---|---|---|---|---|\n",
		m.name, time.Now().UTC().Format(time.RFC3339), runtime.NumCPU(), runtime.Version(), first)
	return head + strings.Join(t.lines, "\n") + "\n"
}

// envBool reads a 0/1 environment variable.
func envBool(name string, def bool) bool {
	switch os.Getenv(name) {
	case "":
		return def
	case "0":
		return false
	default:
		return true
	}
}
