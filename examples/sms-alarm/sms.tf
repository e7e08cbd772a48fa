# SMS alarms for the scheduled CI plan: put this file beside the usage
# alarm's main.tf. Two reads: today's SMS (one request per 1000 messages),
# for a SIM stuck in a send loop, and this month's, read as its days (one
# request per day up to today), for failed deliveries.

variable "sms_per_sim_per_day" {
  description = "SMS one SIM may send and receive in a day before a warning."
  type        = number
  default     = 200
}

variable "sms_failed_percent_limit" {
  description = "Share of this month's SMS that may fail before the plan fails, in percent."
  type        = number
  default     = 5
}

data "onomondo_sms_usage" "sms_today" {
  day             = formatdate("YYYY-MM-DD", plantimestamp())
  include_records = false
}

data "onomondo_sms_usage" "sms_this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

locals {
  sims_in_an_sms_loop = {
    for id, n in data.onomondo_sms_usage.sms_today.count_by_sim : id => n if n > var.sms_per_sim_per_day
  }
  # A month without a single SMS read is not "no failures": a wrong API key
  # reads nothing too. The check below says so; the hard stop has nothing
  # to judge.
  sms_read_this_month = data.onomondo_sms_usage.sms_this_month.sms_count > 0
  sms_failed          = lookup(data.onomondo_sms_usage.sms_this_month.count_by_status, "failed", 0)
  # max(1, ...): no division by zero when nothing was read.
  sms_failed_percent = 100 * local.sms_failed / max(1, data.onomondo_sms_usage.sms_this_month.sms_count)
}

# A warning when nothing was read this month: check that the API key sees
# the fleet's SIMs (or leave sms.tf out if the fleet sends no SMS).
check "sms_this_month_was_read" {
  assert {
    condition     = local.sms_read_this_month
    error_message = "No SMS was read for ${data.onomondo_sms_usage.sms_this_month.time}: that is not \"no failed SMS\". Check that the API key sees the fleet's SIMs."
  }
}

# A warning: someone should look at these SIMs today.
check "sms_per_sim_today" {
  assert {
    condition     = length(local.sims_in_an_sms_loop) == 0
    error_message = "SIMs over ${var.sms_per_sim_per_day} SMS today: ${join(", ", [for id, n in local.sims_in_an_sms_loop : "${id} (${n})"])}."
  }
}

# A hard stop: the plan fails (exit code 1) when deliveries fail this often.
output "sms_failed_percent" {
  value = local.sms_read_this_month ? format("%.1f", local.sms_failed_percent) : "nothing read"

  precondition {
    condition     = !local.sms_read_this_month || local.sms_failed_percent < var.sms_failed_percent_limit
    error_message = "${local.sms_failed} of ${data.onomondo_sms_usage.sms_this_month.sms_count} SMS failed this month (${format("%.1f", local.sms_failed_percent)}%), ${var.sms_failed_percent_limit}% or more."
  }
}

output "sims_in_an_sms_loop" {
  value = local.sims_in_an_sms_loop
}
