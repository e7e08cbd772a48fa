package main

import (
	"strings"
	"testing"
)

// TestParse: result lines of `go test -bench` become metrics by name
// (GOMAXPROCS suffix dropped) and unit; other lines are ignored.
func TestParse(t *testing.T) {
	out := "goos: linux\nBenchmarkDecodePage/client-2   50   123 ns/op   1.89 cpu-ms/op\nBenchmarkE2ERatios \t1\t0 ns/op\t0.937 plan-vs-ideal\nPASS\n"
	m := parse([]byte(out))
	if got := m["BenchmarkDecodePage/client"]["cpu-ms/op"]; got != 1.89 {
		t.Errorf("cpu-ms/op = %v, want 1.89", got)
	}
	if got := m["BenchmarkE2ERatios"]["plan-vs-ideal"]; got != 0.937 {
		t.Errorf("plan-vs-ideal = %v, want 0.937", got)
	}
	if len(m) != 2 {
		t.Errorf("%d benchmarks parsed, want 2: %v", len(m), m)
	}
}

// TestRowGoals: a ratio within its goal passes, one over it fails, and a
// missing or negative one is an ERROR; each miss marks the table missed.
func TestRowGoals(t *testing.T) {
	cases := []struct {
		r      float64
		ok     bool
		result string
	}{
		{0.5, true, "| pass |"},
		{1.5, true, "| FAIL |"},
		{0, false, "| ERROR |"},
		{-0.1, true, "| ERROR |"},
	}
	for _, c := range cases {
		var tb table
		tb.row("figure", "v", "b", c.r, c.ok, 1.0)
		if !strings.HasSuffix(tb.lines[0], c.result) {
			t.Errorf("ratio %v (ok %t): %q, want %s", c.r, c.ok, tb.lines[0], c.result)
		}
		if tb.missed != (c.result != "| pass |") {
			t.Errorf("ratio %v (ok %t): missed = %t", c.r, c.ok, tb.missed)
		}
	}
	// Every goal of the full table is an ERROR when nothing was measured.
	tb := table{metrics: parse(nil)}
	tb.rows(full)
	if !tb.missed || strings.Count(strings.Join(tb.lines, "\n"), "| pass |") != 0 {
		t.Errorf("an empty run passed a goal:\n%s", strings.Join(tb.lines, "\n"))
	}
}
