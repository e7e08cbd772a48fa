# A usage alarm (this month's budgets, the last 24 hours' runaway SIMs,
# each SIM's own data limit), run as a scheduled `terraform plan` in CI:
#
#   terraform init
#   ./usage-alarm.sh
#
# It reads nothing but usage and SIMs and changes nothing. The API key comes
# from the ONOMONDO_API_KEY environment variable (from the CI secret store);
# the limits from limits.json, which an OPA policy can read as well.
terraform {
  # Provider functions (provider::onomondo::...) need Terraform 1.8 or later.
  required_version = ">= 1.8"

  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

provider "onomondo" {}

variable "month" {
  description = "Month to check as YYYY-MM (UTC). Null: the month in which the plan runs."
  type        = string
  default     = null
}

variable "limits_file" {
  description = "The limits, in bytes, as JSON: {\"onomondo_limits\": {\"per_sim_bytes\": ..., \"per_sim_24h_bytes\": ..., \"fleet_warning_bytes\": ..., \"fleet_bytes\": ...}}. Relative to the working directory."
  type        = string
  default     = "limits.json"
}

locals {
  # One file for Terraform and for the policy engine, so the two cannot
  # disagree about a limit.
  limits = jsondecode(file(var.limits_file)).onomondo_limits
}

module "usage" {
  source = "./modules/monthly-usage"

  # plantimestamp() is the time of the plan, known while planning.
  # timestamp() would be known only at apply: the read would move to apply
  # and the plan would check nothing.
  month = coalesce(var.month, formatdate("YYYY-MM", plantimestamp()))
  at    = plantimestamp()

  per_sim_limit     = local.limits.per_sim_bytes
  per_sim_24h_limit = local.limits.per_sim_24h_bytes
  fleet_warning     = local.limits.fleet_warning_bytes
  fleet_limit       = local.limits.fleet_bytes
}

output "fleet_total" {
  value = module.usage.fleet_total
}

output "sims_over_limit" {
  value = module.usage.sims_over_limit
}

# Read by usage-alarm.sh for the Markdown summary.
output "summary" {
  value = module.usage.summary
}
