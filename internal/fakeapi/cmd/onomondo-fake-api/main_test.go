package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
		c.rateWindow != time.Minute || c.tagShape != fakeapi.TagShapeBytes ||
		c.simPaging != fakeapi.SIMPagingCursor || !c.period.IsZero() {
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
	c, err = parseFlags([]string{"-api-key", "onok_flag.key", "-rate-limit", "5", "-rate-window", "2s", "-tag-shape", "usage_records", "-listen", "[::1]:0",
		"-sim-paging", "offset", "-period", "2025-02"}, noEnv, io.Discard)
	if err != nil || c.apiKey != "onok_flag.key" || c.rateLimit != 5 || c.rateWindow != 2*time.Second ||
		c.tagShape != fakeapi.TagShapeUsageRecords || c.listen != "[::1]:0" ||
		c.simPaging != fakeapi.SIMPagingOffset || !c.period.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("flags: %+v %v", c, err)
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
		{"-tag-shape", "nope"},
		{"-sim-paging", "pages"},
		{"-period", "2025-13"},
		{"-period", "2025"},
		{"-api-key", ""},
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
