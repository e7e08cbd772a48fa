# This month's usage per tag: onomondo_sims says which SIMs carry each tag,
# onomondo_usage how much each SIM used this month. Two reads, whatever the
# number of tags and SIMs.
data "onomondo_sims" "all" {}

data "onomondo_usage" "this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

locals {
  # A SIM that used nothing this month has no entry in bytes_by_sim, hence
  # lookup(..., 0); concat([0], ...) because sum() of an empty list is an
  # error.
  bytes_by_tag = {
    for name, ids in data.onomondo_sims.all.ids_by_tag_name :
    name => sum(concat([0], [for id in ids : lookup(data.onomondo_usage.this_month.bytes_by_sim, id, 0)]))
  }

  # One tag by name. A tag no SIM carries has no entry in ids_by_tag_name,
  # hence lookup(..., []): its total is then 0.
  production_ids = lookup(data.onomondo_sims.all.ids_by_tag_name, "production", [])
  production_bytes = sum(concat([0], [
    for id in local.production_ids : lookup(data.onomondo_usage.this_month.bytes_by_sim, id, 0)
  ]))
}

# A misspelt tag ("Production") has no entry either, and would read as 0
# bytes: under any budget. Nothing was read for it, which is not quiet.
check "production_tag_exists" {
  assert {
    condition     = contains(keys(data.onomondo_sims.all.ids_by_tag_name), "production")
    error_message = "No SIM carries the tag \"production\", so nothing was read for it (tags: ${join(", ", keys(data.onomondo_sims.all.ids_by_tag_name))})."
  }
}

check "production_monthly_budget" {
  assert {
    condition = local.production_bytes < provider::onomondo::parse_bytes("2 GiB")
    # Labels, not ids, in the message: label_by_id falls back to the id.
    error_message = "SIMs tagged production used ${provider::onomondo::format_bytes(local.production_bytes)} this month: ${join(", ", [
      for id in local.production_ids :
      "${lookup(data.onomondo_sims.all.label_by_id, id, id)} ${provider::onomondo::format_bytes(lookup(data.onomondo_usage.this_month.bytes_by_sim, id, 0))}"
    ])}."
  }
}

output "bytes_by_tag_this_month" {
  value = local.bytes_by_tag
}
