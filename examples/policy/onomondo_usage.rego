# Usage limits for Onomondo SIMs, checked on a Terraform plan as JSON:
#
#   terraform plan -out=plan.out
#   terraform show -json plan.out > plan.json
#   opa eval --fail-defined -f raw -d policy/ -d limits.json -i plan.json 'data.main.deny[msg]'
#   conftest test plan.json --policy policy/ --data limits.json            # or
#
# Conftest's convention: package main, and every problem is a message in
# the set `deny`. An empty set means the plan passes.
#
# The limits are monthly, in bytes, in the data document limits.json, the
# same file the Terraform configuration reads with jsondecode(file(...)):
# {"onomondo_limits": {"per_sim_bytes": N, "fleet_bytes": N, ...}}. (The
# configuration's own levels there, fleet_warning_bytes and
# per_sim_24h_bytes, reach the policy as the results of its checks.) The
# policy has no defaults of its own, so the two cannot disagree: without
# the file it denies every plan.
package main

import rego.v1

per_sim_limit_bytes := data.onomondo_limits.per_sim_bytes

fleet_limit_bytes := data.onomondo_limits.fleet_bytes

deny contains msg if {
	not limits_given
	msg := "no limits: give the policy the limits file, {\"onomondo_limits\": {\"per_sim_bytes\": N, \"fleet_bytes\": N}} in bytes (opa eval -d limits.json, conftest test --data limits.json)"
}

limits_given if {
	is_number(per_sim_limit_bytes)
	is_number(fleet_limit_bytes)
}

usage_types := {"onomondo_usage", "onomondo_sim_usage"}

# A plan that errored (a failed API read, a failed precondition, an invalid
# argument) is still written by -out, with every check on the failed read
# "unknown": never treat it as a pass.
deny contains msg if {
	input.errored == true
	msg := "the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed"
}

deny contains msg if {
	not errored_is_boolean
	msg := "the input has no boolean \"errored\": give the policy the output of terraform show -json <plan file> from a Terraform that writes it (1.8 and later do, 1.5 does not)"
}

errored_is_boolean if is_boolean(input.errored)

# Every check block, condition and variable validation must pass. "unknown"
# is not a pass: it means the plan could not evaluate it (usually because a
# read failed or was deferred to apply).
deny contains msg if {
	some c in input.checks
	some inst in c.instances
	inst.status != "pass"
	msg := sprintf("%s %s%s", [inst.address.to_display, status_text(inst.status), problems(inst)])
}

deny contains msg if {
	some c in input.checks
	c.status != "pass"
	count(object.get(c, "instances", [])) == 0
	msg := sprintf("%s %s", [c.address.to_display, status_text(c.status)])
}

status_text(s) := "failed" if s == "fail"

else := "could not be evaluated" if s == "error"

else := "was not evaluated (unknown)" if s == "unknown"

else := sprintf("has status %q", [s])

problems(inst) := sprintf(": %s", [concat("; ", msgs)]) if {
	msgs := [p.message | some p in inst.problems]
	count(msgs) > 0
} else := ""

# A read whose arguments are known only at apply is not done during the
# plan: the plan holds none of its numbers.
deny contains msg if {
	some rc in deferred_reads
	msg := sprintf("%s is read only at apply (%s): this plan holds none of its usage; for the current month use formatdate(\"YYYY-MM\", plantimestamp()), not timestamp()", [rc.address, rc.action_reason])
}

deferred_reads contains rc if {
	some rc in input.resource_changes
	rc.mode == "data"
	startswith(rc.type, "onomondo_")
	rc.action_reason in {"read_because_config_unknown", "read_because_dependency_pending"}
}

# A read stopped by max_records has partial totals.
deny contains msg if {
	some r in usage_reads
	r.values.pagination.has_more == true
	msg := sprintf("%s stopped at max_records: its totals cover only part of the usage, so limits cannot be checked on it", [r.address])
}

# Per SIM, from the fleet's bytes_by_sim ...
deny contains msg if {
	some r in limited_reads
	r.type == "onomondo_usage"
	some sim, bytes in r.values.bytes_by_sim
	bytes > per_sim_limit_bytes
	msg := sprintf("SIM %s used %s in %s (%s), over the per-SIM limit of %s", [sim, si(bytes), r.values.time, r.address, si(per_sim_limit_bytes)])
}

# ... and from each onomondo_sim_usage.
deny contains msg if {
	some r in limited_reads
	r.type == "onomondo_sim_usage"
	r.values.total_bytes > per_sim_limit_bytes
	msg := sprintf("SIM %s used %s in %s (%s), over the per-SIM limit of %s", [r.values.sim_id, si(r.values.total_bytes), r.values.time, r.address, si(per_sim_limit_bytes)])
}

