# Warnings: a check block whose assertion fails is reported as
# "Warning: Check block assertion failed"; the plan still succeeds.

# Nothing was read: checks of their own, so that a month, or a day,
# without a single usage record never passes as "under the limit".
check "usage_was_read" {
  assert {
    condition = !local.nothing_read
    error_message = local.begun ? "Nothing was read for ${var.month}: the API returned no usage record of the fleet in that month. That is not \"under the limit\": check the month, and that the API key sees the fleet's SIMs." : (
      "Nothing was read for ${var.month}: the month has not begun at ${var.at}, so it has no usage yet."
    )
  }
}

check "last_24h_was_read" {
  assert {
    condition     = !local.nothing_read_24h
    error_message = "Nothing was read from ${local.last_24h.since} to ${local.last_24h.until}: the API returned no usage record of the fleet in those 24 hours. That is not \"no runaway SIM\": the fleet was silent for a whole day, or the API key sees none of its SIMs."
  }
}

check "per_sim_limit" {
  assert {
    condition = length(local.sims_over_limit) == 0
    error_message = "SIMs over ${provider::onomondo::format_bytes(local.per_sim_limit, "si")} in ${var.month}: ${join(", ", [
      for id, bytes in local.sims_over_limit : "${id} (${provider::onomondo::format_bytes(bytes, "si")})"
    ])}."
  }
}

# A runaway SIM: more in one day than the 24-hour limit.
check "runaway_sims" {
  assert {
    condition = length(local.runaway_sims) == 0
    error_message = "SIMs over ${provider::onomondo::format_bytes(local.per_sim_24h_limit, "si")} in the 24 hours to ${local.last_24h.until}: ${join(", ", [
      for id, bytes in local.runaway_sims : "${id} (${provider::onomondo::format_bytes(bytes, "si")})"
    ])}."
  }
}

# The SIMs at their own data limit, as Onomondo applies it: blocked at the
# limit until it resets, or past the alert level (total - alert_threshold).
# Onomondo's usage-alert webhook tells of each as it happens; this is the
# list of them at the time of the check.
check "sims_within_their_own_limit" {
  assert {
    condition = length(local.sims_at_limit) == 0
    error_message = "SIMs at their own data limit: ${join(", ", [
      for id in local.sims_at_limit : "${lookup(local.sims.label_by_id, id, id)} (${contains(local.sims.blocked_ids, id) ? "blocked" : "alert"})"
    ])}."
  }
}

check "fleet_budget" {
  assert {
    condition     = local.fleet.total_bytes <= local.fleet_warning
    error_message = "The fleet used ${provider::onomondo::format_bytes(local.fleet.total_bytes, "si")} in ${var.month}, over ${provider::onomondo::format_bytes(local.fleet_warning, "si")} (the warning level)."
  }
}

# While the month runs: at the pace so far, the fleet passes its hard limit
# by the month's end. (Once the month has ended the hard stop itself says so.)
check "fleet_pace" {
  assert {
    condition     = !local.in_progress || local.projected_bytes <= local.fleet_limit
    error_message = "At the pace so far the fleet will use ${provider::onomondo::format_bytes(local.projected_bytes, "si")} in ${var.month}, over the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit, "si")} (${provider::onomondo::format_bytes(local.fleet.total_bytes, "si")} so far)."
  }
}
