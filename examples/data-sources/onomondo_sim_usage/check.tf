# A check block can hold its own data source. If that read fails (a 404 for an
# unknown SIM, a 403 for a SIM outside the API key's tags), Terraform reports
# a warning instead of failing the plan.
check "gateway_monthly_limit" {
  data "onomondo_sim_usage" "gateway_this_month" {
    sim_id          = "000012345"
    time            = formatdate("YYYY-MM", plantimestamp())
    include_records = false
  }

  assert {
    condition     = data.onomondo_sim_usage.gateway_this_month.total_bytes < provider::onomondo::parse_bytes("500 MiB")
    error_message = "SIM 000012345 used ${provider::onomondo::format_bytes(data.onomondo_sim_usage.gateway_this_month.total_bytes)} this month, 500 MiB or more."
  }
}
