# The pace: this month's usage so far, projected to the end of the month at
# the rate so far (the usage itself once the month has ended). A month
# that has not begun has nothing to project (project_bytes refuses it), so
# the projection is made only once it has begun.
locals {
  projected_bytes = local.month_begun ? provider::onomondo::project_bytes(
    data.onomondo_usage.fleet.total_bytes, local.month, plantimestamp()
  ) : 0
}

check "fleet_monthly_pace" {
  assert {
    condition     = local.projected_bytes <= local.fleet_limit
    error_message = "At the pace so far the fleet will use ${provider::onomondo::format_bytes(local.projected_bytes)} in ${local.month}, more than the hard limit of ${provider::onomondo::format_bytes(local.fleet_limit)} (${provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes)} so far)."
  }
}