# The fleet. A read narrowed by country or SIM counts part of the fleet, so
# it being over the limit means the fleet is too.
deny contains msg if {
	some r in limited_reads
	r.type == "onomondo_usage"
	r.values.total_bytes > fleet_limit_bytes
	msg := sprintf("the fleet used %s in %s (%s), over the fleet limit of %s", [si(r.values.total_bytes), r.values.time, r.address, si(fleet_limit_bytes)])
}

# Nothing read. A read of a period (time) or window (since, until) that had
# not begun at the time of the plan reads nothing, whatever its filters.
# Once it has begun, a read of the whole fleet (no SIM, country or tag
# filter) with no usage record is not "under the limit" either: a wrong
# month, a fleet silent for the whole window, or an API key that sees none
# of the fleet's SIMs. A read narrowed to one SIM or one country may find
# nothing in a quiet month, and so may a read of tags: the provider fails a
# read of a tag that no SIM carries, so a tag read that succeeded saw its
# SIMs, and they used nothing.
deny contains msg if {
	some r in empty_reads
	not_begun(r.values)
	msg := sprintf("%s read nothing: %s has not begun at %s, the time of the plan", [r.address, span(r.values), input.timestamp])
}

deny contains msg if {
	some r in empty_reads
	whole_fleet(r.values)
	not not_begun(r.values)
	r.values.time != null
	msg := sprintf("%s read nothing for %s: the fleet has no usage record in it, which is not under the limit (a wrong month, or an API key that sees none of the fleet's SIMs)", [r.address, r.values.time])
}

deny contains msg if {
	some r in empty_reads
	whole_fleet(r.values)
	not not_begun(r.values)
	r.values.time == null
	msg := sprintf("%s read nothing in %s: the fleet has no usage record in it, which is not under the limit (a fleet silent for the whole window, or an API key that sees none of the fleet's SIMs)", [r.address, span(r.values)])
}

empty_reads contains r if {
	some r in usage_reads
	r.type == "onomondo_usage"
	r.values.record_count == 0
}

whole_fleet(v) if {
	every filter in ["sim_id", "country_code", "tag_names", "tag_ids"] {
		object.get(v, filter, null) == null
	}
}

# What a read covers, in words: its period, or its window.
span(v) := v.time if v.time != null

else := sprintf("the window from %s to %s", [v.since, v.until])

# Whether the period (YYYY, YYYY-MM or YYYY-MM-DD) or the window begins at
# or after the time of the plan.
not_begun(v) if {
	v.time != null
	suffix := {4: "-01-01", 7: "-01", 10: ""}[count(v.time)]
	time.parse_rfc3339_ns(input.timestamp) <= time.parse_rfc3339_ns(sprintf("%s%sT00:00:00Z", [v.time, suffix]))
}

not_begun(v) if {
	v.time == null
	time.parse_rfc3339_ns(input.timestamp) <= time.parse_rfc3339_ns(v.since)
}

# A plan that read no usage of a month or a day checked nothing.
deny contains msg if {
	input.errored == false
	count(deferred_reads) == 0
	count(limited_reads) == 0
	msg := "the plan holds no onomondo_usage or onomondo_sim_usage read of a month or a day: there is no usage to check"
}

# Every onomondo_usage and onomondo_sim_usage read during the plan, in the
# root module and in child modules at any depth. Data sources read during
# the plan are in prior_state (terraform show -json); those nested in check
# blocks are also in planned_values, with the same values.
usage_reads contains r if {
	walk(input.prior_state.values.root_module, [_, r])
	r.mode == "data"
	r.type in usage_types
}

# The reads the monthly limits apply to: a month, or a day (a day over a
# monthly limit is a month over it). A year, or no time at all, is not
# compared with monthly limits.
limited_reads contains r if {
	some r in usage_reads
	regex.match(`^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$`, r.values.time)
	not r.values.pagination.has_more == true
}

# Sizes in decimal units, as contracts write them, with two decimals
# rounded half up: si(716018263) is "716.02 MB".
si(n) := decimal(n, 1000000000000, "TB") if n >= 1000000000000

else := decimal(n, 1000000000, "GB") if n >= 1000000000

else := decimal(n, 1000000, "MB") if n >= 1000000

else := sprintf("%d bytes", [n])

decimal(n, unit, name) := sprintf("%d.%02d %s", [floor(h / 100), h % 100, name]) if {
	h := round((n * 100) / unit)
}
