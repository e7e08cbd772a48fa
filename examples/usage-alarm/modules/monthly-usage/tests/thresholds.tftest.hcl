# Unit tests of the thresholds, offline: `terraform test` in this folder
# (Terraform 1.7 or later, OpenTofu 1.8 or later). mock_provider stands in
# for the onomondo provider, so the tests need no API key and send no
# request; override_data gives each read the numbers a run needs. The
# provider's functions (parse_bytes, format_bytes, project_bytes, top) run
# for real.

mock_provider "onomondo" {
  # Defaults for every run: no SIMs carry tags or labels. (Defaults apply
  # to reads without an override_data; an override_data sets its own
  # values, and the mock makes up the rest: zeros, empty strings.)
  mock_data "onomondo_sims" {
    defaults = {
      ids_by_tag_name = {}
      label_by_id     = {}
    }
  }
}

variables {
  month         = "2025-03"
  at            = "2025-04-02T06:17:00Z" # March has ended: its usage is final
  per_sim_limit = "500 MB"
  fleet_warning = "480 GB"
  fleet_limit   = "600 GB"
}

run "quiet_under_the_limits" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 100          # something was read
      total_bytes  = 480000000000 # exactly the warning level: not above it
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
      record_count = 100 # something was read
      total_bytes  = 500000013
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
      record_count = 100          # something was read
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
      record_count = 100          # something was read
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

# Nothing read is not "under the limit": a month with no usage record
# fails its own check, while every limit is (trivially) kept.
run "nothing_read_fires" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 0
      sim_count    = 0
      total_bytes  = 0
      bytes_by_sim = {}
    }
  }

  expect_failures = [check.usage_was_read]

  assert {
    condition     = output.nothing_read
    error_message = "A read of 0 records must be nothing_read."
  }
}

# A month that has not begun reads nothing either, and the projection is
# not attempted (project_bytes refuses a period not begun).
run "month_not_begun_is_nothing_read" {
  command = plan

  variables {
    month = "2025-05"
  }

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 0
      total_bytes  = 0
      bytes_by_sim = {}
    }
  }

  expect_failures = [check.usage_was_read]

  assert {
    condition     = !output.summary.begun && output.summary.projected == "0 B"
    error_message = "2025-05 has not begun on 2025-04-02: summary is ${jsonencode(output.summary)}."
  }
}

# While the month runs, the pace: 10 of April's 30 days passed, so the
# usage so far counts three times.
run "pace_fires" {
  command = plan

  variables {
    month = "2025-04"
    at    = "2025-04-11T00:00:00Z"
  }

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 100          # something was read
      total_bytes  = 200000000001 # 600 GB and 3 bytes by the month's end
      bytes_by_sim = {}
    }
  }

  expect_failures = [check.fleet_pace]

  assert {
    condition     = output.summary.projected == "600.00 GB" && output.summary.in_progress
    error_message = "summary.projected is ${output.summary.projected}, want 600.00 GB (rounded) in a month in progress."
  }
}

# Exactly at the limit by the month's end is not over it. February 2024
# has 29 days: 14 days in, the usage counts 29/14 times.
run "pace_quiet_at_the_limit_in_a_leap_february" {
  command = plan

  variables {
    month = "2024-02"
    at    = "2024-02-15T00:00:00Z"
  }

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 100
      total_bytes  = 289655172414 # 600 GB (rounded) by February 29
      bytes_by_sim = {}
    }
  }

  assert {
    condition     = output.summary.projected == "600.00 GB"
    error_message = "summary.projected is ${output.summary.projected}, want 600.00 GB."
  }
}

# What the CI summary shows: the biggest SIMs with labels (ties by id) and
# each tag's total. (The SIMs at their own data limit come from
# onomondo_sims' nested list `sims`, which override_data cannot set in
# Terraform 1.11: hashicorp/terraform#38369. The guides' CI run covers them
# against the fake API.)
run "summary" {
  command = plan

  override_data {
    target = data.onomondo_usage.fleet
    values = {
      record_count = 100          # something was read
      total_bytes  = 150000000000 # a quarter of the hard limit
      bytes_by_sim = {
        "000000001" = 1000
        "000000002" = 3000
        "000000003" = 3000
      }
    }
  }

  override_data {
    target = data.onomondo_sims.all
    values = {
      label_by_id     = { "000000002" = "gateway-02" }
      ids_by_tag_name = { cold = ["000000001"], north = ["000000001", "000000002", "000000009"] }
    }
  }

  assert {
    condition     = [for s in output.summary.top_sims : "${s.id}:${coalesce(s.label, "-")}:${s.used}"] == ["000000002:gateway-02:3.00 kB", "000000003:-:3.00 kB", "000000001:-:1.00 kB"]
    error_message = "top_sims is ${jsonencode(output.summary.top_sims)}."
  }

  assert {
    condition     = [for t in output.summary.tags : "${t.name}:${t.sims}:${t.used}"] == ["north:3:4.00 kB", "cold:1:1.00 kB"]
    error_message = "tags is ${jsonencode(output.summary.tags)}."
  }

  assert {
    condition     = output.summary.percent_of_limit == 25 && output.summary.bar == "█████░░░░░░░░░░░░░░░"
    error_message = "percent_of_limit ${output.summary.percent_of_limit}, bar ${output.summary.bar}."
  }
}
