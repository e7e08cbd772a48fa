package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// report prints the tables and writes them to o.table.
func report(o options, results []result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Daily alarm of always-on SIMs (%s), planned at 600 requests a minute (%d per one-second window):\n\n",
		routes[0].name, alarmRate)
	b.WriteString("| SIMs | GET /sims: onomondo_sims | GET /usage: onomondo_usage, 24 h | requests | fewest | ratio | 429s | plan, measured | rate-limit time at 600/min |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.route.alarm {
			fmt.Fprintf(&b, "| %s | %s (%s) | %s (%s) | %s | %s | %.3f | %d | %.1f s | %s |\n", count(int64(r.sims)),
				count(r.requests["GET /sims"]), count(r.fewest["GET /sims"]), count(r.requests["GET /usage"]), count(r.fewest["GET /usage"]),
				count(r.total(r.requests)), count(r.total(r.fewest)), r.ratio(), r.limited, r.wall.Seconds(), budget(r.total(r.requests)+r.limited))
		}
	}
	b.WriteString("\nEach route: requests (rate-limit time at 600 requests a minute; requests / fewest):\n\n")
	b.WriteString("| question | route |")
	for _, n := range o.sims {
		fmt.Fprintf(&b, " %s SIMs |", count(int64(n)))
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(o.sims)) + "\n")
	for _, rt := range routes {
		fmt.Fprintf(&b, "| %s | %s |", rt.question, rt.name)
		for _, r := range results {
			if r.route.key == rt.key {
				n := r.total(r.requests) + r.limited
				fmt.Fprintf(&b, " %s (%s; %.2fx) |", count(n), budget(n), r.ratio())
			}
		}
		b.WriteString("\n")
	}
	table := b.String()
	fmt.Println()
	fmt.Print(table)
	if o.table != "" {
		if err := os.WriteFile(o.table, []byte(table), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// count writes n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// budget is the time n requests take at 600 a minute.
func budget(n int64) string {
	if d := time.Duration(n) * time.Second / 10; d < 2*time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f min", float64(n)/600)
}
