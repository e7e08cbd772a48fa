# Per SIM: bytes_by_sim maps each 9-digit SIM id to its bytes in the month,
# so one fleet read checks every SIM.
check "per_sim_monthly_limit" {
  assert {
    condition = alltrue([
      for id, b in data.onomondo_usage.fleet.bytes_by_sim : b < local.per_sim_limit
    ])
    error_message = "SIMs at or above ${provider::onomondo::format_bytes(local.per_sim_limit)} in ${local.month}: ${join(", ", [
      for id, b in data.onomondo_usage.fleet.bytes_by_sim : "${id} (${provider::onomondo::format_bytes(b)})" if b >= local.per_sim_limit
    ])}."
  }
}
