// Command fleet is the fleet-scale benchmark of `make bench` (BENCHMARKS.md,
// "Fleet scale"): through the real terraform binary, it plans a daily usage
// alarm of always-on SIMs (every one reports every 15 minutes), and the
// other routes to the same questions, against the fake Onomondo API serving
// such a fleet up to now, and counts the requests each plan sends.
//
//	go run ./internal/bench/fleet [-sims 100,1000,5000,20000] [-routes alarm,month]
//
// The alarm is planned against the fake's rate limiter at the API's rate,
// 600 requests a minute (as 10 per one-second window); the other routes
// with the limit out of the way, since their cost is their requests. Every
// plan's answers are checked against the fake's generator, and so is the
// fewest number of requests each route's endpoints allow for them: per
// period read, ceil(records / 1000) pages, at least one; for the SIM list,
// ceil(SIMs / 1000).
//
// It prints lines in the format of `go test -bench` (make bench builds its
// goal rows from them: internal/bench/fleet_rows.go) and writes its tables
// as markdown to -table.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/bench/tfrun"
	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

const (
	apiKey    = "onok_bench.ZmxlZXQtYmVuY2gta2V5"
	alarmRate = 10 // requests per one-second window: 600 a minute
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-fleet:", err)
		os.Exit(1)
	}
}

type options struct {
	sims                 []int
	root, workdir, table string
	keep                 bool
}

func run() error {
	var o options
	sims := flag.String("sims", "100,1000,5000,20000", "fleet sizes, comma separated")
	only := flag.String("routes", "", "plan only these routes, comma separated (alarm, month, day, tagmonth, tagtotal; default all)")
	flag.StringVar(&o.root, "repo", ".", "repository root (the provider is built from it)")
	flag.StringVar(&o.workdir, "workdir", "", "working folder (default <repo>/.build/run/bench-fleet)")
	flag.StringVar(&o.table, "table", "", "write the markdown tables to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the working folder")
	flag.Parse()
	for _, s := range strings.Split(*sims, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sims %q: want sizes of 1 or more", *sims)
		}
		o.sims = append(o.sims, n)
	}
	if *only != "" {
		keep := strings.Split(*only, ",")
		routes = slices.DeleteFunc(routes, func(r route) bool { return !slices.Contains(keep, r.key) })
	}
	w, err := tfrun.NewWorkdir(o.root, o.workdir, "bench-fleet", o.keep)
	if err != nil {
		return err
	}
	defer w.Done()
	root := w.Root
	if err := tfrun.BuildProvider(root, filepath.Join(w.Bin, "terraform-provider-onomondo")); err != nil {
		return err
	}
	for _, f := range []string{"main.tf", "daily_alarm.tf"} {
		b, err := os.ReadFile(filepath.Join(root, alarmExample, f))
		if err != nil {
			return err
		}
		alarmConfig += string(b) + "\n"
	}
	tfrc := filepath.Join(w.Dir, "cli.tfrc")
	if err := tfrun.WriteCLIConfig(tfrc, w.Bin); err != nil {
		return err
	}
	o.workdir = w.Dir
	tf := w.Terraform

	var results []result
	for _, n := range o.sims {
		z := newSize(n)
		fmt.Printf("%d always-on SIMs, data up to %s; a full month: %s\n", n, z.end.Format(time.RFC3339), z.month.Format("2006-01"))
		for _, r := range routes {
			res, err := z.plan(r, tf, tfrc, filepath.Join(o.workdir, fmt.Sprintf("sims-%d-%s", n, r.key)))
			if err != nil {
				z.close()
				return fmt.Errorf("%d SIMs, %s: %w", n, r.name, err)
			}
			fmt.Println(res.line())
			results = append(results, res)
		}
		z.close()
	}
	return report(o, results)
}

// size is one fleet under test and the two fakes serving it: one with the
// API's rate limit for the alarm, one without for the other routes.
type size struct {
	fleet       *fakeapi.Fleet
	end, month  time.Time // the end of the data; the last 31-day month before it
	tag         fakeapi.Tag
	alarm, free *fakeapi.Server
	urls        map[*fakeapi.Server]string
	closers     []func()
	monthCache  *sums
}

