# data.onomondo_sim_usage.gateway is the read of the example above.

# Hard stop: the plan fails (exit code 1) when the precondition is false.
output "gateway_total_bytes" {
  value = data.onomondo_sim_usage.gateway.total_bytes

  precondition {
    condition     = data.onomondo_sim_usage.gateway.total_bytes < provider::onomondo::parse_bytes("1 GiB")
    error_message = "SIM 000012345 used ${provider::onomondo::format_bytes(data.onomondo_sim_usage.gateway.total_bytes)} this month, 1 GiB or more."
  }
}
