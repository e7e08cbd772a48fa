# Every SIM of the organisation (one request per 1000 SIMs).
data "onomondo_sims" "all" {}

# Only the activated SIMs that are offline now (API filters).
data "onomondo_sims" "offline" {
  online    = false
  activated = true
}

# Only the SIMs carrying either tag (applied by the provider).
data "onomondo_sims" "cold_chain" {
  tag_names = ["cold-chain", "cold-chain-eu"]
}

output "sim_count" {
  value = data.onomondo_sims.all.sim_count
}

# Offline SIMs by the names people know them by. label_by_id has no entry for
# a SIM without a label: fall back to its id.
output "offline_sims" {
  value = sort([for s in data.onomondo_sims.offline.sims : try(data.onomondo_sims.all.label_by_id[s.id], s.id)])
}

# The SIMs of a tag; a tag no SIM carries has no entry, hence the default.
output "cold_chain_sim_ids" {
  value = lookup(data.onomondo_sims.all.ids_by_tag_name, "cold-chain", [])
}

# Where each online SIM is now. network's attributes are null while a SIM is
# offline, and online may be null if the API leaves it out: compare with true.
output "online_countries" {
  value = { for s in data.onomondo_sims.cold_chain.sims : s.id => s.network.country_code if s.online == true }
}
