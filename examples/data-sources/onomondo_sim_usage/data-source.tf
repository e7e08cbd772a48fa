# One SIM this month, by its 9-digit id (an ICCID works too), totals only.
data "onomondo_sim_usage" "gateway" {
  sim_id          = "000012345"
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

# A SIM by its ICCID, grouped by hour, for one day.
data "onomondo_sim_usage" "gateway_hourly" {
  sim_id = "89457300000012345678"
  time   = "2025-03-01"
  group  = "hours"
}

output "gateway_this_month" {
  value = provider::onomondo::format_bytes(data.onomondo_sim_usage.gateway.total_bytes)
}

output "gateway_busiest_hour_bytes" {
  value = max(0, [for r in data.onomondo_sim_usage.gateway_hourly.records : coalesce(r.bytes, 0)]...)
}
