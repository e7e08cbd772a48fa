locals {
  month = formatdate("YYYY-MM", plantimestamp())
}

data "onomondo_usage" "this_month" {
  time            = local.month
  include_records = false
}

locals {
  # The month's usage so far, at the rate so far, to the end of the month.
  projected_bytes = provider::onomondo::project_bytes(
    data.onomondo_usage.this_month.total_bytes, local.month, plantimestamp()
  )
}

# Warn early: at this pace the fleet passes its 600 GB budget this month.
check "fleet_pace" {
  assert {
    condition     = local.projected_bytes <= provider::onomondo::parse_bytes("600 GB")
    error_message = "At this pace the fleet will use ${provider::onomondo::format_bytes(local.projected_bytes, "si")} in ${local.month}, over its 600 GB budget (${provider::onomondo::format_bytes(data.onomondo_usage.this_month.total_bytes, "si")} so far)."
  }
}

# A month that has ended projects to its usage unchanged; 10 days into a
# 30-day month, to three times the usage so far.
output "april_at_day_10" {
  value = provider::onomondo::project_bytes(1000, "2025-04", "2025-04-11T00:00:00Z") # 3000
}
