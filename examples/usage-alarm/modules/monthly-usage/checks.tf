# Warnings: a check block whose assertion fails is reported as
# "Warning: Check block assertion failed"; the plan still succeeds.

# Nothing was read: its own check and message, so that a month without a
# single usage record never passes as "under the limit".
check "usage_was_read" {
  assert {
    condition = !local.nothing_read
    error_message = local.begun ? "Nothing was read for ${var.month}: the API returned no usage record of the fleet in that month. That is not \"under the limit\": check the month, and that the API key sees the fleet's SIMs." : (
      "Nothing was read for ${var.month}: the month has not begun at ${var.at}, so it has no usage yet."
    )
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