// newSize makes an always-on fleet of n SIMs whose data runs from the
// first day of the last 31-day month before the current one up to now.
func newSize(n int) *size {
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for month = month.AddDate(0, -1, 0); month.AddDate(0, 1, -1).Day() != 31; month = month.AddDate(0, -1, 0) {
	}
	f := fakeapi.NewFleet(fakeapi.FleetOptions{Seed: fakeapi.DefaultSeed, SIMs: n, Start: month, End: now, AlwaysOn: true})
	z := &size{fleet: f, end: now, month: month, tag: f.Tags[0], urls: map[*fakeapi.Server]string{}}
	z.alarm = z.serve(fakeapi.Options{APIKey: apiKey, Fleet: f, RateLimit: alarmRate, RateWindow: time.Second})
	z.free = z.serve(fakeapi.Options{APIKey: apiKey, Fleet: f, RateLimit: 1 << 30})
	return z
}

func (z *size) serve(o fakeapi.Options) *fakeapi.Server {
	srv, ts := fakeapi.NewTestServer(o)
	z.urls[srv], z.closers = ts.URL, append(z.closers, ts.Close)
	return srv
}

func (z *size) close() {
	for _, c := range z.closers {
		c()
	}
}

// monthSums are the records of the full month, summed once.
func (z *size) monthSums() sums {
	if z.monthCache == nil {
		s := usage(z.fleet, z.month, z.month.AddDate(0, 1, 0), false)
		z.monthCache = &s
	}
	return *z.monthCache
}

// result is one route's plan on one fleet.
type result struct {
	sims       int
	route      route
	requests   map[string]int64 // 200 answers per endpoint
	fewest     map[string]int64
	limited    int64         // 429 answers
	wall, span time.Duration // the plan; its first request to its last
}

func (r result) total(m map[string]int64) (n int64) {
	for _, v := range m {
		n += v
	}
	return n
}

// ratio is requests / fewest.
func (r result) ratio() float64 {
	return float64(r.total(r.requests)+r.limited) / float64(r.total(r.fewest))
}

// line is the result in the format of go test -bench.
func (r result) line() string {
	return fmt.Sprintf("BenchmarkFleet/%s/sims=%d \t1\t%d ns/op\t%d requests\t%d fewest\t%.4f ratio\t%d 429s\t%.3f plan-s\t%.3f request-span-s\t%.1f min-at-600-per-min",
		r.route.key, r.sims, r.wall.Nanoseconds(), r.total(r.requests), r.total(r.fewest), r.ratio(), r.limited, r.wall.Seconds(),
		r.span.Seconds(), float64(r.total(r.requests)+r.limited)/600)
}

// plan writes the route's configuration to dir, plans it, checks the
// answers and counts the requests.
func (z *size) plan(r route, tf, tfrc, dir string) (result, error) {
	res := result{sims: len(z.fleet.SIMs), route: r, requests: map[string]int64{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(r.config(z)), 0o644); err != nil {
		return res, err
	}
	srv := z.free
	if r.alarm {
		srv = z.alarm
	}
	env := append(tfrun.CleanEnv(), "TF_CLI_CONFIG_FILE="+tfrc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"ONOMONDO_BASE_URL="+z.urls[srv], "ONOMONDO_API_KEY="+apiKey)
	terraform := func(args ...string) ([]byte, error) {
		cmd := exec.Command(tf, args...)
		cmd.Dir, cmd.Env, cmd.Stderr = dir, env, os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return out, nil
	}
	srv.ResetRequests()
	start := time.Now()
	if _, err := terraform("plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"); err != nil {
		return res, err
	}
	res.wall = time.Since(start)
	reqs := srv.Requests()
	for _, q := range reqs {
		switch q.Status {
		case http.StatusOK:
			res.requests[endpoint(q.Path)]++
		case http.StatusTooManyRequests:
			res.limited++
		default:
			return res, fmt.Errorf("the fake answered %s?%s with %d", q.Path, q.RawQuery, q.Status)
		}
	}
	if len(reqs) > 0 {
		res.span = reqs[len(reqs)-1].Time.Sub(reqs[0].Time)
	}
	show, err := terraform("show", "-json", "tfplan")
	if err != nil {
		return res, err
	}
	out, err := readPlan(show)
	if err != nil {
		return res, err
	}
	if res.fewest, err = r.check(z, out); err != nil {
		return res, fmt.Errorf("wrong answer: %w", err)
	}
	if len(res.requests) == 0 {
		return res, errors.New("the plan sent no request")
	}
	return res, nil
}

// endpoint names the endpoint of a request path.
func endpoint(path string) string {
	switch {
	case strings.HasPrefix(path, "/usage/tag-total/"):
		return "GET /usage/tag-total"
	case strings.HasPrefix(path, "/sims"):
		return "GET /sims"
	}
	return "GET /usage"
}
