# Unit tests of the thresholds, offline: `terraform test` in this folder
# (Terraform 1.7 or later, OpenTofu 1.8 or later). mock_provider stands in
# for the onomondo provider, so the tests need no API key and send no
# request; override_data gives each read the numbers a run needs. The
# provider's functions (parse_bytes, format_bytes, project_bytes, top) run
# for real.

mock_provider "onomondo" {
  # Defaults for every run: the last 24 hours were read, and no SIM is over
  # a limit, at its own data limit, tagged or labelled. (Defaults apply to
  # reads without an override_data; an override_data sets its own values,
  # and the mock makes up the rest: zeros, empty strings.)
  mock_data "onomondo_usage" {
    defaults = {
      record_count = 100
      total_bytes  = 0
      bytes_by_sim = {}
    }
  }
  mock_data "onomondo_sims" {
    defaults = {
      ids_by_tag_name = {}
      label_by_id     = {}
      blocked_ids     = []
      alerting_ids    = []
    }
  }
}

variables {
  month             = "2025-03"
  at                = "2025-04-02T06:17:00Z" # March has ended: its usage is final
  per_sim_limit     = "500 MB"
  per_sim_24h_limit = "100 MB"
  fleet_warning     = "480 GB"
  fleet_limit       = "600 GB"
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

  # While the month runs, the last 24 hours end at the check.
  assert {
    condition     = output.summary.last_24h.since == "2025-04-10T00:00:00Z" && output.summary.last_24h.until == "2025-04-11T00:00:00Z"
    error_message = "The window is ${output.summary.last_24h.since} to ${output.summary.last_24h.until}, want the 24 hours to 2025-04-11."
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

# Runaway SIMs: one byte over the 24-hour limit fires, exactly at it does
# not. March has ended, so its last 24 hours are read. (The month's read
# takes the mock's defaults: records, and no SIM over a limit.)
run "runaway_fires" {
  command = plan

  override_data {
    target = data.onomondo_usage.last_24h
    values = {
      record_count = 48
      total_bytes  = 200000001
      bytes_by_sim = {
        "000000007" = 100000001 # one byte over 100 MB
        "000000008" = 100000000 # exactly at it: not over
      }
    }
  }

  expect_failures = [check.runaway_sims]

  assert {
    condition     = [for s in output.summary.last_24h.runaway : s.id] == ["000000007"]
    error_message = "runaway is ${jsonencode(output.summary.last_24h.runaway)}, want only 000000007."
  }

  assert {
    condition     = output.summary.last_24h.since == "2025-03-31T00:00:00Z" && output.summary.last_24h.until == "2025-04-01T00:00:00Z"
    error_message = "The window is ${output.summary.last_24h.since} to ${output.summary.last_24h.until}, want March's last 24 hours."
  }
}

# A month with usage (the mock's defaults) but a day without any: nothing
# was read in the last 24 hours, which is not "no runaway SIM".
run "nothing_read_in_the_last_24_hours" {
  command = plan

  override_data {
    target = data.onomondo_usage.last_24h
    values = {
      record_count = 0
      total_bytes  = 0
      bytes_by_sim = {}
    }
  }

  expect_failures = [check.last_24h_was_read]

  assert {
    condition     = output.summary.last_24h.nothing_read && !output.summary.nothing_read
    error_message = "Want nothing read in the last 24 hours only: summary is ${jsonencode(output.summary)}."
  }
}

# What the CI summary shows: the biggest SIMs with labels (ties by id),
# each tag's total, and the SIMs at their own data limit, blocked first,
# which fail their check. (Their used and limit come from onomondo_sims'
# nested list `sims`, which override_data cannot set in Terraform 1.11:
# hashicorp/terraform#38369. The guides' CI run covers them against the
# fake API.)
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
      label_by_id     = { "000000002" = "gateway-02", "000000005" = "tracker-05" }
      ids_by_tag_name = { cold = ["000000001"], north = ["000000001", "000000002", "000000009"] }
      blocked_ids     = ["000000005", "000000009"]
      alerting_ids    = ["000000002"]
    }
  }

  expect_failures = [check.sims_within_their_own_limit]

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

  assert {
    condition     = [for s in output.summary.sims_at_limit : "${s.id}:${coalesce(s.label, "-")}:${s.state}"] == ["000000005:tracker-05:blocked", "000000009:-:blocked", "000000002:gateway-02:alert"]
    error_message = "sims_at_limit is ${jsonencode(output.summary.sims_at_limit)}."
  }
}
