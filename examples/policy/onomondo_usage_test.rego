# Unit tests of onomondo_usage.rego: opa test policy/ (or conftest verify).
# Each test feeds a small plan JSON, shaped as terraform show -json writes
# it, and the limits as the data document limits.json gives them, and
# states exactly which denies it must give.
package main

import rego.v1

# The limits of examples/usage-alarm/limits.json.
limits := {"per_sim_bytes": 500000000, "fleet_warning_bytes": 480000000000, "fleet_bytes": 600000000000}

# A fleet read as terraform show -json lists it under prior_state.
fleet_read(address, time, total, by_sim) := {
	"address": address,
	"mode": "data",
	"type": "onomondo_usage",
	"name": "fleet",
	"values": {
		"time": time,
		"total_bytes": total,
		"record_count": count(by_sim) + 1,
		"bytes_by_sim": by_sim,
		"sim_id": null,
		"country_code": null,
		"pagination": {"has_more": false, "next_page": null},
	},
}

# A plan that did not error, with one passing check and the given reads in
# the root module and the given child modules.
plan(root_reads, child_modules) := {
	"format_version": "1.2",
	"timestamp": "2025-04-02T06:17:00Z",
	"errored": false,
	"prior_state": {"values": {"root_module": {
		"resources": root_reads,
		"child_modules": child_modules,
	}}},
	"checks": [{
		"address": {"kind": "check", "name": "per_sim_limit", "to_display": "check.per_sim_limit"},
		"status": "pass",
		"instances": [{"address": {"to_display": "check.per_sim_limit"}, "status": "pass"}],
	}],
}

quiet_plan := plan([fleet_read("data.onomondo_usage.fleet", "2025-03", 600000000000, {"000000001": 500000000})], [])

test_under_the_limits_no_deny if {
	# Exactly at the limits is not over them.
	count(deny) == 0 with input as quiet_plan with data.onomondo_limits as limits
}

test_per_sim_over_in_a_nested_module if {
	read := fleet_read(
		"module.alarms.module.usage.data.onomondo_usage.fleet", "2025-03", 1000000000,
		{"000000001": 500000001, "000000002": 12},
	)
	nested := [{"address": "module.alarms", "child_modules": [{"address": "module.alarms.module.usage", "resources": [read]}]}]
	deny == {"SIM 000000001 used 500.00 MB in 2025-03 (module.alarms.module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 500.00 MB"} with input as plan([], nested) with data.onomondo_limits as limits
}

test_sim_usage_over if {
	read := {
		"address": "data.onomondo_sim_usage.tracker",
		"mode": "data",
		"type": "onomondo_sim_usage",
		"values": {"sim_id": "000005840", "time": "2025-03-02", "total_bytes": 716018263, "pagination": {"has_more": false}},
	}
	deny == {"SIM 000005840 used 716.02 MB in 2025-03-02 (data.onomondo_sim_usage.tracker), over the per-SIM limit of 500.00 MB"} with input as plan([read], []) with data.onomondo_limits as limits
}

test_fleet_over if {
	read := fleet_read("data.onomondo_usage.fleet", "2025-03", 600000000001, {})
	deny == {"the fleet used 600.00 GB in 2025-03 (data.onomondo_usage.fleet), over the fleet limit of 600.00 GB"} with input as plan([read], []) with data.onomondo_limits as limits
}

test_limits_from_data if {
	lower := {"per_sim_bytes": 100000000, "fleet_bytes": 2000000000000}
	deny == {"SIM 000000001 used 500.00 MB in 2025-03 (data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB"} with input as quiet_plan
		with data.onomondo_limits as lower
}

test_errored_plan if {
	p := object.union(quiet_plan, {"errored": true})
	deny == {"the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed"} with input as p with data.onomondo_limits as limits
}

test_not_a_plan if {
	deny == {"the input has no boolean \"errored\": give the policy the output of terraform show -json <plan file> from a Terraform that writes it (1.8 and later do, 1.5 does not)"} with input as object.remove(quiet_plan, ["errored"]) with data.onomondo_limits as limits
}

