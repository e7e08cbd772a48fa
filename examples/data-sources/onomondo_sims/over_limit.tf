# SIMs over 90% of their own data limit, from onomondo_sims alone: each SIM's
# data_limit carries its limit and its use in the current period, so no
# usage pages are read.
data "onomondo_sims" "fleet" {}

locals {
  # A SIM without a limit has data_limit = null, and percent_used is null
  # when the API does not report used. A conditional evaluates only the
  # branch it picks, so the comparison never sees null (`&&` would evaluate
  # both sides).
  over_90_percent = [
    for s in data.onomondo_sims.fleet.sims : s
    if s.data_limit == null ? false : (s.data_limit.percent_used == null ? false : s.data_limit.percent_used > 90)
  ]
}

check "sims_within_their_data_limit" {
  assert {
    condition = length(local.over_90_percent) == 0
    # The label names the SIM; coalesce() falls back to the id without one.
    error_message = "SIMs over 90% of their data limit: ${join(", ", [
      for s in local.over_90_percent :
      "${coalesce(s.label, s.id)} (${provider::onomondo::format_bytes(s.data_limit.used)} of ${provider::onomondo::format_bytes(s.data_limit.total)})"
    ])}."
  }
}

output "sims_over_90_percent" {
  value = { for s in local.over_90_percent : coalesce(s.label, s.id) => floor(s.data_limit.percent_used) }
}
