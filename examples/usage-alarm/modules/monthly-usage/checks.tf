# Warnings: a check block whose assertion fails is reported as
# "Warning: Check block assertion failed"; the plan still succeeds.

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
    condition     = data.onomondo_usage.fleet.total_bytes <= local.fleet_warning
    error_message = "The fleet used ${provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes, "si")} in ${var.month}, over ${provider::onomondo::format_bytes(local.fleet_warning, "si")} (the warning level)."
  }
}
