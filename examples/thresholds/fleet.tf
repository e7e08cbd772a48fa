# One read of the whole fleet for the month. include_records = false keeps
# only the totals and the per-SIM, per-country and per-network maps.
data "onomondo_usage" "fleet" {
  time            = local.month
  include_records = false
}
