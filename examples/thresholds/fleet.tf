# One read of the whole fleet for the month. include_records = false keeps
# only the totals and the per-SIM, per-country and per-network maps.
data "onomondo_usage" "fleet" {
  time            = local.month
  include_records = false

  lifecycle {
    # Hard stop: a failed postcondition is an error, so the plan fails.
    postcondition {
      condition     = self.total_bytes <= local.fleet_limit
      error_message = "The fleet used ${provider::onomondo::format_bytes(self.total_bytes)} in ${local.month}, more than the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit)}."
    }
  }
}
