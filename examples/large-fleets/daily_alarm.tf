# The month-to-date and every SIM against its own data limit, from the SIM
# list alone (one request per 1000 SIMs), and the SIMs that ran away in the
# last 24 hours, read by the hour: a few hundred requests for 5,000 SIMs
# that report all day, where a read of the month's usage costs up to
# 15,000.

# Each SIM's data limit with its use this month (data_limit.used,
# percent_used, state), the SIMs at their alert level or blocked, and the
# fleet's month-to-date (used_bytes_total), without a usage record read.
data "onomondo_sims" "fleet" {}

# The last 24 hours: one record per SIM and hour (about a quarter of the
# pages of a plain read), totals and per-SIM sums only.
data "onomondo_usage" "last_24h" {
  since           = timeadd(plantimestamp(), "-24h")
  group           = "hours"
  include_records = false
}

locals {
  sims         = data.onomondo_sims.fleet
  fleet_budget = provider::onomondo::parse_bytes("5 TB")
  # With thousands of SIMs, keep function calls out of the for expressions
  # below: a provider function is a round trip to the provider per call, and
  # lookup(map, ...) costs the size of the map per call (a for expression
  # over every SIM then takes minutes). An index, map[key], costs nothing.
  no_limit    = provider::onomondo::parse_bytes("1 GB")
  limit_by_id = { for s in local.sims.sims : s.id => s.data_limit.total if s.data_limit != null }
  # A SIM runs away when it used a tenth of its monthly limit in a day, three
  # times the pace that would reach the limit at the month's end (no_limit
  # for a SIM without one).
  runaway = {
    for id, b in data.onomondo_usage.last_24h.bytes_by_sim : id => b
    if b * 10 > try(local.limit_by_id[id], local.no_limit)
  }
  # percent_used is null without a limit or without a reported use.
  over_90_percent = sort([
    for s in local.sims.sims : s.id
    if s.data_limit == null ? false : (s.data_limit.percent_used == null ? false : s.data_limit.percent_used > 90)
  ])
}

# The month-to-date: complete (used_bytes_total counts the SIMs whose
# monthly limit reports its use), and within the budget.
check "month_to_date" {
  assert {
    condition     = length(local.sims.used_bytes_missing_ids) == 0
    error_message = "${length(local.sims.used_bytes_missing_ids)} SIM(s) report no monthly use (no limit, another period, or used null): the month-to-date leaves them out."
  }
  assert {
    condition     = local.sims.used_bytes_total <= local.fleet_budget
    error_message = "The fleet used ${provider::onomondo::format_bytes(local.sims.used_bytes_total, "si")} this month, more than its budget of ${provider::onomondo::format_bytes(local.fleet_budget, "si")}."
  }
}

# Each SIM: within its own limit this month, and no runaway in a day.
check "each_sim" {
  assert {
    condition     = length(local.sims.alerting_ids) + length(local.sims.blocked_ids) == 0
    error_message = "${length(local.sims.alerting_ids)} SIM(s) at their alert level and ${length(local.sims.blocked_ids)} blocked at their limit this month."
  }
  assert {
    condition     = length(local.runaway) == 0
    error_message = "${length(local.runaway)} SIM(s) used more than a tenth of their monthly limit in the last 24 hours."
  }
}

output "month_to_date_bytes" {
  value = local.sims.used_bytes_total
}

output "sims_over_90_percent" {
  value = local.over_90_percent
}

output "runaway_sims" {
  value = local.runaway
}
