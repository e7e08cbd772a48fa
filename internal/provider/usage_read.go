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

// query is the client query of the shared arguments: the time and country
// filters, group and paging, for GET /usage. Each data source adds what is
// its own (a SIM in the path, or a sim_id filter) to the copy it gets.
func (a UsageArgs) query() onomondo.UsageQuery {
	var q onomondo.UsageQuery
	if v := a.Time.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "time", Value: v})
	}
	if v := a.CountryCode.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "country_code", Value: strings.ToLower(v)})
	}
	if !a.Limit.IsNull() && !a.Limit.IsUnknown() {
		q.Limit = int(a.Limit.ValueInt64())
	}
	if !a.Offset.IsNull() && !a.Offset.IsUnknown() {
		off := a.Offset.ValueInt64()
		q.Offset = &off
	}
	q.Group = a.Group.ValueString()
	q.NextPage = a.NextPage.ValueString()
	if !a.MaxRecords.IsNull() && !a.MaxRecords.IsUnknown() {
		q.MaxRecords = a.MaxRecords.ValueInt64()
	}
	return q
}

// includeRecords is include_records with its default (true).
func (a UsageArgs) includeRecords() bool {
	return a.IncludeRecords.IsNull() || a.IncludeRecords.IsUnknown() || a.IncludeRecords.ValueBool()
}

// withDefaults is a with the defaults of its optional+computed arguments
// filled in, as they go into state.
func (a UsageArgs) withDefaults() UsageArgs {
	if a.Limit.IsNull() || a.Limit.IsUnknown() {
		a.Limit = types.Int64Value(defaultLimit)
	}
	if a.IncludeRecords.IsNull() || a.IncludeRecords.IsUnknown() {
		a.IncludeRecords = types.BoolValue(true)
	}
	return a
}

// usageRead is one finished read of a usage data source: the aggregate of
// every record and the shared results made from it.
type usageRead struct {
	agg     *usageAggregate
	res     onomondo.ReadResult
	results UsageResults
}

// readUsage is the one read of the usage data sources: it reads every page
// of q, streaming the records into an aggregate (keeping them when keep is
// set), and makes the shared results; kind names the data source in the
// id. On error it returns nil with the diagnostics: nothing partial.
func readUsage(ctx context.Context, client *onomondo.Client, kind string, q onomondo.UsageQuery, keep bool) (*usageRead, diag.Diagnostics) {
	var diags diag.Diagnostics
	if client == nil {
		notConfigured(&diags)
		return nil, diags
	}
	agg := newUsageAggregate(keep)
	res, err := client.ReadUsage(ctx, q, agg.add)
	if err != nil {
		addClientError(&diags, err)
		return nil, diags
	}
	results, resDiags := usageResults(usageID(kind, q, keep), q, agg, res)
	diags.Append(resDiags...)
	return &usageRead{agg: agg, res: res, results: results}, diags
}

// usageResults makes the shared results of a finished read, with the
// warnings they call for.
func usageResults(id string, q onomondo.UsageQuery, agg *usageAggregate, res onomondo.ReadResult) (UsageResults, diag.Diagnostics) {
	var diags diag.Diagnostics
	next := types.StringNull()
	if res.HasMore {
		next = types.StringValue(res.NextPage)
	}
	r := UsageResults{
		ID:                 types.StringValue(id),
		RecordCount:        types.Int64Value(agg.count),
		TotalBytes:         types.Int64Value(agg.total),
		BytesByCountry:     int64Map(agg.byCountry),
		BytesByNetworkType: int64Map(agg.byNetwork),
		Pagination: types.ObjectValueMust(paginationAttrTypes, map[string]attr.Value{
			"has_more":  types.BoolValue(res.HasMore),
			"next_page": next,
		}),
		// The records themselves go into state after the model, in one
		// step (setRecords): through the model they would cost ten times
		// the memory.
		Records: types.ListNull(recordObjectType),
	}
	if agg.keepRecords && agg.count > largeStateRecords {
		diags.AddWarning("Large usage read kept in state",
			fmt.Sprintf("This read keeps %d records in state and in memory. If you only need totals or per-SIM, per-country or "+
				"per-network sums, set include_records = false: the totals and maps are the same, and state stays small.", agg.count))
	}
	addClientWarnings(&diags, res.Warnings)
	if res.StoppedAtMax {
		next := "To continue, read again with next_page = pagination.next_page"
		if res.NextPage == "" {
			next = "pagination.next_page is null: the API's last page held more records than asked for, and its cursor lies past those left out"
		}
		diags.AddWarning("Usage totals cover only part of the usage",
			fmt.Sprintf("max_records = %d stopped the read after %d records, with more left. total_bytes, record_count and the "+
				"maps cover only the records read. %s; for complete totals remove max_records.", q.MaxRecords, agg.count, next))
	}
	return r, diags
}

// usageID is a stable identifier of a read's arguments.
func usageID(kind string, q onomondo.UsageQuery, keep bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|", kind, q.SIM)
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
