# Monthly usage thresholds, evaluated at plan time, for example in a
# scheduled CI job:  terraform plan -detailed-exitcode -out=plan.out
terraform {
  # Provider functions (provider::onomondo::...) need Terraform 1.8 or later.
  required_version = ">= 1.8"

  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

# The API key comes from the ONOMONDO_API_KEY environment variable.
provider "onomondo" {}

variable "month" {
  description = "Month to check as YYYY-MM (UTC). Null: the month in which the plan runs."
  type        = string
  default     = null
}

locals {
  # plantimestamp() is the time of the plan, known at plan time and
  # stable within one run (timestamp() would be unknown until apply).
  month = coalesce(var.month, formatdate("YYYY-MM", plantimestamp()))
  # Whether the month has begun at the time of the plan: a month that has
  # not has no usage yet (see check_read.tf and check_pace.tf).
  month_begun = timecmp(plantimestamp(), "${local.month}-01T00:00:00Z") > 0

  fleet_warning = provider::onomondo::parse_bytes("2 GiB")   # a check warns above this
  fleet_limit   = provider::onomondo::parse_bytes("10 GiB")  # the plan fails above this
  per_sim_limit = provider::onomondo::parse_bytes("100 MiB") # a check warns for each SIM at or above this
}
