package main

import (
	"fmt"
	"maps"
	"time"
)

// A route is one way to answer an alarm's question: the configuration a
// user would write, and the check of what its plan reports against the
// generator, which also gives the fewest requests the route's endpoints
// allow for the same answer.
type route struct {
	key, question, name string
	alarm               bool // planned against the rate limit at 600 requests a minute
	config              func(z *size) string
	// check compares the plan's values with the generator and returns the
	// fewest requests per endpoint ("GET /sims", "GET /usage", ...).
	check func(z *size, out values) (map[string]int64, error)
}

// alarmConfig is the daily alarm of the large-fleets guide: the files of
// examples/large-fleets, read by run.
var alarmConfig string

// alarmExample is the folder of the guide's daily alarm.
const alarmExample = "examples/large-fleets"

// header is the start of every other configuration.
const header = `terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

# ONOMONDO_API_KEY and ONOMONDO_BASE_URL come from the environment.
provider "onomondo" {}
`

var routes = []route{
	{key: "alarm", question: "the daily alarm", name: "examples/large-fleets: onomondo_sims + onomondo_usage (since -24h, group = \"hours\")", alarm: true,
		config: func(*size) string { return alarmConfig }, check: checkAlarm},
	{key: "month", question: "a fleet's month", name: "onomondo_usage, time = a 31-day month, on its last day (the route before used_bytes_total)",
		config: func(z *size) string {
			return header + block("onomondo_usage", "month", "time", quote(z.month.Format("2006-01")), "include_records", "false")
		}, check: checkMonth},
	{key: "day", question: "the last 24 hours", name: "onomondo_usage, since -24h, without group",
		config: func(*size) string {
			return header + block("onomondo_usage", "last_24h", "since", `timeadd(plantimestamp(), "-24h")`, "include_records", "false")
		}, check: checkDay},
	{key: "tagmonth", question: "a tag's month", name: "onomondo_usage, tag_names, time = a 31-day month",
		config: func(z *size) string {
			return header + block("onomondo_usage", "tag", "time", quote(z.month.Format("2006-01")), "tag_names", "["+quote(z.tag.Name)+"]",
				"include_records", "false")
		}, check: checkTagMonth},
	{key: "tagtotal", question: "a tag's month", name: "onomondo_tag_usage (one request, but no time filter: not the month)",
		config: func(z *size) string { return header + block("onomondo_tag_usage", "tag", "tag_id", quote(z.tag.ID)) },
		check:  checkTagTotal},
}

// block is a data source of type kind named name with the arguments args
// (name, expression, name, expression, ...), aligned as terraform fmt does.
func block(kind, name string, args ...string) string {
	width := 0
	for i := 0; i < len(args); i += 2 {
		width = max(width, len(args[i]))
	}
	b := fmt.Sprintf("\ndata %q %q {\n", kind, name)
	for i := 0; i < len(args); i += 2 {
		b += fmt.Sprintf("  %-*s = %s\n", width, args[i], args[i+1])
	}
	return b + "}\n"
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// checkAlarm checks the alarm's SIM list figures against the month's
// records, its last 24 hours by the hour, and what its outputs make of
// them.
func checkAlarm(z *size, out values) (map[string]int64, error) {
	l := dataLimits(z.fleet, z.end)
	c := &checker{out: out}
	const sims, day = "data.onomondo_sims.fleet", "data.onomondo_usage.last_24h"
	c.number(sims+".used_bytes_total", l.monthToDate)
	c.number("output.month_to_date_bytes", l.monthToDate)
	c.ids(sims+".used_bytes_missing_ids", l.missing)
	c.ids(sims+".alerting_ids", l.alerting)
	c.ids(sims+".blocked_ids", l.blocked)
	c.ids("output.sims_over_90_percent", l.over90)
	since, until, fewest := c.window(day, z, true)
	if c.err == nil {
		want := runaway(usage(z.fleet, since, until, true).bySIM, l.limitByID)
		var got map[string]int64
		if c.decode("output.runaway_sims", &got) && !maps.Equal(got, want) {
			c.fail("runaway_sims: %d SIMs, the generator says %d", len(got), len(want))
		}
	}
	return map[string]int64{"GET /sims": pages(int64(len(z.fleet.SIMs))), "GET /usage": fewest}, c.err
}

func checkMonth(z *size, out values) (map[string]int64, error) {
	c := &checker{out: out}
	s := z.monthSums()
	c.usage("data.onomondo_usage.month", s)
	return map[string]int64{"GET /usage": pages(s.records)}, c.err
}

func checkDay(z *size, out values) (map[string]int64, error) {
	c := &checker{out: out}
	_, _, fewest := c.window("data.onomondo_usage.last_24h", z, false)
	return map[string]int64{"GET /usage": fewest}, c.err
}

// checkTagMonth: the fewest requests for a tag's month are the SIM list,
// then the cheaper of one fleet read of the month and one read per SIM of
// the tag.
func checkTagMonth(z *size, out values) (map[string]int64, error) {
	c := &checker{out: out}
	s := z.monthSums()
	b, sims := tagged(z.fleet, s, z.tag.ID)
	var byName map[string]int64
	if c.decode("data.onomondo_usage.tag.bytes_by_tag_name", &byName) && (len(byName) != 1 || byName[z.tag.Name] != b) {
		c.fail("bytes_by_tag_name = %v, the generator says %s: %d", byName, z.tag.Name, b)
	}
	c.number("data.onomondo_usage.tag.total_bytes", b)
	perSIM := int64(0)
	for _, id := range sims {
		perSIM += pages(s.count[id])
	}
	return map[string]int64{"GET /sims": pages(int64(len(z.fleet.SIMs))), "GET /usage": min(pages(s.records), perSIM)}, c.err
}

func checkTagTotal(z *size, out values) (map[string]int64, error) {
	c := &checker{out: out}
	all := usage(z.fleet, time.Time{}, z.end.Add(time.Hour), false)
	b, _ := tagged(z.fleet, all, z.tag.ID)
	c.number("data.onomondo_tag_usage.tag.total_bytes", b)
	return map[string]int64{"GET /usage/tag-total": 1}, c.err
}
