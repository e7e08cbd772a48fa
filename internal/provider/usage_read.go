package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
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
// filled in, as they go into state: until is the end of the window w, or
// null without a window (w nil).
func (a UsageArgs) withDefaults(w *window.Window) UsageArgs {
	if a.Limit.IsNull() || a.Limit.IsUnknown() {
		a.Limit = types.Int64Value(defaultLimit)
	}
	if a.IncludeRecords.IsNull() || a.IncludeRecords.IsUnknown() {
		a.IncludeRecords = types.BoolValue(true)
	}
	if w != nil {
		a.WindowArgs = a.withUntil(*w)
	} else {
		a.Until = types.StringNull()
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
// id. A scope narrows the read to a window or to the SIMs of some tags:
// then it is one paged read per period (see scopedRead), summed into the
// same aggregate. On error it returns nil with the diagnostics: nothing
// partial.
func readUsage(ctx context.Context, client *onomondo.Client, kind string, q onomondo.UsageQuery, keep bool, scope usageScope) (*usageRead, diag.Diagnostics) {
	var diags diag.Diagnostics
	if client == nil {
		notConfigured(&diags)
		return nil, diags
	}
	return readUsageFrom(ctx, client, kind, q, keep, scope)
}

// readUsageFrom is readUsage on any usageClient.
func readUsageFrom(ctx context.Context, c usageClient, kind string, q onomondo.UsageQuery, keep bool, scope usageScope) (*usageRead, diag.Diagnostics) {
	var diags diag.Diagnostics
	var agg *usageAggregate
	var res onomondo.ReadResult
	var err error
	if scope.zero() {
		agg = newUsageAggregate(keep)
		res, err = c.ReadUsage(ctx, q, agg.add)
	} else {
		r := newScopedRead(c, q, keep, scope)
		var notes diag.Diagnostics
		notes, err = r.run(ctx)
		diags.Append(notes...)
		agg, res = r.agg, r.res
	}
	var unplaced *unplacedRecord
	switch {
	case errors.As(err, &unplaced):
		diags.AddError(unplaced.summary, unplaced.detail)
		return nil, diags
	case err != nil:
		addClientError(&diags, err)
		return nil, diags
	}
	results, resDiags := usageResults(usageID(kind, q, keep, scope), q, agg, res)
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
		BytesByDay:         int64Map(agg.byDay),
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
func usageID(kind string, q onomondo.UsageQuery, keep bool, scope usageScope) string {
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
	if scope.window != nil {
		fmt.Fprintf(h, "|window:%s", scope.window)
	}
	if scope.tags != nil {
		fmt.Fprintf(h, "|tags:%q", scope.tags.keys)
	}
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
