# The fleet's data limits as Onomondo applies them, from one request per
# 1000 SIMs: the SIMs it is alerting on (use past total - alert_threshold),
# those it has blocked (use at total, until the period resets), and the
# month-to-date of every SIM with a monthly limit.
data "onomondo_sims" "limits" {}

locals {
  sims = data.onomondo_sims.limits
  # Labels in messages; label_by_id has no entry for a SIM without one.
  blocked  = [for id in local.sims.blocked_ids : lookup(local.sims.label_by_id, id, id)]
  alerting = [for id in local.sims.alerting_ids : lookup(local.sims.label_by_id, id, id)]
}

check "no_sim_blocked_by_its_limit" {
  assert {
    condition     = length(local.blocked) == 0
    error_message = "Blocked by their data limit until it resets: ${join(", ", local.blocked)}."
  }
}

check "fleet_month_to_date" {
  # used_bytes_total counts only the SIMs with a monthly limit that report
  # their use: say so when some are left out.
  assert {
    condition     = length(local.sims.used_bytes_missing_ids) == 0
    error_message = "${length(local.sims.used_bytes_missing_ids)} SIM(s) have no monthly use reported (no limit, another period, or used null): the month-to-date leaves them out."
  }
  assert {
    condition     = local.sims.used_bytes_total < provider::onomondo::parse_bytes("5 GB")
    error_message = "The fleet used ${provider::onomondo::format_bytes(local.sims.used_bytes_total, "si")} this month."
  }
}

output "alerting_sims" {
  value = local.alerting
}

output "fleet_month_to_date_bytes" {
  value = local.sims.used_bytes_total
}
