# Every SIM's SMS today, counts only: one request per 1000 messages.
data "onomondo_sms_usage" "fleet_today" {
  day             = formatdate("YYYY-MM-DD", plantimestamp())
  include_records = false
}

# One SIM over the last 24 hours (two UTC days read), with its messages.
data "onomondo_sms_usage" "gateway_24h" {
  sim_id = "000012345"
  since  = timeadd(plantimestamp(), "-24h")
}

output "sms_today" {
  value = data.onomondo_sms_usage.fleet_today.sms_count
}

output "gateway_undelivered_24h" {
  value = [for m in data.onomondo_sms_usage.gateway_24h.records : "${m.time} ${m.direction} ${m.status}" if m.status != "success"]
}
