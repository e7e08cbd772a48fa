# Nothing read is not "under the limit": a fleet read of a month with no
# usage record at all passes every threshold above with 0 bytes. For a
# month that has begun that means a wrong month, or an API key that sees
# none of the fleet's SIMs; for a month that has not begun, that it has no
# usage yet. Either way nothing was checked: say so, in its own check.
# (A read of one SIM or one country may well be empty in a quiet month;
# this is for reads of the whole fleet.)
check "fleet_usage_was_read" {
  assert {
    condition     = data.onomondo_usage.fleet.record_count > 0
    error_message = local.month_begun ? "Nothing was read for ${local.month}: the API returned no usage record of the fleet. That is not \"under the limit\": check the month, and that the API key sees the fleet's SIMs." : "Nothing was read for ${local.month}: the month has not begun."
  }
}
