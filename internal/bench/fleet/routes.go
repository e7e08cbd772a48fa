package main

import (
	"fmt"
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
	// check compares the plan's outputs with the generator and returns the
	// fewest requests per endpoint ("GET /sims", "GET /usage", ...).
	check func(z *size, out outputs) (map[string]int64, error)
}

// header is the start of every configuration.
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
	{key: "alarm", question: "the daily alarm", name: "onomondo_sims + onomondo_usage (since -24h, group = \"hours\")", alarm: true,
		config: func(*size) string { return alarmConfig }, check: checkAlarm},
	{key: "month", question: "a fleet's month", name: "onomondo_usage, time = a 31-day month, on its last day (the route before used_bytes_total)",
		config: func(z *size) string {
			return header + block("onomondo_usage", "month", "time", quote(z.month.Format("2006-01")), "include_records", "false") +
				usageOutputs("month")
		}, check: checkMonth},
	{key: "day", question: "the last 24 hours", name: "onomondo_usage, since -24h, without group",
		config: func(*size) string {
			return header + block("onomondo_usage", "last_24h", "since", `timeadd(plantimestamp(), "-24h")`, "include_records", "false") +
				usageOutputs("last_24h")
		}, check: checkDay},
	{key: "tagmonth", question: "a tag's month", name: "onomondo_usage, tag_names, time = a 31-day month",
		config: func(z *size) string {
			return header + block("onomondo_usage", "tag", "time", quote(z.month.Format("2006-01")), "tag_names", "["+quote(z.tag.Name)+"]",
				"include_records", "false") + outputBlocks("tag_bytes", "data.onomondo_usage.tag.bytes_by_tag_name["+quote(z.tag.Name)+"]")
		}, check: checkTagMonth},
	{key: "tagtotal", question: "a tag's month", name: "onomondo_tag_usage (one request, but no time filter: not the month)",
		config: func(z *size) string {
			return header + block("onomondo_tag_usage", "tag", "tag_id", quote(z.tag.ID)) +
				outputBlocks("tag_bytes", "data.onomondo_tag_usage.tag.total_bytes")
		}, check: checkTagTotal},
}

// alarmConfig is the daily alarm as a user writes it: the fleet's
// month-to-date and every SIM against its own data limit from the SIM list,
// and the SIMs that ran away in the last 24 hours.
var alarmConfig = header + `
# The SIM list: one request per 1000 SIMs. Each SIM's data limit with its
# use this month, and the fleet's month-to-date.
data "onomondo_sims" "fleet" {}

# The last 24 hours, one record per SIM and hour, totals only.
data "onomondo_usage" "last_24h" {
  since           = timeadd(plantimestamp(), "-24h")
  group           = "hours"
  include_records = false
}

locals {
  sims        = data.onomondo_sims.fleet
  limit_by_id = { for s in local.sims.sims : s.id => s.data_limit.total if s.data_limit != null }
  # A SIM runs away when it used a tenth of its monthly limit in a day:
  # three times the pace that would just reach it.
  runaway = sort([
    for id, b in data.onomondo_usage.last_24h.bytes_by_sim : id
    if b * 10 > lookup(local.limit_by_id, id, provider::onomondo::parse_bytes("1 GB"))
  ])
  over_90_percent = sort([
    for s in local.sims.sims : s.id
    if s.data_limit == null ? false : (s.data_limit.percent_used == null ? false : s.data_limit.percent_used > 90)
  ])
}

check "fleet_budget" {
  assert {
    condition     = local.sims.used_bytes_total < provider::onomondo::parse_bytes("10 TB")
    error_message = "The fleet used ${provider::onomondo::format_bytes(local.sims.used_bytes_total, "si")} this month."
  }
}

check "no_runaway_sims" {
  assert {
    condition     = length(local.runaway) == 0
    error_message = "${length(local.runaway)} SIM(s) used more than a tenth of their monthly limit in the last 24 hours."
  }
}
` + outputBlocks("month_to_date", "local.sims.used_bytes_total", "month_to_date_missing", "local.sims.used_bytes_missing_ids",
	"alerting", "local.sims.alerting_ids", "blocked", "local.sims.blocked_ids", "over_90_percent", "local.over_90_percent",
	"runaway", "local.runaway") + usageOutputs("last_24h")

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

// outputBlocks are output blocks of pairs (name, expression, ...).
func outputBlocks(pairs ...string) string {
	var b string
	for i := 0; i < len(pairs); i += 2 {
		b += fmt.Sprintf("\noutput %q {\n  value = %s\n}\n", pairs[i], pairs[i+1])
	}
	return b
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// usageOutputs are the outputs of a usage read named name.
func usageOutputs(name string) string {
	return fmt.Sprintf(`
output %[1]q {
  value = {
    since   = data.onomondo_usage.%[1]s.since
    until   = data.onomondo_usage.%[1]s.until
    total   = data.onomondo_usage.%[1]s.total_bytes
    records = data.onomondo_usage.%[1]s.record_count
    by_sim  = data.onomondo_usage.%[1]s.bytes_by_sim
  }
}
`, name)
}

// checkAlarm checks the alarm's outputs: every figure of the SIM list
// from the month's records, and the last 24 hours by hour.
func checkAlarm(z *size, out outputs) (map[string]int64, error) {
	l := dataLimits(z.fleet, z.end)
	c := &checker{out: out}
	c.number("month_to_date", l.monthToDate)
	c.ids("month_to_date_missing", l.missing)
	c.ids("alerting", l.alerting)
	c.ids("blocked", l.blocked)
	c.ids("over_90_percent", l.over90)
	since, until, fewest := c.window("last_24h", z, true)
	if c.err == nil {
		c.ids("runaway", runaway(usage(z.fleet, since, until, true).bySIM, l.limitByID))
	}
	return map[string]int64{"GET /sims": pages(int64(len(z.fleet.SIMs))), "GET /usage": fewest}, c.err
}

func checkMonth(z *size, out outputs) (map[string]int64, error) {
	c := &checker{out: out}
	s := z.monthSums()
	c.usage("month", s)
	return map[string]int64{"GET /usage": pages(s.records)}, c.err
}

func checkDay(z *size, out outputs) (map[string]int64, error) {
	c := &checker{out: out}
	_, _, fewest := c.window("last_24h", z, false)
	return map[string]int64{"GET /usage": fewest}, c.err
}

// checkTagMonth: the fewest requests for a tag's month are the SIM list,
// then the cheaper of one fleet read of the month and one read per SIM of
// the tag.
func checkTagMonth(z *size, out outputs) (map[string]int64, error) {
	c := &checker{out: out}
	s := z.monthSums()
	b, sims := tagged(z.fleet, s, z.tag.ID)
	c.number("tag_bytes", b)
	perSIM := int64(0)
	for _, id := range sims {
		perSIM += pages(s.count[id])
	}
	return map[string]int64{"GET /sims": pages(int64(len(z.fleet.SIMs))), "GET /usage": min(pages(s.records), perSIM)}, c.err
}

func checkTagTotal(z *size, out outputs) (map[string]int64, error) {
	c := &checker{out: out}
	all := usage(z.fleet, time.Time{}, z.end.Add(time.Hour), false)
	b, _ := tagged(z.fleet, all, z.tag.ID)
	c.number("tag_bytes", b)
	return map[string]int64{"GET /usage/tag-total": 1}, c.err
}
