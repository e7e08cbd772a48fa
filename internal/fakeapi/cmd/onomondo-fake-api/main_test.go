package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func noEnv(string) string { return "" }

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(nil, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.listen != "127.0.0.1:0" || c.apiKey != fakeapi.DemoAPIKey || c.rateLimit != 600 ||
		c.rateWindow != time.Minute || c.simPaging != fakeapi.SIMPagingCursor || !c.period.IsZero() {
		t.Fatalf("defaults %+v", c)
	}
	c, err = parseFlags(nil, func(k string) string {
		if k == envAPIKey {
			return "onok_env.key"
		}
		return ""
	}, io.Discard)
	if err != nil || c.apiKey != "onok_env.key" {
		t.Fatalf("env key: %+v %v", c, err)
	}
	c, err = parseFlags([]string{"-api-key", "onok_flag.key", "-rate-limit", "5", "-rate-window", "2s", "-listen", "[::1]:0",
		"-sim-paging", "offset", "-period", "2025-02"}, noEnv, io.Discard)
	if err != nil || c.apiKey != "onok_flag.key" || c.rateLimit != 5 || c.rateWindow != 2*time.Second || c.listen != "[::1]:0" ||
		c.simPaging != fakeapi.SIMPagingOffset || !c.period.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) || c.fleet != nil {
		t.Fatalf("flags: %+v %v", c, err)
	}
	c, err = parseFlags([]string{"-sims", "5000", "-always-on", "-end", "2026-03-04T05:06:07+01:00"}, noEnv, io.Discard)
	if err != nil || c.fleet == nil || c.fleet.SIMs != 5000 || !c.fleet.AlwaysOn || c.fleet.Months != fakeapi.DefaultMonths ||
		!c.fleet.End.Equal(time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC)) {
		t.Fatalf("fleet flags: %+v %v", c.fleet, err)
	}
	if c, err = parseFlags([]string{"-end", "2025-02-10", "-months", "2"}, noEnv, io.Discard); err != nil || c.fleet.SIMs != fakeapi.DefaultSIMs ||
		!c.fleet.End.Equal(time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)) || c.fleet.AlwaysOn {
		t.Fatalf("-end day: %+v %v", c.fleet, err)
	}

	for _, args := range [][]string{
		{"-listen", "0.0.0.0:8080"},
		{"-listen", ":8080"},
		{"-listen", "192.168.1.10:80"},
		{"-listen", "example.com:80"},
		{"-listen", "[::]:80"},
		{"-listen", "127.0.0.1"},
		{"-rate-limit", "0"},
		{"-rate-window", "1500ms"},
		{"-rate-window", "0s"},
		{"-tag-shape", "usage_paged"}, // removed: the client's tests play the other tag total shapes
		{"-chaos-seed", "1"},          // removed: the client's chaos test runs on a fake clock
		{"-sim-paging", "pages"},
		{"-period", "2025-13"},
		{"-period", "2025"},
		{"-reset-style", "unix_ms"},
		{"-api-key", ""},
		{"-sims", "0"},
		{"-months", "-1"},
		{"-end", "yesterday"},
		{"-end", "2025-02-30"},
		{"extra"},
	} {
		if _, err := parseFlags(args, noEnv, io.Discard); err == nil {
			t.Fatalf("%v accepted", args)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "127.1.2.3:9", "localhost:0", "[::1]:0"} {
		if err := checkLoopback(addr); err != nil {
			t.Fatalf("%s refused: %v", addr, err)
		}
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	const key = "onok_secret.do-not-log"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-url-file", urlFile, "-api-key", key}, noEnv, &logs) }()

	var base string
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(urlFile); err == nil {
			base = strings.TrimSpace(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL file; logs:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("URL %q", base)
	}

	sim := fakeapi.DefaultFleet().SIMs[0].ID
	req, _ := http.NewRequest(http.MethodGet, base+"/usage/"+sim+"?limit=2", nil)
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"sim_id":"`+sim+`"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if _, err := os.Stat(urlFile); !os.IsNotExist(err) {
		t.Fatalf("URL file left behind: %v", err)
	}
	out := logs.String()
	for _, want := range []string{"listening on " + base, "SIM " + sim, "tag ", "GET /usage/" + sim + "?limit=2 -> 200"} {
		if !strings.Contains(out, want) {
			t.Fatalf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, key) {
		t.Fatal("logs contain the API key")
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	err := run(context.Background(), []string{"-listen", "0.0.0.0:0"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "non-loopback") {
		t.Fatalf("got %v", err)
	}
}

// startRun runs the command with args until the test ends; it returns the
// base URL, the logs and a stop function that returns run's error.
func startRun(t *testing.T, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-url-file", urlFile}, args...), noEnv, logs) }()
	base := waitForURL(t, urlFile, logs)
	return base, logs, func() error { cancel(); return <-done }
}

// demoGet GETs target with the demo key and reads the whole answer.
func demoGet(t *testing.T, base, target string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+target, nil)
	req.Header.Set("Authorization", fakeapi.DemoAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// TestRunFlags starts the command with the rate-limit and paging flags and
// checks the answers follow them.
func TestRunFlags(t *testing.T) {
	base, logs, stop := startRun(t, "-rate-limit", "2", "-rate-window", "1h", "-sim-paging", "offset")
	var statuses []int
	for range 3 {
		resp, body, err := demoGet(t, base, "/sims?limit=5")
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, resp.StatusCode)
		if resp.StatusCode == 200 && !strings.HasPrefix(string(body), `{"count":5,"limit":5,"offset":0,"total":48,"sims":[`) {
			t.Fatalf("offset paging: %.80s", body)
		}
		if reset, err := strconv.ParseInt(resp.Header.Get("x-ratelimit-reset"), 10, 64); err != nil || reset%3600 != 0 || resp.Header.Get("x-ratelimit-limit") != "2" {
			t.Fatalf("rate headers %v", resp.Header)
		}
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 429 {
		t.Fatalf("statuses %v, want two answers and a 429", statuses)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if out := logs.String(); !strings.Contains(out, "rate limit: 2 requests per 1h0m0s") || !strings.Contains(out, "GET /sims: offset paging") {
		t.Fatalf("banner:\n%s", out)
	}
}

// waitForURL waits for run to write its URL file.
func waitForURL(t *testing.T, urlFile string, logs *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(urlFile); err == nil {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL file; logs:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunFleetFlags starts the command on an always-on fleet of 300 SIMs
// whose data ends now: the banner says so, and today's usage is there.
func TestRunFleetFlags(t *testing.T) {
	before := time.Now()
	base, logs, stop := startRun(t, "-sims", "300", "-always-on", "-end", "now", "-months", "1")
	_, body, err := demoGet(t, base, "/usage?filter=time:"+before.UTC().Format(time.DateOnly)+"&limit=1000")
	if err != nil {
		t.Fatal(err)
	}
	// Every SIM reports every 15 minutes since midnight.
	if want := min(1000, 300*int(before.UTC().Sub(before.UTC().Truncate(24*time.Hour))/(15*time.Minute))); strings.Count(string(body), `"bill_id"`) < want {
		t.Fatalf("today has %d records, want at least %d", strings.Count(string(body), `"bill_id"`), want)
	}
	_, sims, err := demoGet(t, base, "/sims?limit=1000")
	if err != nil || strings.Count(string(sims), `"iccid"`) != 300 {
		t.Fatalf("%v: %d SIMs", err, strings.Count(string(sims), `"iccid"`))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "fleet: 300 SIMs, 7 tags,") || !strings.Contains(out, "always on") ||
		!strings.Contains(out, "data limits count the usage of "+before.UTC().Format("2006-01")) {
		t.Fatalf("banner:\n%s", out)
	}
}
