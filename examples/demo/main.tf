# The offline demo: `make demo` (scripts/demo.sh) builds the provider, starts
# the fake Onomondo API on loopback and applies this configuration against
# it. ONOMONDO_API_KEY and ONOMONDO_BASE_URL come from the script; against
# the real API only the key is needed.

terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

provider "onomondo" {}

variable "month" {
  description = "Month to report, YYYY-MM. The fake API's fleet has usage from 2025-01 to 2025-04, and its SIMs' data limits count 2025-04, its current month; against the real API use formatdate(\"YYYY-MM\", plantimestamp())."
  type        = string
  default     = "2025-04"
}

variable "sim_id" {
  description = "A SIM of the fake fleet (tracker-02)."
  type        = string
  default     = "000005840"
}

variable "tag_id" {
  description = "A tag of the fake fleet (cold-chain)."
  type        = string
  default     = "0b95f66d-327e-4d78-8706-1b1b93322ba9"
}

variable "sms_day" {
  description = "A day of the fake fleet's SMS log, YYYY-MM-DD: on 2025-03-22 one SIM is stuck in a send loop. Against the real API use formatdate(\"YYYY-MM-DD\", plantimestamp())."
  type        = string
  default     = "2025-03-22"
}

variable "sms_per_sim_limit" {
  description = "The most SMS one SIM may send and receive in a day."
  type        = number
  default     = 200
}

variable "day_end" {
  description = "End of the 24 hours checked for runaway SIMs, RFC 3339. The fake fleet's usage ends on 2025-04-30; against the real API use plantimestamp()."
  type        = string
  default     = "2025-05-01T00:00:00Z"
}

variable "per_sim_24h_limit_bytes" {
  description = "Most data one SIM may use in 24 hours, in bytes (8 MB)."
  type        = number
  default     = 8000000
}

variable "per_sim_limit_bytes" {
  description = "Monthly data budget of one SIM, in bytes (150 MB)."
  type        = number
  default     = 150000000
}

# Every SIM's usage of the month, summed across all pages. Only the totals
# are kept: state stays small however large the fleet.
data "onomondo_usage" "fleet" {
  time            = var.month
  include_records = false
}

# One SIM's usage of the month, by SIM id (an ICCID works too).
data "onomondo_sim_usage" "tracker" {
  sim_id          = var.sim_id
  time            = var.month
  include_records = false
}

# The total of every SIM carrying a tag, over whatever period the API counts
# (the endpoint takes no time filter).
data "onomondo_tag_usage" "cold_chain" {
  tag_id = var.tag_id
}

# Every SIM's SMS of one day, counted: one request per 1000 messages.
data "onomondo_sms_usage" "day" {
  day             = var.sms_day
  include_records = false
}

# Every SIM with its label, tags and data limit as Onomondo applies it
# (percent_used, state; alerting_ids, blocked_ids) and the month-to-date of
# the SIMs with a monthly limit (used_bytes_total): one request per 1000 SIMs.
data "onomondo_sims" "fleet" {}

# The month's usage per tag, in one read: the provider finds each tag's SIMs
# (GET /sims) and sums their usage. A tag no SIM carries would be an error,
# never 0 bytes.
data "onomondo_usage" "by_tag" {
  time            = var.month
  tag_names       = keys(data.onomondo_sims.fleet.ids_by_tag_name)
  include_records = false
}

# The 24 hours before day_end, exactly: read as the days that cover them, with
# hourly records (a quarter of the pages), counted by their start time.
data "onomondo_usage" "last_24h" {
  since           = timeadd(var.day_end, "-24h")
  until           = var.day_end
  group           = "hours"
  include_records = false
}

locals {
  # SIMs over 90% of their own data limit. A SIM without a limit, or whose
  # use the API does not report, has no percent_used and is not "over".
  over_90_percent = [
    for s in data.onomondo_sims.fleet.sims : s
    if coalesce(try(s.data_limit.percent_used, null), 0) > 90
  ]
  labels = data.onomondo_sims.fleet.label_by_id
}

# A warning naming the SIMs that used more than the 24-hour limit: a runaway
# device shows here a day after it starts, not at the end of the month.
check "runaway_sims" {
  assert {
    condition     = alltrue([for id, b in data.onomondo_usage.last_24h.bytes_by_sim : b <= var.per_sim_24h_limit_bytes])
    error_message = "SIMs over ${provider::onomondo::format_bytes(var.per_sim_24h_limit_bytes, "si")} in the 24 hours before ${var.day_end}: ${join(", ", [for id, b in data.onomondo_usage.last_24h.bytes_by_sim : "${try(local.labels[id], id)} (${provider::onomondo::format_bytes(b, "si")})" if b > var.per_sim_24h_limit_bytes])}."
  }
}

