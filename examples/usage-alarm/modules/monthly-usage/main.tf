# One read of the whole fleet for the month: every SIM's total is in
# bytes_by_sim, so one read checks any number of SIMs. include_records =
# false keeps only the totals and maps, so state and plan stay small.
data "onomondo_usage" "fleet" {
  time            = var.month
  include_records = false
}

# Runaway SIMs: the 24 hours up to the check (the month's last 24 hours
# once it has ended), an exact window that counts each record by its start.
# group = "hours" reads one record per SIM and hour, about a quarter of the
# pages; a 24-hour window costs one or two day reads.
data "onomondo_usage" "last_24h" {
  since           = timeadd(local.last_24h_end, "-24h")
  until           = local.last_24h_end
  group           = "hours"
  include_records = false
}

# Every SIM with its label, tags and own data limit as Onomondo applies it
# (one request per 1000 SIMs): names in messages, the tags' totals, and the
# SIMs Onomondo has blocked or is alerting on.
data "onomondo_sims" "all" {}

locals {
  per_sim_limit     = provider::onomondo::parse_bytes(var.per_sim_limit)
  per_sim_24h_limit = provider::onomondo::parse_bytes(var.per_sim_24h_limit)
  fleet_warning     = provider::onomondo::parse_bytes(var.fleet_warning)
  fleet_limit       = provider::onomondo::parse_bytes(var.fleet_limit)

  fleet       = data.onomondo_usage.fleet
  last_24h    = data.onomondo_usage.last_24h
  sims        = data.onomondo_sims.all
  month_start = "${var.month}-01T00:00:00Z"
  # The first instant of the next month: 31 days on is always in it.
  month_end = "${formatdate("YYYY-MM", timeadd(local.month_start, "744h"))}-01T00:00:00Z"

  # Whether the month has begun, and not yet ended, at the time of the check.
  begun        = timecmp(var.at, local.month_start) > 0
  in_progress  = local.begun && timecmp(var.at, local.month_end) < 0
  last_24h_end = timecmp(var.at, local.month_end) < 0 ? var.at : local.month_end

  # Nothing was read: no usage record of the fleet in the month, or in the
  # last 24 hours. That is never "under the limit": a month not begun, a
  # wrong month, a fleet silent for a whole day, or a key that sees none of
  # the fleet's SIMs.
  nothing_read     = local.fleet.record_count == 0
  nothing_read_24h = local.last_24h.record_count == 0

  # The month's usage at the pace so far (the usage itself once the month
  # has ended). project_bytes refuses a month not begun, which is the
  # nothing-read case above, so it is not called then.
  projected_bytes = local.begun ? provider::onomondo::project_bytes(local.fleet.total_bytes, var.month, var.at) : 0

  # SIM id => bytes, for every SIM above the per-SIM limit in the month,
  # and above the 24-hour limit in the last 24 hours.
  sims_over_limit = {
    for id, bytes in local.fleet.bytes_by_sim : id => bytes if bytes > local.per_sim_limit
  }
  runaway_sims = {
    for id, bytes in local.last_24h.bytes_by_sim : id => bytes if bytes > local.per_sim_24h_limit
  }

  # The SIMs Onomondo has blocked at their own data limit, then those past
  # its alert level (data_limit.state "blocked" and "alert").
  sims_at_limit = concat(local.sims.blocked_ids, local.sims.alerting_ids)

  # Tag name => bytes of the SIMs that carry it in the month (a SIM with two
  # tags counts in both). onomondo_usage's tag_names gives the same numbers
  # in bytes_by_tag_name, but by reading the month again: summed from the
  # fleet read, the tags cost no request.
  bytes_by_tag = {
    for name, ids in local.sims.ids_by_tag_name :
    name => sum(concat([0], [for id in ids : try(local.fleet.bytes_by_sim[id], 0)]))
  }
}
