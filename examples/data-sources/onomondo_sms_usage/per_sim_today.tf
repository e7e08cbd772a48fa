# No SIM sent more than 200 SMS today: a device stuck in a send loop shows
# within the day. One read of the fleet; count_by_sim counts each SIM's
# messages of both directions.
locals {
  sms_per_sim_limit = 200
}

data "onomondo_sms_usage" "today" {
  day             = formatdate("YYYY-MM-DD", plantimestamp())
  include_records = false
}

check "no_sim_in_an_sms_loop" {
  assert {
    condition     = alltrue([for id, n in data.onomondo_sms_usage.today.count_by_sim : n <= local.sms_per_sim_limit])
    error_message = "SIMs over ${local.sms_per_sim_limit} SMS today: ${join(", ", [for id, n in data.onomondo_sms_usage.today.count_by_sim : "${id} (${n})" if n > local.sms_per_sim_limit])}."
  }
}

output "sims_over_sms_limit_today" {
  value = { for id, n in data.onomondo_sms_usage.today.count_by_sim : id => n if n > local.sms_per_sim_limit }
}
