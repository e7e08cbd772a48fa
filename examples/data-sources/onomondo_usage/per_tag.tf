# This month's usage per tag. tag_names keeps the usage of the SIMs carrying
# any of the tags (the provider reads GET /sims to find them) and sums each
# tag in bytes_by_tag_name. A name that no SIM carries fails the read and
# names the nearest tag names: a typo never reads as 0 bytes.
locals {
  month = formatdate("YYYY-MM", plantimestamp())
}

data "onomondo_usage" "production" {
  time            = local.month
  tag_names       = ["production"]
  include_records = false
}

check "production_monthly_budget" {
  assert {
    condition     = data.onomondo_usage.production.total_bytes < provider::onomondo::parse_bytes("2 GiB")
    error_message = "SIMs tagged production used ${provider::onomondo::format_bytes(data.onomondo_usage.production.total_bytes)} this month."
  }
}

# Every tag at once: the tag names come from onomondo_sims, so none can be
# misspelt. A SIM with two tags counts in both. (tag_names needs one name at
# least: in a fleet whose SIMs carry no tag, this read fails and says so.)
data "onomondo_sims" "all" {}

data "onomondo_usage" "every_tag" {
  time            = local.month
  tag_names       = keys(data.onomondo_sims.all.ids_by_tag_name)
  include_records = false
}

output "bytes_by_tag_this_month" {
  value = data.onomondo_usage.every_tag.bytes_by_tag_name
}