test_failed_and_unknown_checks if {
	checks := [
		{
			"address": {"to_display": "check.fleet_budget"}, "status": "fail",
			"instances": [{"address": {"to_display": "check.fleet_budget"}, "status": "fail", "problems": [{"message": "over 480 GB"}]}],
		},
		{
			"address": {"to_display": "module.a.check.per_sim_limit"}, "status": "unknown",
			"instances": [{"address": {"to_display": "module.a.check.per_sim_limit"}, "status": "unknown"}],
		},
		{"address": {"to_display": "data.onomondo_usage.each"}, "status": "unknown", "instances": []},
	]
	deny == {
		"check.fleet_budget failed: over 480 GB",
		"module.a.check.per_sim_limit was not evaluated (unknown)",
		"data.onomondo_usage.each was not evaluated (unknown)",
	} with input as object.union(quiet_plan, {"checks": checks}) with data.onomondo_limits as limits
}

test_read_deferred_to_apply if {
	p := object.union(plan([], []), {"resource_changes": [{
		"address": "data.onomondo_usage.fleet", "mode": "data", "type": "onomondo_usage",
		"change": {"actions": ["read"]}, "action_reason": "read_because_config_unknown",
	}]})
	deny == {"data.onomondo_usage.fleet is read only at apply (read_because_config_unknown): this plan holds none of its usage; for the current month use formatdate(\"YYYY-MM\", plantimestamp()), not timestamp()"} with input as p with data.onomondo_limits as limits
}

test_check_nested_read_is_not_deferred if {
	# Terraform lists a data source nested in a check block as a "read"
	# change too, but it was read during the plan.
	p := object.union(quiet_plan, {"resource_changes": [{
		"address": "data.onomondo_usage.fleet", "mode": "data", "type": "onomondo_usage",
		"change": {"actions": ["read"]}, "action_reason": "read_because_check_nested",
	}]})
	count(deny) == 0 with input as p with data.onomondo_limits as limits
}

test_partial_read if {
	read := json.patch(
		fleet_read("data.onomondo_usage.fleet", "2025-03", 1, {}),
		[{"op": "replace", "path": "/values/pagination/has_more", "value": true}],
	)
	deny == {
		"data.onomondo_usage.fleet stopped at max_records: its totals cover only part of the usage, so limits cannot be checked on it",
		"the plan holds no onomondo_usage or onomondo_sim_usage read of a month or a day: there is no usage to check",
	} with input as plan([read], []) with data.onomondo_limits as limits
}

test_year_read_is_not_compared_with_monthly_limits if {
	read := fleet_read("data.onomondo_usage.year", "2025", 6000000000000, {"000000001": 5000000000})
	deny == {"the plan holds no onomondo_usage or onomondo_sim_usage read of a month or a day: there is no usage to check"} with input as plan([read], []) with data.onomondo_limits as limits
}

test_decimal_sizes if {
	si(0) == "0 bytes"
	si(999999) == "999999 bytes"
	si(1000000) == "1.00 MB"
	si(1005000) == "1.01 MB" # halves up
	si(716018263) == "716.02 MB"
	si(2843484000) == "2.84 GB"
	si(600000000000) == "600.00 GB"
	si(1500000000000) == "1.50 TB"
}

test_no_limits if {
	# Without the limits file the policy has no limits to check: it denies
	# rather than pass.
	deny == {"no limits: give the policy the limits file, {\"onomondo_limits\": {\"per_sim_bytes\": N, \"fleet_bytes\": N}} in bytes (opa eval -d limits.json, conftest test --data limits.json)"} with input as quiet_plan
}

test_nothing_read if {
	# A month that has begun (here ended) with no usage record of the fleet:
	# not "under the limit".
	read := json.patch(fleet_read("module.usage.data.onomondo_usage.fleet", "2024-12", 0, {}), [{"op": "replace", "path": "/values/record_count", "value": 0}])
	deny == {"module.usage.data.onomondo_usage.fleet read nothing for 2024-12: the fleet has no usage record in it, which is not under the limit (a wrong month, or an API key that sees none of the fleet's SIMs)"} with input as plan([read], [])
		with data.onomondo_limits as limits
}

test_nothing_read_not_begun if {
	# The plan ran on 2025-04-02: May has not begun, nor has the day
	# 2025-04-03; 2025-04 and 2025 have.
	reads := [
	json.patch(fleet_read(sprintf("data.onomondo_usage.p%d", [i]), p, 0, {}), [{"op": "replace", "path": "/values/record_count", "value": 0}]) |
		some i, p in ["2025-05", "2025-04-03", "2025-04", "2025"]
	]
	deny == {
		"data.onomondo_usage.p0 read nothing: 2025-05 has not begun at 2025-04-02T06:17:00Z, the time of the plan",
		"data.onomondo_usage.p1 read nothing: 2025-04-03 has not begun at 2025-04-02T06:17:00Z, the time of the plan",
		"data.onomondo_usage.p2 read nothing for 2025-04: the fleet has no usage record in it, which is not under the limit (a wrong month, or an API key that sees none of the fleet's SIMs)",
		"data.onomondo_usage.p3 read nothing for 2025: the fleet has no usage record in it, which is not under the limit (a wrong month, or an API key that sees none of the fleet's SIMs)",
	} with input as plan(reads, [])
		with data.onomondo_limits as limits
}

