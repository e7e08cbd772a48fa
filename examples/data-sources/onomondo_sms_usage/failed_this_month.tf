# Failed deliveries under 5% of this month's SMS. The month is read as its
# days up to today: one request per day, and one more per 1000 messages.
data "onomondo_sms_usage" "this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

locals {
  sms_this_month = data.onomondo_sms_usage.this_month.sms_count
  sms_failed     = lookup(data.onomondo_sms_usage.this_month.count_by_status, "failed", 0)
  # max(1, ...): a month without SMS has no failures, not a division by zero.
  sms_failed_percent = 100 * local.sms_failed / max(1, local.sms_this_month)
}

check "sms_failures_under_5_percent" {
  assert {
    condition     = local.sms_failed_percent < 5
    error_message = "${local.sms_failed} of ${local.sms_this_month} SMS failed this month (${format("%.1f", local.sms_failed_percent)}%), 5% or more."
  }
}

output "sms_failed_percent" {
  value = format("%.1f", local.sms_failed_percent)
}
