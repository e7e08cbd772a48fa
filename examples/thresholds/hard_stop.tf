# Hard stop: a failed output precondition is an error, so the plan fails
# (terraform plan exits with 1). Every check block still reports its own
# result, and the other outputs stay in the plan. (A postcondition on the
# data source would fail the plan too, but leave every check on the read
# "unknown" and drop the outputs.)
output "fleet_total_bytes" {
  value = data.onomondo_usage.fleet.total_bytes

  precondition {
    condition     = data.onomondo_usage.fleet.total_bytes <= local.fleet_limit
    error_message = "The fleet used ${provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes)} in ${local.month}, more than the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit)}."
  }
}
