# Totals of every SIM for the current month. include_records = false keeps
# only the totals and maps, so state stays small however large the fleet.
data "onomondo_usage" "fleet" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

# Every record of one SIM in Denmark on one day.
data "onomondo_usage" "sim_day" {
  sim_id       = "000012345"
  time         = "2025-03-01"
  country_code = "DK"
}

output "fleet_this_month" {
  value = {
    total = provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes)
    sims  = data.onomondo_usage.fleet.sim_count
    by_4g = lookup(data.onomondo_usage.fleet.bytes_by_network_type, "4G", 0)
  }
}
