# One read of the whole fleet for the month: every SIM's total is in
# bytes_by_sim, so one read checks any number of SIMs. include_records =
# false keeps only the totals and maps, so state and plan stay small.
data "onomondo_usage" "fleet" {
  time            = var.month
  include_records = false
}

locals {
  per_sim_limit = provider::onomondo::parse_bytes(var.per_sim_limit)
  fleet_warning = provider::onomondo::parse_bytes(var.fleet_warning)
  fleet_limit   = provider::onomondo::parse_bytes(var.fleet_limit)

  # SIM id => bytes, for every SIM above the per-SIM limit.
  sims_over_limit = {
    for id, bytes in data.onomondo_usage.fleet.bytes_by_sim : id => bytes if bytes > local.per_sim_limit
  }
}
