# A daily usage alarm for a large fleet, run as a scheduled CI plan:
#   terraform plan -detailed-exitcode -out=plan.out
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
