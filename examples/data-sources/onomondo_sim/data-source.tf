# One SIM, by its 9-digit id (an ICCID works too).
data "onomondo_sim" "gateway" {
  sim_id = "000012345"

  lifecycle {
    # A hard stop when the SIM has used 90% of its own data limit. Guard the
    # nulls first: no limit (data_limit = null) or no reported use (used = null).
    postcondition {
      condition = self.data_limit == null ? true : (
        self.data_limit.used == null ? true : self.data_limit.used <= 0.9 * self.data_limit.total
      )
      error_message = "SIM ${coalesce(self.label, self.id)} has used 90% or more of its data limit."
    }
  }
}

output "gateway" {
  value = {
    label   = data.onomondo_sim.gateway.label
    online  = data.onomondo_sim.gateway.online
    country = data.onomondo_sim.gateway.network.country_code # null while offline
    tags    = [for t in data.onomondo_sim.gateway.tags : t.name]
  }
}
