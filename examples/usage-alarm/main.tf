# A monthly usage alarm, run as a scheduled `terraform plan` in CI:
#
#   terraform init
#   terraform plan -detailed-exitcode -out=plan.out
#
# It reads nothing but usage and changes nothing. The API key comes from the
# ONOMONDO_API_KEY environment variable (from the CI secret store).
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

variable "per_sim_limit" {
  description = "Data one SIM may use in a month."
  type        = string
  default     = "500 MB"
}

variable "fleet_warning" {
  description = "Fleet usage in a month that raises a warning."
  type        = string
  default     = "480 GB"
}

variable "fleet_limit" {
  description = "Fleet usage in a month that fails the plan."
  type        = string
  default     = "600 GB"
}

module "usage" {
  source = "./modules/monthly-usage"

  # plantimestamp() is the time of the plan, known while planning.
  # timestamp() would be known only at apply: the read would move to apply
  # and the plan would check nothing.
  month = coalesce(var.month, formatdate("YYYY-MM", plantimestamp()))

  per_sim_limit = var.per_sim_limit
  fleet_warning = var.fleet_warning
  fleet_limit   = var.fleet_limit
}

output "fleet_total" {
  value = module.usage.fleet_total
}

output "sims_over_limit" {
  value = module.usage.sims_over_limit
}
