data "onomondo_usage" "this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}

data "onomondo_sims" "all" {}

# The 10 SIMs that used the most data this month, largest first, named by
# their labels (label_by_id has no entry for a SIM without one: the id).
output "biggest_sims" {
  value = [
    for e in provider::onomondo::top(data.onomondo_usage.this_month.bytes_by_sim, 10) :
    "${lookup(data.onomondo_sims.all.label_by_id, e.key, e.key)}: ${provider::onomondo::format_bytes(e.value, "si")}"
  ]
}

# Entries with equal values come in the order of their keys:
# [{key = "a", value = 5}, {key = "b", value = 5}]
output "ties" {
  value = provider::onomondo::top({ b = 5, a = 5, c = 1 }, 2)
}
