package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// usageQuery turns the shared arguments into a client query. simPath selects
// GET /usage/{sim_id}; simFilter adds the sim_id filter of GET /usage.
// Filters go out in a fixed order: time, sim_id, country_code.
func usageQuery(args UsageArgs, simPath, simFilter string) onomondo.UsageQuery {
	q := onomondo.UsageQuery{SimID: simPath}
	if v := args.Time.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "time", Value: v})
	}
	if simFilter != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "sim_id", Value: simFilter})
	}
	if v := args.CountryCode.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "country_code", Value: strings.ToLower(v)})
	}
	if !args.Limit.IsNull() && !args.Limit.IsUnknown() {
		q.Limit = int(args.Limit.ValueInt64())
	}
	if !args.Offset.IsNull() && !args.Offset.IsUnknown() {
		off := args.Offset.ValueInt64()
		q.Offset = &off
	}
	q.Group = args.Group.ValueString()
	q.NextPage = args.NextPage.ValueString()
	if !args.MaxRecords.IsNull() && !args.MaxRecords.IsUnknown() {
		q.MaxRecords = args.MaxRecords.ValueInt64()
	}
	return q
}

// includeRecords is include_records with its default (true).
func (a UsageArgs) includeRecords() bool {
	return a.IncludeRecords.IsNull() || a.IncludeRecords.IsUnknown() || a.IncludeRecords.ValueBool()
}

// runUsageRead is the Read shared by onomondo_usage and onomondo_sim_usage:
// it builds the query, reads every page and fills the shared results. It
// returns the aggregate for the data source's own results, or nil after an
// error diagnostic.
func runUsageRead(ctx context.Context, client *onomondo.Client, kind string, args *UsageArgs, results *UsageResults, simPath, simFilter string, diags *diag.Diagnostics) *usageAggregate {
	if client == nil {
		notConfigured(diags)
		return nil
	}
	q := usageQuery(*args, simPath, simFilter)
	keep := args.includeRecords()
	agg, res, readDiags := readUsage(ctx, client, q, keep)
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil
	}
	results.fill(args, usageID(kind, q, keep), q, agg, res, diags)
	return agg
}

// readUsage runs one complete paged read, streaming every page into an
// aggregate. On error nothing partial is returned.
func readUsage(ctx context.Context, client *onomondo.Client, q onomondo.UsageQuery, keep bool) (*usageAggregate, onomondo.ReadResult, diag.Diagnostics) {
	var diags diag.Diagnostics
	agg := newUsageAggregate(keep)
	res, err := client.ReadUsage(ctx, q, agg.add)
	if err != nil {
		addClientError(&diags, err)
		return nil, res, diags
	}
	return agg, res, diags
}

// fill sets the shared results from a finished read, and the defaults of the
// optional+computed arguments.
func (r *UsageResults) fill(args *UsageArgs, id string, q onomondo.UsageQuery, agg *usageAggregate, res onomondo.ReadResult, diags *diag.Diagnostics) {
	if args.Limit.IsNull() || args.Limit.IsUnknown() {
		args.Limit = types.Int64Value(defaultLimit)
	}
	if args.IncludeRecords.IsNull() || args.IncludeRecords.IsUnknown() {
		args.IncludeRecords = types.BoolValue(true)
	}

	r.ID = types.StringValue(id)
	r.RecordCount = types.Int64Value(agg.count)
	r.TotalBytes = types.Int64Value(agg.total)
	r.BytesByCountry = int64Map(agg.byCountry)
	r.BytesByNetworkType = int64Map(agg.byNetwork)

	next := types.StringNull()
	if res.HasMore {
		next = types.StringValue(res.NextPage)
	}
	r.Pagination = types.ObjectValueMust(paginationAttrTypes, map[string]attr.Value{
		"has_more":  types.BoolValue(res.HasMore),
		"next_page": next,
	})

	// The records themselves go into state after the model, in one step
	// (setRecords): through the model they would cost ten times the memory.
	r.Records = types.ListNull(recordObjectType)
	if agg.keepRecords {
		if agg.count > largeStateRecords {
			diags.AddWarning("Large usage read kept in state",
				fmt.Sprintf("This read keeps %d records in state and in memory. If you only need totals or per-SIM, per-country or "+
					"per-network sums, set include_records = false: the totals and maps are the same, and state stays small.", agg.count))
		}
	}

	if res.StoppedAtMax {
		diags.AddWarning("Usage totals cover only part of the usage",
			fmt.Sprintf("max_records = %d stopped the read after %d records, with more left. total_bytes, record_count and the "+
				"maps cover only the records read. To continue, read again with next_page = pagination.next_page; for complete "+
				"totals remove max_records.", q.MaxRecords, agg.count))
	}
	if agg.noBytes > 0 {
		diags.AddWarning("Usage records without bytes",
			fmt.Sprintf("%d record(s) had no bytes field and were counted as 0 bytes.", agg.noBytes))
	}
}

// usageID is a stable identifier of a read's arguments.
func usageID(kind string, q onomondo.UsageQuery, keep bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|", kind, q.SimID)
	for _, f := range q.Filters {
		fmt.Fprintf(h, "%s:%s|", f.Key, f.Value)
	}
	off := int64(-1)
	if q.Offset != nil {
		off = *q.Offset
	}
	fmt.Fprintf(h, "%d|%d|%s|%s|%d|%t", q.Limit, off, q.Group, q.NextPage, q.MaxRecords, keep)
	return kind + "-" + hex.EncodeToString(h.Sum(nil))[:24]
}

func int64Map(m map[string]int64) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.Int64Value(v)
	}
	return types.MapValueMust(types.Int64Type, elems)
}

// optString maps the API's absent field ("") to null.
func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
