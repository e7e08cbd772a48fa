# Runaway SIMs: any SIM that used more than 10 MB in the 24 hours before the
# plan. since/until make an exact window; records count by their start time.
# group = "hours" reads one record per SIM and hour instead of one per
# ~15-minute chunk (about a quarter of the pages); the window then counts
# the hours that start in it.
data "onomondo_usage" "last_24h" {
  since           = timeadd(plantimestamp(), "-24h")
  group           = "hours"
  include_records = false
}

locals {
  runaway = {
    for id, b in data.onomondo_usage.last_24h.bytes_by_sim : id => b
    if b > provider::onomondo::parse_bytes("10 MB")
  }
}

check "no_runaway_sims" {
  assert {
    condition = length(local.runaway) == 0
    error_message = "SIMs over 10 MB in the last 24 hours: ${join(", ", [
      for id, b in local.runaway : "${id} (${provider::onomondo::format_bytes(b, "si")})"
    ])}."
  }
}

output "runaway_sims" {
  value = local.runaway
}
