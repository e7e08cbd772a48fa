// Command onomondo-fake-api serves the fake Onomondo usage API of package
// fakeapi on a loopback address, for offline demos and manual testing.
//
//	onomondo-fake-api -listen 127.0.0.1:8080 -url-file /tmp/fake-url
//
// -rate-limit and -rate-window set the documented fixed-window rate limit,
// -sim-paging the paging style of GET /sims (cursor, offset or bare) and
// -period the month whose usage the SIMs' data limits count. -sims, -months,
// -end and -always-on choose the fleet (default: the 48 SIMs of 2025-01 to
// 2025-04); -sims 5000 -always-on -end now is a large fleet whose every SIM
// reports every 15 minutes up to the present.
//
// The API key is -api-key, else $ONOMONDO_FAKE_API_KEY, else the demo key
// onok_demo.fakeapikey. The server logs one line per request to stderr
// (never the Authorization header) and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// envAPIKey names the environment variable holding the API key.
const envAPIKey = "ONOMONDO_FAKE_API_KEY"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "onomondo-fake-api:", err)
		os.Exit(2)
	}
}

// config is the parsed command line.
type config struct {
	listen     string
	apiKey     string
	urlFile    string
	rateLimit  int
	rateWindow time.Duration
	simPaging  fakeapi.SIMPaging
	period     time.Time             // zero: the fleet's last month
	fleet      *fakeapi.FleetOptions // nil: the default fleet
}

// parseFlags parses args; getenv supplies the key's fallback.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("onomondo-fake-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultKey := getenv(envAPIKey)
	if defaultKey == "" {
		defaultKey = fakeapi.DemoAPIKey
	}
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&c.apiKey, "api-key", defaultKey, "accepted API `key` (default $"+envAPIKey+", else the demo key)")
	fs.StringVar(&c.urlFile, "url-file", "", "write the server's base URL to this `path` once listening")
	fs.IntVar(&c.rateLimit, "rate-limit", fakeapi.DefaultRateLimit, "requests allowed per rate-limit window")
	fs.DurationVar(&c.rateWindow, "rate-window", fakeapi.DefaultRateWindow, "rate-limit window (whole seconds)")
	paging := fs.String("sim-paging", fakeapi.SIMPagingCursor.String(),
		"paging style of GET /sims answers: cursor, offset, bare")
	period := fs.String("period", "", "data-limit `month` (YYYY-MM) whose usage GET /sims reports as used (default: the fleet's last month)")
	fleet := fakeapi.FleetOptions{Seed: fakeapi.DefaultSeed}
	fs.IntVar(&fleet.SIMs, "sims", fakeapi.DefaultSIMs, "SIMs in the fleet")
	fs.IntVar(&fleet.Months, "months", fakeapi.DefaultMonths, "months of usage, the last one ending at -end")
	end := fs.String("end", "", "end of the usage data: `now`, a day YYYY-MM-DD or an RFC 3339 time (default: the end of -months from 2025-01)")
	fs.BoolVar(&fleet.AlwaysOn, "always-on", false, "every SIM reports a record every 15 minutes, made on demand (no stored records)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := fleetFlags(fs, &fleet, *end, &c); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var err error
	if c.simPaging, err = fakeapi.ParseSIMPaging(*paging); err != nil {
		return c, err
	}
	if *period != "" {
		if c.period, err = time.Parse("2006-01", *period); err != nil {
			return c, fmt.Errorf("-period %q: want a month YYYY-MM", *period)
		}
	}
	if c.rateLimit < 1 {
		return c, fmt.Errorf("-rate-limit must be at least 1, got %d", c.rateLimit)
	}
	if c.rateWindow < time.Second || c.rateWindow%time.Second != 0 {
		return c, fmt.Errorf("-rate-window must be a whole number of seconds, got %s", c.rateWindow)
	}
	if c.apiKey == "" {
		return c, errors.New("-api-key must not be empty")
	}
	if err := checkLoopback(c.listen); err != nil {
		return c, err
	}
	return c, nil
}

