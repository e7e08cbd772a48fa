# A daily usage alarm for a large fleet, run as a scheduled CI plan
# (terraform plan -detailed-exitcode -out=plan.out). Provider functions
# need Terraform 1.8 or later; the API key comes from ONOMONDO_API_KEY.
terraform {
  required_version = ">= 1.8"
  required_providers {
    onomondo = { source = "onomondo/onomondo" }
  }
}

provider "onomondo" {}