test_filtered_read_of_nothing_is_quiet if {
	# One SIM, one country or one tag may well use nothing in a month: only
	# a read of the whole fleet with no record is "nothing read".
	one_sim := json.patch(fleet_read("data.onomondo_usage.one_sim", "2025-03", 0, {}), [
		{"op": "replace", "path": "/values/record_count", "value": 0},
		{"op": "replace", "path": "/values/sim_id", "value": "000000001"},
	])
	one_country := json.patch(fleet_read("data.onomondo_usage.dk", "2025-03", 0, {}), [
		{"op": "replace", "path": "/values/record_count", "value": 0},
		{"op": "replace", "path": "/values/country_code", "value": "dk"},
	])
	sim_usage := {
		"address": "data.onomondo_sim_usage.tracker", "mode": "data", "type": "onomondo_sim_usage",
		"values": {"sim_id": "000005840", "time": "2025-03", "total_bytes": 0, "record_count": 0, "pagination": {"has_more": false}},
	}

	# A tag read that succeeded: the provider fails a read of a tag no SIM
	# carries, so the tag's SIMs exist and used nothing.
	one_tag := json.patch(fleet_read("data.onomondo_usage.cold_chain", "2025-03", 0, {}), [
		{"op": "replace", "path": "/values/record_count", "value": 0},
		{"op": "add", "path": "/values/tag_names", "value": ["cold-chain"]},
	])
	count(deny) == 0 with input as plan([one_sim, one_country, sim_usage, one_tag], [])
		with data.onomondo_limits as limits
}

# A window read (since, until) of the fleet, as terraform show -json lists
# it: time is null.
window_read(address, since, until, records) := json.patch(fleet_read(address, null, 0, {}), [
	{"op": "replace", "path": "/values/record_count", "value": records},
	{"op": "add", "path": "/values/since", "value": since},
	{"op": "add", "path": "/values/until", "value": until},
])

test_nothing_read_in_a_window if {
	# The plan ran at 2025-04-02T06:17:00Z. The 24 hours before it read
	# nothing of the fleet; a window that starts after it (here written with
	# an offset: 08:17 at +02:00 is 06:17Z, the plan's own time) has not
	# begun; a window with records is quiet.
	reads := [
		window_read("data.onomondo_usage.last_24h", "2025-04-01T06:17:00Z", "2025-04-02T06:17:00Z", 0),
		window_read("data.onomondo_usage.next", "2025-04-02T08:17:00+02:00", "2025-04-03T00:00:00Z", 0),
		window_read("data.onomondo_usage.read", "2025-04-01T00:00:00Z", "2025-04-02T00:00:00Z", 17),
	]
	deny == {
		"data.onomondo_usage.last_24h read nothing in the window from 2025-04-01T06:17:00Z to 2025-04-02T06:17:00Z: the fleet has no usage record in it, which is not under the limit (a fleet silent for the whole window, or an API key that sees none of the fleet's SIMs)",
		"data.onomondo_usage.next read nothing: the window from 2025-04-02T08:17:00+02:00 to 2025-04-03T00:00:00Z has not begun at 2025-04-02T06:17:00Z, the time of the plan",
		# The plan has no read of a month or a day beside the windows.
		"the plan holds no onomondo_usage or onomondo_sim_usage read of a month or a day: there is no usage to check",
	} with input as plan(reads, [])
		with data.onomondo_limits as limits
}

test_filtered_read_of_a_period_not_begun if {
	# Whatever its filters, a read of a period not begun read nothing.
	one_sim := json.patch(fleet_read("data.onomondo_usage.one_sim", "2025-05", 0, {}), [
		{"op": "replace", "path": "/values/record_count", "value": 0},
		{"op": "replace", "path": "/values/sim_id", "value": "000000001"},
	])
	deny == {
		"data.onomondo_usage.one_sim read nothing: 2025-05 has not begun at 2025-04-02T06:17:00Z, the time of the plan",
	} with input as plan([one_sim, fleet_read("data.onomondo_usage.fleet", "2025-03", 1, {})], [])
		with data.onomondo_limits as limits
}
