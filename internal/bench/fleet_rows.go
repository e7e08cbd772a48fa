package main

import (
	"slices"
	"strings"
)

// The fleet scale's rows (BENCHMARKS.md, "Fleet scale"), from the lines
// BenchmarkFleet/<route>/sims=<n> of go run ./internal/bench/fleet.

// fleetGoalSIMs is the fleet whose daily alarm has the 2-minute goal; when
// a run leaves it out, the largest fleet run takes its place.
const fleetGoalSIMs = "5000"

// fleetRows adds, for every fleet of m, the daily alarm's requests against
// the fewest its endpoints allow (goal 1.05x); and for the goal's fleet, the
// alarm's terraform plan against the rate limit (goal 2 minutes) and its
// requests against the monthly fleet read's, measured in the same run.
func (t *table) fleetRows(m mode) {
	sizes := strings.Split(m.fleetSims, ",")
	goal := sizes[len(sizes)-1]
	if slices.Contains(sizes, fleetGoalSIMs) {
		goal = fleetGoalSIMs
	}
	for _, n := range sizes {
		a := "BenchmarkFleet/alarm/sims=" + n
		r, ok := t.m(a, "ratio")
		t.row("fleet: daily alarm, "+n+" always-on SIMs, requests vs fewest", t.cell("%.0f requests", a, "requests", 1),
			t.cell("%.0f fewest", a, "fewest", 1), r, ok, 1.05)
	}
	a, month := "BenchmarkFleet/alarm/sims="+goal, "BenchmarkFleet/month/sims="+goal
	s, ok := t.m(a, "plan-s")
	t.row("fleet: daily alarm, "+goal+" SIMs, terraform plan at 600 requests/min", t.cell("%.1f s", a, "plan-s", 1), "120 s goal", s/120, ok, 1.0)
	r, ok := t.ratio(a, "requests", month, "requests")
	t.row("fleet: daily alarm vs a monthly fleet read (before), "+goal+" SIMs, requests",
		t.cell("%.0f", a, "requests", 1)+" ("+t.cell("%.1f s", a, "min-at-600-per-min", 60)+")",
		t.cell("%.0f", month, "requests", 1)+" ("+t.cell("%.1f min", month, "min-at-600-per-min", 1)+")", r, ok, 0)
}
