package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// simLimits are onomondo_sims' fleet-wide readings of the SIMs' data
// limits: which SIMs stand at their alert level or are blocked, and the
// month-to-date of the SIMs with a monthly limit, from the one SIM list
// read (one request per 1000 SIMs).
type simLimits struct {
	AlertingIDs         types.List  `tfsdk:"alerting_ids"`
	BlockedIDs          types.List  `tfsdk:"blocked_ids"`
	UsedBytesByID       types.Map   `tfsdk:"used_bytes_by_id"`
	UsedBytesTotal      types.Int64 `tfsdk:"used_bytes_total"`
	UsedBytesMissingIDs types.List  `tfsdk:"used_bytes_missing_ids"`
}

func simLimitAttributes() map[string]schema.Attribute {
	ids := func(doc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: doc}
	}
	return map[string]schema.Attribute{
		"alerting_ids": ids("Sorted ids of the SIMs in `sims` whose `data_limit.state` is `alert`: `used` has reached " +
			"`alert_at` (Onomondo has sent, or is about to send, its usage alert) but not `total`. A blocked SIM is in " +
			"`blocked_ids` only, so the two lists never share a SIM: for every SIM past its alert level use " +
			"`concat(alerting_ids, blocked_ids)`. SIMs without a threshold never alert."),
		"blocked_ids": ids("Sorted ids of the SIMs in `sims` whose `data_limit.state` is `blocked`: `used` has reached " +
			"`total`, so Onomondo blocks them until `data_limit.resets_at`."),
		"used_bytes_by_id": schema.MapAttribute{
			Computed:    true,
			ElementType: types.Int64Type,
			MarkdownDescription: "SIM id to `data_limit.used`, for the SIMs in `sims` whose limit is **monthly** and whose " +
				"`used` is not null: each SIM's use in the current month, as Onomondo counts it for the limit. The SIMs left " +
				"out are in `used_bytes_missing_ids`.",
		},
		"used_bytes_total": schema.Int64Attribute{
			Computed: true,
			MarkdownDescription: "Sum of `used_bytes_by_id`: the fleet's month-to-date from one request per 1000 SIMs, " +
				"without reading usage records. It covers only the SIMs in `used_bytes_by_id`; when " +
				"`used_bytes_missing_ids` is not empty, some SIMs are not counted.",
		},
		"used_bytes_missing_ids": ids("Sorted ids of the SIMs in `sims` that `used_bytes_total` leaves out: no data " +
			"limit (or the account's package does not show it), a limit that is not monthly (its `used` counts another " +
			"period), or `used` null. Check `length(...) == 0` before treating `used_bytes_total` as the whole fleet's."),
	}
}

// newSimLimits reads the limits of sims (the SIMs of `sims`); SIMs without
// an id are left out of every list and map. A warning says when the
// monthly SIMs report different periods (`used_bytes_total` then adds up
// more than one month).
func newSimLimits(sims []onomondo.SIM, diags *diag.Diagnostics) simLimits {
	var alerting, blocked, missing []string
	used := map[string]attr.Value{}
	var total int64
	periods := map[string]int{}
	for _, s := range sims {
		if s.ID == "" {
			continue
		}
		switch readLimit(s.DataLimit).state {
		case limitAlert:
			alerting = append(alerting, s.ID)
		case limitBlocked:
			blocked = append(blocked, s.ID)
		}
		b, ok := monthlyUsed(s.DataLimit)
		if !ok {
			missing = append(missing, s.ID)
			continue
		}
		if total+b < total {
			diags.AddError("Data limit use overflows", "The SIMs' data_limit.used add up to more than a 64-bit integer; "+
				"the API's answer cannot be right. used_bytes_total is not set.")
			return simLimits{}
		}
		total += b
		used[s.ID] = types.Int64Value(b)
		periods[s.DataLimit.Period]++
	}
	if len(periods) > 1 {
		var list []string
		for p, n := range periods {
			list = append(list, fmt.Sprintf("%q (%d SIMs)", p, n))
		}
		slices.Sort(list)
		diags.AddWarning("SIMs report different data-limit periods",
			"The SIMs with a monthly limit report the periods "+strings.Join(list, ", ")+", so used_bytes_total adds up "+
				"more than one month (some SIMs may have reset already). Read again in a moment, or compare used_bytes_by_id "+
				"with each SIM's data_limit.period.")
	}
	return simLimits{
		AlertingIDs:         idList(alerting),
		BlockedIDs:          idList(blocked),
		UsedBytesByID:       types.MapValueMust(types.Int64Type, used),
		UsedBytesTotal:      types.Int64Value(total),
		UsedBytesMissingIDs: idList(missing),
	}
}

// idList is a sorted list of SIM ids.
func idList(ids []string) types.List {
	slices.SortFunc(ids, compareIDs)
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = types.StringValue(id)
	}
	return types.ListValueMust(types.StringType, vals)
}
