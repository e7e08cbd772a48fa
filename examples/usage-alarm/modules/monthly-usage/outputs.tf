# The hard stop: an output precondition. When it fails, the plan fails
# (terraform plan exits with 1), and every check above still reports its
# own result. A postcondition on the data source would stop the plan too,
# but it leaves every other check on the read "unknown" and drops the
# outputs from the plan.
output "fleet_total_bytes" {
  description = "Bytes the fleet used in the month."
  value       = data.onomondo_usage.fleet.total_bytes

  precondition {
    condition     = data.onomondo_usage.fleet.total_bytes <= local.fleet_limit
    error_message = "The fleet used ${provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes, "si")} in ${var.month}, over the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit, "si")}."
  }
}

output "fleet_total" {
  description = "The fleet's usage in the month, readable."
  value       = provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes, "si")
}

output "sims_over_limit" {
  description = "SIM id => bytes, for every SIM over the per-SIM limit."
  value       = local.sims_over_limit
}
