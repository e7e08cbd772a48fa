package main

import (
	"fmt"
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

// TestFleetRows: the alarm's requests pass within 1.05x of the fewest and
// fail beyond; its plan passes within 2 minutes and fails beyond; without
// the goal's fleet the largest one takes its place.
func TestFleetRows(t *testing.T) {
	line := func(route, n string, requests, fewest, planS float64) string {
		return fmt.Sprintf("BenchmarkFleet/%s/sims=%s \t1\t1 ns/op\t%g requests\t%g fewest\t%g ratio\t0 429s\t%g plan-s\t%g min-at-600-per-min\n",
			route, n, requests, fewest, requests/fewest, planS, requests/600)
	}
	out := line("alarm", "100", 5, 5, 1) + line("alarm", "5000", 140, 130, 13) + line("month", "5000", 14880, 14880, 80) +
		line("alarm", "20000", 520, 520, 150)
	tb := table{metrics: parse([]byte(out))}
	tb.fleetRows(mode{fleetSims: "100,5000,20000"})
	want := []string{"| pass |", "| FAIL |", "| pass |", "| pass |", "| info |"} // 140 > 1.05 x 130
	if len(tb.lines) != len(want) {
		t.Fatalf("%d rows:\n%s", len(tb.lines), strings.Join(tb.lines, "\n"))
	}
	for i, w := range want {
		if !strings.HasSuffix(tb.lines[i], w) {
			t.Errorf("row %d: %q, want %s", i, tb.lines[i], w)
		}
	}
	if !strings.Contains(tb.lines[3], "5000 SIMs, terraform plan") || !strings.Contains(tb.lines[4], "| 140 (14.0 s) | 14880 (24.8 min) | 0.009 |") {
		t.Errorf("goal rows:\n%s\n%s", tb.lines[3], tb.lines[4])
	}
	tb = table{metrics: parse([]byte(out))}
	tb.fleetRows(mode{fleetSims: "100,20000"})
	if !strings.Contains(tb.lines[2], "20000 SIMs, terraform plan") || !strings.HasSuffix(tb.lines[2], "| FAIL |") {
		t.Errorf("without 5000 SIMs the largest fleet's plan (150 s) should fail: %q", tb.lines[2])
	}
}
