# Unit tests of the thresholds, offline: `terraform test` in this folder
# (Terraform 1.7 or later). mock_provider stands in for the onomondo
# provider, so the tests need no API key and send no request, and
# override_data gives the fleet read the usage each run needs.

mock_provider "onomondo" {}

variables {
  month         = "2025-03"
  per_sim_limit = "500 MB"
  fleet_warning = "480 GB"
  fleet_limit   = "600 GB"
}

run "quiet_under_the_limits" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      total_bytes = 480000000000 # exactly the warning level: not above it
      bytes_by_sim = {
        "000000001" = 500000000 # exactly the per-SIM limit: not above it
        "000000002" = 12345
      }
    }
  }

  assert {
    condition     = output.sims_over_limit == {}
    error_message = "No SIM is over the limit, but sims_over_limit is ${jsonencode(output.sims_over_limit)}."
  }

  assert {
    condition     = output.fleet_total == "480.00 GB"
    error_message = "fleet_total is ${output.fleet_total}, want 480.00 GB."
  }
}

run "per_sim_limit_fires" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      total_bytes = 500000013
      bytes_by_sim = {
        "000000123" = 500000001 # one byte over 500 MB
        "000000124" = 12
      }
    }
  }

  # The check fails (a warning in a real plan); nothing else does.
  expect_failures = [check.per_sim_limit]

  assert {
    condition     = keys(output.sims_over_limit) == ["000000123"]
    error_message = "sims_over_limit is ${jsonencode(output.sims_over_limit)}, want only 000000123."
  }
}

run "fleet_warning_fires" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      total_bytes  = 480000000001 # one byte over the warning level
      bytes_by_sim = {}
    }
  }

  expect_failures = [check.fleet_budget]
}

run "hard_stop_fires" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      total_bytes  = 600000000001 # one byte over the hard limit
      bytes_by_sim = {}
    }
  }

  # Over the hard limit is over the warning level too: both fail.
  expect_failures = [
    output.fleet_total_bytes,
    check.fleet_budget,
  ]
}
