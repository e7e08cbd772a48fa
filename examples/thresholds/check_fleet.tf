# Warning: a failed check block is reported as a warning; the plan succeeds.
check "fleet_monthly_budget" {
  assert {
    condition     = data.onomondo_usage.fleet.total_bytes <= local.fleet_warning
    error_message = "The fleet used ${provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes)} in ${local.month}, more than the budget of ${provider::onomondo::format_bytes(local.fleet_warning)}."
  }
}
