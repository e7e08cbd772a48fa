# One SIM, by its 9-digit id (an ICCID works too).
data "onomondo_sim" "gateway" {
  sim_id = "000012345"
}

locals {
  gateway = data.onomondo_sim.gateway
}

# A hard stop when the SIM has used more than 90% of its own data limit: the
# plan fails with this message. Guard the nulls first: a SIM without a limit
# (data_limit = null) or without a reported use (percent_used = null)
# passes here.
output "gateway_data_limit" {
  value = local.gateway.data_limit

  precondition {
    condition = local.gateway.data_limit == null ? true : (
      local.gateway.data_limit.percent_used == null ? true : local.gateway.data_limit.percent_used <= 90
    )
    error_message = "SIM ${coalesce(local.gateway.label, local.gateway.id)} has used more than 90% of its data limit."
  }
}

output "gateway" {
  value = {
    label   = local.gateway.label
    online  = local.gateway.online
    country = local.gateway.network.country_code # null while offline
    tags    = [for t in local.gateway.tags : t.name]
  }
}
