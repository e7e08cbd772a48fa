# The offline demo: `make demo` (scripts/demo.sh) builds the provider, starts
# the fake Onomondo API on loopback and applies this configuration against
# it. ONOMONDO_API_KEY and ONOMONDO_BASE_URL come from the script; against
# the real API only the key is needed.

terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

provider "onomondo" {}

variable "month" {
  description = "Month to report, YYYY-MM. The fake API's fleet has usage from 2025-01 to 2025-04; against the real API use formatdate(\"YYYY-MM\", plantimestamp())."
  type        = string
  default     = "2025-03"
}

variable "sim_id" {
  description = "A SIM of the fake fleet (tracker-02)."
  type        = string
  default     = "000005840"
}

variable "tag_id" {
  description = "A tag of the fake fleet (cold-chain)."
  type        = string
  default     = "0b95f66d-327e-4d78-8706-1b1b93322ba9"
}

variable "per_sim_limit_bytes" {
  description = "Monthly data budget of one SIM, in bytes (150 MB)."
  type        = number
  default     = 150000000
}

# Every SIM's usage of the month, summed across all pages. Only the totals
# are kept: state stays small however large the fleet.
data "onomondo_usage" "fleet" {
  time            = var.month
  include_records = false
}

# One SIM's usage of the month, by SIM id (an ICCID works too).
data "onomondo_sim_usage" "tracker" {
  sim_id          = var.sim_id
  time            = var.month
  include_records = false
}

# The total of every SIM carrying a tag, over whatever period the API counts
# (the endpoint takes no time filter).
data "onomondo_tag_usage" "cold_chain" {
  tag_id = var.tag_id
}

# A warning, not a failure, when any SIM went over its monthly budget.
check "per_sim_budget" {
  assert {
    condition     = alltrue([for id, b in data.onomondo_usage.fleet.bytes_by_sim : b <= var.per_sim_limit_bytes])
    error_message = "SIMs over ${var.per_sim_limit_bytes} bytes in ${var.month}: ${join(", ", [for id, b in data.onomondo_usage.fleet.bytes_by_sim : id if b > var.per_sim_limit_bytes])}."
  }
}

output "fleet_total_bytes" {
  value = data.onomondo_usage.fleet.total_bytes
}

output "fleet_record_count" {
  value = data.onomondo_usage.fleet.record_count
}

output "fleet_sim_count" {
  value = data.onomondo_usage.fleet.sim_count
}

output "fleet_bytes_by_country" {
  value = data.onomondo_usage.fleet.bytes_by_country
}

output "fleet_bytes_by_network_type" {
  value = data.onomondo_usage.fleet.bytes_by_network_type
}

output "sims_over_budget" {
  value = sort([for id, b in data.onomondo_usage.fleet.bytes_by_sim : id if b > var.per_sim_limit_bytes])
}

output "tracker_total_bytes" {
  value = data.onomondo_sim_usage.tracker.total_bytes
}

output "tracker_iccid" {
  value = data.onomondo_sim_usage.tracker.iccid
}

output "cold_chain_tag_total_bytes" {
  value = data.onomondo_tag_usage.cold_chain.total_bytes
}
