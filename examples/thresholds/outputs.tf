output "month" {
  value = local.month
}

output "fleet_total" {
  value = provider::onomondo::format_bytes(data.onomondo_usage.fleet.total_bytes)
}

# SIM id => bytes, for the SIMs at or above the per-SIM limit.
output "sims_over_limit" {
  value = {
    for id, b in data.onomondo_usage.fleet.bytes_by_sim : id => b if b >= local.per_sim_limit
  }
}

# The 10 SIMs that used the most, largest first (ties by id).
output "biggest_sims" {
  value = [
    for e in provider::onomondo::top(data.onomondo_usage.fleet.bytes_by_sim, 10) :
    "${e.key}: ${provider::onomondo::format_bytes(e.value)}"
  ]
}
