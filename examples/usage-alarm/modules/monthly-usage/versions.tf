terraform {
  # Provider functions (provider::onomondo::...) need Terraform 1.8 or later.
  required_version = ">= 1.8"

  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}
