# One read of the whole fleet for the month: every SIM's total is in
# bytes_by_sim, so one read checks any number of SIMs. include_records =
# false keeps only the totals and maps, so state and plan stay small.
data "onomondo_usage" "fleet" {
  time            = var.month
  include_records = false
}

# Every SIM with its label, tags and own data limit: names in messages, the
# tags' totals and the SIMs at their limit (one request per 1000 SIMs).
data "onomondo_sims" "all" {}

locals {
  per_sim_limit = provider::onomondo::parse_bytes(var.per_sim_limit)
  fleet_warning = provider::onomondo::parse_bytes(var.fleet_warning)
  fleet_limit   = provider::onomondo::parse_bytes(var.fleet_limit)

  fleet       = data.onomondo_usage.fleet
  month_start = "${var.month}-01T00:00:00Z"
  # The first instant of the next month: 31 days on is always in it.
  month_end = "${formatdate("YYYY-MM", timeadd(local.month_start, "744h"))}-01T00:00:00Z"

  # Whether the month has begun, and not yet ended, at the time of the check.
  begun       = timecmp(var.at, local.month_start) > 0
  in_progress = local.begun && timecmp(var.at, local.month_end) < 0

  # Nothing was read: no usage record of the fleet in the month. That is
  # never "under the limit": a month not begun, a wrong month, or a key that
  # sees none of the fleet's SIMs.
  nothing_read = local.fleet.record_count == 0

  # The month's usage at the pace so far (the usage itself once the month
  # has ended). project_bytes refuses a month not begun, which is the
  # nothing-read case above, so it is not called then.
  projected_bytes = local.begun ? provider::onomondo::project_bytes(local.fleet.total_bytes, var.month, var.at) : 0

  # SIM id => bytes, for every SIM above the per-SIM limit.
  sims_over_limit = {
    for id, bytes in local.fleet.bytes_by_sim : id => bytes if bytes > local.per_sim_limit
  }

  # Tag name => bytes of the SIMs that carry it (a SIM with two tags counts
  # in both; a SIM without usage in the month has no bytes_by_sim entry).
  bytes_by_tag = {
    for name, ids in data.onomondo_sims.all.ids_by_tag_name :
    name => sum(concat([0], [for id in ids : lookup(local.fleet.bytes_by_sim, id, 0)]))
  }

  # Each SIM's state against its own data limit in the limit's current
  # period, as Onomondo's help centre defines it: "alert" from total -
  # alert_threshold on, "blocked" from total on; null without a limit or
  # without a reported use. TEMPORARY: derived here until onomondo_sims
  # gives data_limit.state itself.
  limit_state = {
    for s in data.onomondo_sims.all.sims : s.id => (
      s.data_limit == null ? null : s.data_limit.used == null ? null : (
        s.data_limit.used >= s.data_limit.total ? "blocked" : (
          s.data_limit.alert_threshold == null ? "ok" : (
            s.data_limit.used >= s.data_limit.total - s.data_limit.alert_threshold ? "alert" : "ok"
          )
        )
      )
    )
  }
  sims_at_limit = [
    for s in data.onomondo_sims.all.sims : s if contains(["alert", "blocked"], coalesce(local.limit_state[s.id], "none"))
  ]
}
