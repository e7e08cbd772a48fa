# The hard stop: an output precondition. When it fails, the plan fails
# (terraform plan exits with 1), and every check above still reports its
# own result. A postcondition on the data source would stop the plan too,
# but it leaves every other check on the read "unknown" and drops the
# outputs from the plan.
output "fleet_total_bytes" {
  description = "Bytes the fleet used in the month."
  value       = local.fleet.total_bytes

  precondition {
    condition     = local.fleet.total_bytes <= local.fleet_limit
    error_message = "The fleet used ${provider::onomondo::format_bytes(local.fleet.total_bytes, "si")} in ${var.month}, over the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit, "si")}."
  }
}

output "fleet_total" {
  description = "The fleet's usage in the month, readable."
  value       = provider::onomondo::format_bytes(local.fleet.total_bytes, "si")
}

output "sims_over_limit" {
  description = "SIM id => bytes, for every SIM over the per-SIM limit."
  value       = local.sims_over_limit
}

output "nothing_read" {
  description = "Whether the fleet read holds no usage record at all (never \"under the limit\")."
  value       = local.nothing_read
}

# Everything the gate's Markdown summary shows, sizes already formatted (so
# the summary and the messages print the same numbers).
output "summary" {
  description = "The numbers for the CI summary: the month's fleet total against the limits, the biggest SIMs and each tag's total; the last 24 hours and the runaway SIMs; the SIMs at their own data limit."
  value = {
    month        = var.month
    nothing_read = local.nothing_read
    begun        = local.begun
    in_progress  = local.in_progress
    records      = local.fleet.record_count
    sims_read    = local.fleet.sim_count
    total_bytes  = local.fleet.total_bytes
    total        = provider::onomondo::format_bytes(local.fleet.total_bytes, "si")
    projected    = provider::onomondo::format_bytes(local.projected_bytes, "si")
    warning      = provider::onomondo::format_bytes(local.fleet_warning, "si")
    limit        = provider::onomondo::format_bytes(local.fleet_limit, "si")
    per_sim      = provider::onomondo::format_bytes(local.per_sim_limit, "si")
    # Whole percent of the hard limit, and a 20-character bar of it.
    percent_of_limit = floor(100 * local.fleet.total_bytes / max(local.fleet_limit, 1))
    bar = join("", [
      for i in range(20) : i < floor(20 * local.fleet.total_bytes / max(local.fleet_limit, 1)) ? "█" : "░"
    ])
    top_sims = [
      for e in provider::onomondo::top(local.fleet.bytes_by_sim, 10) : {
        id    = e.key
        label = lookup(local.sims.label_by_id, e.key, null)
        used  = provider::onomondo::format_bytes(e.value, "si")
        over  = e.value > local.per_sim_limit
      }
    ]
    tags = [
      for e in provider::onomondo::top(local.bytes_by_tag, length(local.bytes_by_tag)) : {
        name = e.key
        sims = length(local.sims.ids_by_tag_name[e.key])
        used = provider::onomondo::format_bytes(e.value, "si")
      }
    ]
    last_24h = {
      since        = local.last_24h.since
      until        = local.last_24h.until
      nothing_read = local.nothing_read_24h
      sims_read    = local.last_24h.sim_count
      total        = provider::onomondo::format_bytes(local.last_24h.total_bytes, "si")
      limit        = provider::onomondo::format_bytes(local.per_sim_24h_limit, "si")
      runaway = [
        for e in provider::onomondo::top(local.runaway_sims, length(local.runaway_sims)) : {
          id    = e.key
          label = lookup(local.sims.label_by_id, e.key, null)
          used  = provider::onomondo::format_bytes(e.value, "si")
        }
      ]
    }
    # Blocked first, then alerting, each by id.
    sims_at_limit = [
      for id in local.sims_at_limit : {
        id    = id
        label = lookup(local.sims.label_by_id, id, null)
        state = contains(local.sims.blocked_ids, id) ? "blocked" : "alert"
      }
    ]
    # SIM id => its data limit, for the SIMs above. (From the list of SIMs,
    # which terraform test cannot override: hashicorp/terraform#38369.)
    data_limits = {
      for s in local.sims.sims : s.id => {
        used    = provider::onomondo::format_bytes(s.data_limit.used, "si")
        total   = provider::onomondo::format_bytes(s.data_limit.total, "si")
        percent = s.data_limit.percent_used == null ? null : floor(s.data_limit.percent_used)
        period  = s.data_limit.period
      } if contains(local.sims_at_limit, s.id)
    }
  }
}
