data "onomondo_usage" "this" {
  time = formatdate("YYYY-MM", plantimestamp())
}

# "476.84 MiB" for 500000000 bytes.
output "usage_this_month" {
  value = provider::onomondo::format_bytes(data.onomondo_usage.this.total_bytes)
}

# Negative values keep their sign, so an overrun shows as e.g. "-12.00 MiB".
output "remaining_allowance" {
  value = provider::onomondo::format_bytes(
    provider::onomondo::parse_bytes("1 GiB") - data.onomondo_usage.this.total_bytes
  )
}

# Fractions are refused: round an average with floor() or ceil() first.
output "average_per_sim" {
  value = provider::onomondo::format_bytes(
    floor(data.onomondo_usage.this.total_bytes / max(data.onomondo_usage.this.sim_count, 1))
  )
}

# Contracts are written in decimal units: "si" prints "600.00 GB" for a 600 GB
# budget, where the default binary units would print "558.79 GiB".
output "fleet_budget" {
  value = provider::onomondo::format_bytes(provider::onomondo::parse_bytes("600 GB"), "si")
}