# A warning naming the SIMs Onomondo alerts on or has blocked: used above
# total - alert_threshold, or at the limit itself.
check "sims_at_their_own_limit" {
  assert {
    condition     = length(data.onomondo_sims.fleet.alerting_ids) + length(data.onomondo_sims.fleet.blocked_ids) == 0
    error_message = "Blocked at their data limit: ${join(", ", [for id in data.onomondo_sims.fleet.blocked_ids : try(local.labels[id], id)])}. Past their alert threshold: ${join(", ", [for id in data.onomondo_sims.fleet.alerting_ids : try(local.labels[id], id)])}."
  }
}

# A warning, not a failure, when any SIM went over its monthly budget.
check "per_sim_budget" {
  assert {
    condition     = alltrue([for id, b in data.onomondo_usage.fleet.bytes_by_sim : b <= var.per_sim_limit_bytes])
    error_message = "SIMs over ${var.per_sim_limit_bytes} bytes in ${var.month}: ${join(", ", [for id, b in data.onomondo_usage.fleet.bytes_by_sim : try(local.labels[id], id) if b > var.per_sim_limit_bytes])}."
  }
}

# A warning naming the SIMs, by label, that used more than 90% of their own
# data limit.
check "sims_within_their_data_limit" {
  assert {
    condition = length(local.over_90_percent) == 0
    error_message = "SIMs over 90% of their data limit: ${join(", ", [
      for s in local.over_90_percent :
      "${coalesce(s.label, s.id)} (${format("%.1f", s.data_limit.percent_used)}%: ${provider::onomondo::format_bytes(s.data_limit.used)} of ${provider::onomondo::format_bytes(s.data_limit.total)})"
    ])}."
  }
}

# A warning naming the SIMs, by label, over the SMS limit of the day: a
# device stuck in a send loop.
check "sms_per_sim" {
  assert {
    condition     = alltrue([for id, n in data.onomondo_sms_usage.day.count_by_sim : n <= var.sms_per_sim_limit])
    error_message = "SIMs over ${var.sms_per_sim_limit} SMS on ${var.sms_day}: ${join(", ", [for id, n in data.onomondo_sms_usage.day.count_by_sim : "${try(local.labels[id], id)} (${n})" if n > var.sms_per_sim_limit])}."
  }
}

output "fleet_total_bytes" {
  value = data.onomondo_usage.fleet.total_bytes
}

output "fleet_record_count" {
  value = data.onomondo_usage.fleet.record_count
}

output "fleet_sim_count" {
  value = data.onomondo_usage.fleet.sim_count
}

output "fleet_bytes_by_country" {
  value = data.onomondo_usage.fleet.bytes_by_country
}

output "fleet_bytes_by_network_type" {
  value = data.onomondo_usage.fleet.bytes_by_network_type
}

output "sims_over_budget" {
  value = sort([for id, b in data.onomondo_usage.fleet.bytes_by_sim : try(local.labels[id], id) if b > var.per_sim_limit_bytes])
}

output "fleet_bytes_by_tag" {
  value = data.onomondo_usage.by_tag.bytes_by_tag_name
}

output "fleet_month_to_date_bytes" {
  description = "The current period's use of every SIM with a monthly limit, from the SIM list alone."
  value       = data.onomondo_sims.fleet.used_bytes_total
}

output "runaway_sims_last_24h" {
  value = { for id, b in data.onomondo_usage.last_24h.bytes_by_sim : try(local.labels[id], id) => provider::onomondo::format_bytes(b, "si") if b > var.per_sim_24h_limit_bytes }
}

output "biggest_sims_last_24h" {
  value = [for e in provider::onomondo::top(data.onomondo_usage.last_24h.bytes_by_sim, 3) : "${try(local.labels[e.key], e.key)}: ${provider::onomondo::format_bytes(e.value, "si")}"]
}

output "sims_over_90_percent_of_data_limit" {
  value = { for s in local.over_90_percent : coalesce(s.label, s.id) => "${provider::onomondo::format_bytes(s.data_limit.used)} of ${provider::onomondo::format_bytes(s.data_limit.total)}" }
}

output "tracker_total_bytes" {
  value = data.onomondo_sim_usage.tracker.total_bytes
}

output "tracker_iccid" {
  value = data.onomondo_sim_usage.tracker.iccid
}

output "cold_chain_tag_total_bytes" {
  value = data.onomondo_tag_usage.cold_chain.total_bytes
}

output "sms_day_count" {
  value = data.onomondo_sms_usage.day.sms_count
}

output "sms_day_by_status" {
  value = data.onomondo_sms_usage.day.count_by_status
}

output "sims_over_sms_limit" {
  value = { for id, n in data.onomondo_sms_usage.day.count_by_sim : try(local.labels[id], id) => n if n > var.sms_per_sim_limit }
}