// fleetFlags checks the fleet flags and sets c.fleet when any was given.
func fleetFlags(fs *flag.FlagSet, fleet *fakeapi.FleetOptions, end string, c *config) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || strings.Contains(" sims months end always-on ", " "+f.Name+" ") })
	if !given {
		return nil
	}
	if fleet.SIMs < 1 || fleet.Months < 1 {
		return fmt.Errorf("-sims and -months must be at least 1, got %d and %d", fleet.SIMs, fleet.Months)
	}
	var err error
	switch {
	case end == "now":
		fleet.End = time.Now()
	case len(end) == len(time.DateOnly):
		fleet.End, err = time.Parse(time.DateOnly, end)
	case end != "":
		fleet.End, err = time.Parse(time.RFC3339, end)
	}
	if err != nil {
		return fmt.Errorf("-end %q: want now, YYYY-MM-DD or an RFC 3339 time", end)
	}
	c.fleet = fleet
	return nil
}

// checkLoopback refuses listen addresses that are not loopback: the fake
// accepts a well-known demo key and must never be reachable from outside.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q: refusing a non-loopback address; use 127.0.0.1, [::1] or localhost", addr)
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)

	var fleet *fakeapi.Fleet
	if c.fleet != nil {
		fleet = fakeapi.NewFleet(*c.fleet)
	}
	srv := fakeapi.New(fakeapi.Options{
		Fleet:      fleet,
		APIKey:     c.apiKey,
		RateLimit:  c.rateLimit,
		RateWindow: c.rateWindow,
		SIMPaging:  c.simPaging,
		Period:     c.period,
	})
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() { // "localhost" could resolve to anything
		_ = ln.Close()
		return fmt.Errorf("-listen %q resolved to non-loopback %s", c.listen, ln.Addr())
	}
	baseURL := "http://" + ln.Addr().String()

	hs := &http.Server{
		Handler:           logRequests(srv, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()

	printBanner(stderr, srv, baseURL, c)
	if c.urlFile != "" {
		if err := writeFileAtomic(c.urlFile, baseURL+"\n"); err != nil {
			_ = hs.Close()
			return err
		}
		defer func() { _ = os.Remove(c.urlFile) }()
	}

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printBanner tells the user where the server is and what it serves.
func printBanner(w io.Writer, srv *fakeapi.Server, baseURL string, c config) {
	f := srv.Fleet()
	from, _ := srv.Period()
	var b strings.Builder
	fmt.Fprintf(&b, "onomondo-fake-api listening on %s\n", baseURL)
	if c.apiKey == fakeapi.DemoAPIKey {
		fmt.Fprintf(&b, "  API key: %s (demo key; send it as the raw Authorization header)\n", c.apiKey)
	} else {
		b.WriteString("  API key: the one given by -api-key or $" + envAPIKey + "\n")
	}
	fmt.Fprintf(&b, "  rate limit: %d requests per %s\n", c.rateLimit, c.rateWindow)
	fmt.Fprintf(&b, "  GET /sims: %s paging; data limits count the usage of %s\n", c.simPaging, from.Format("2006-01"))
	n, first, last := f.Extent()
	kind := ""
	if c.fleet != nil && c.fleet.AlwaysOn {
		kind = " (always on: a record every 15 minutes, made on demand)"
	}
	fmt.Fprintf(&b, "  fleet: %d SIMs, %d tags, %d usage records%s", len(f.SIMs), len(f.Tags), n, kind)
	if n > 0 {
		fmt.Fprintf(&b, " from %s to %s", first.Format(time.DateOnly), last.Format(time.DateOnly))
	}
	b.WriteString("\n")
	for _, s := range f.SIMs[:min(5, len(f.SIMs))] {
		fmt.Fprintf(&b, "  SIM %s  ICCID %s  %s\n", s.ID, s.ICCID, s.Label)
	}
	for _, t := range f.Tags[:min(5, len(f.Tags))] {
		fmt.Fprintf(&b, "  tag %s  %-14s total %d bytes\n", t.ID, t.Name, f.TagTotal(t.ID))
	}
	_, _ = io.WriteString(w, b.String())
}

// writeFileAtomic writes content to path through a temporary file and a
// rename, so a script polling for path never reads half a URL.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".onomondo-fake-api-url-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// logRequests logs one line per request: method, path, query, status and
// duration. The Authorization header is never logged.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			target := r.URL.Path
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			logger.Printf("%s %s -> %d (%s)", r.Method, target, sw.status, time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(sw, r)
	})
}
