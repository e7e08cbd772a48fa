# A monthly total for a group of SIMs that is not a tag (for a tag, use
# onomondo_usage's tag_names): sum their entries of bytes_by_sim from one
# fleet read. A SIM without usage in the month has no entry, hence the
# default of try(). (An index in try() costs one entry; lookup() inside a
# loop over many SIMs costs the whole map each time.)
locals {
  production_sims = ["000005835", "000005840", "000005860"]
}

data "onomondo_usage" "this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

output "production_sims_this_month" {
  value = provider::onomondo::format_bytes(sum([
    for id in local.production_sims : try(data.onomondo_usage.this_month.bytes_by_sim[id], 0)
  ]))
}
