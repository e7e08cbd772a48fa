# Usage of all SIMs this month.
data "onomondo_usage" "this" {
  time = formatdate("YYYY-MM", plantimestamp())
}

# Warn when the fleet used more than 500 MB (500,000,000 bytes) this month.
check "monthly_data_budget" {
  assert {
    condition     = data.onomondo_usage.this.total_bytes <= provider::onomondo::parse_bytes("500 MB")
    error_message = "The SIMs used ${provider::onomondo::format_bytes(data.onomondo_usage.this.total_bytes)} this month, more than the 500 MB budget."
  }
}

# Binary units are powers of 1024: "1.5 GiB" is 1610612736 bytes.
# Per-SIM limit: no SIM may use more than 1.5 GiB.
check "per_sim_limit" {
  assert {
    condition = alltrue([
      for sim, bytes in data.onomondo_usage.this.bytes_by_sim :
      bytes <= provider::onomondo::parse_bytes("1.5 GiB")
    ])
    error_message = "At least one SIM used more than 1.5 GiB this month."
  }
}

# Units are case-insensitive except the final "B": "500 mB" works,
# "500 Mb" is refused because a lower-case "b" means bits.
output "budget_bytes" {
  value = provider::onomondo::parse_bytes("500 MB") # 500000000
}
