package provider

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

func rec(sim, country, network string, bytes int64) onomondo.Record {
	return onomondo.Record{SimID: sim, CountryCode: country, NetworkType: network, Bytes: onomondo.Bytes(bytes)}
}

func TestAggregateSumsAndUnknownKeys(t *testing.T) {
	a := newUsageAggregate(false)
	page := []onomondo.Record{
		rec("000000001", "dk", "4G", 10),
		rec("000000001", "se", "3G", 5),
		rec("", "", "", 7),
		{ICCID: "89457387300000022734", CountryCode: "dk", NetworkType: "4G", Bytes: onomondo.Bytes(0)}, // no sim_id
	}
	if err := a.add(page); err != nil {
		t.Fatal(err)
	}
	if a.total != 22 || a.count != 4 {
		t.Fatalf("total %d count %d", a.total, a.count)
	}
	if a.bySim["000000001"] != 15 || a.bySim[unknownKey] != 7 || a.bySim["89457387300000022734"] != 0 {
		t.Errorf("bySim %v", a.bySim)
	}
	if a.simCount() != 2 {
		t.Errorf("simCount %d: records without a SIM are not a SIM", a.simCount())
	}
	if a.byCountry[unknownKey] != 7 || a.byNetwork["4G"] != 10 {
		t.Errorf("maps %v %v", a.byCountry, a.byNetwork)
	}
	if a.records != nil {
		t.Errorf("records kept with include_records = false")
	}
}

func TestAggregateRefusesOverflow(t *testing.T) {
	a := newUsageAggregate(false)
	if err := a.add([]onomondo.Record{rec("1", "dk", "4G", math.MaxInt64), rec("2", "dk", "4G", 1)}); err == nil {
		t.Fatal("an overflowing total was accepted")
	}
}

func TestAggregateCopiesKeptRecords(t *testing.T) {
	a := newUsageAggregate(true)
	page := []onomondo.Record{rec("000000001", "dk", "4G", 10)}
	_ = a.add(page)
	page[0].SimID = "overwritten by the next page"
	if a.records[0].SimID != "000000001" {
		t.Error("kept records alias the client's page buffer")
	}
}

func fillFor(t *testing.T, agg *usageAggregate, res onomondo.ReadResult, q onomondo.UsageQuery) diag.Diagnostics {
	t.Helper()
	r, diags := usageResults("id", q, agg, res)
	if r.TotalBytes.ValueInt64() != agg.total || r.RecordCount.ValueInt64() != agg.count || r.ID.ValueString() != "id" {
		t.Errorf("results %+v do not match the aggregate", r)
	}
	return diags
}

func TestUsageArgsWithDefaultsLeavesItsReceiver(t *testing.T) {
	args := UsageArgs{Limit: types.Int64Null(), IncludeRecords: types.BoolNull()}
	got := args.withDefaults(nil)
	if got.Limit.ValueInt64() != 1000 || !got.IncludeRecords.ValueBool() {
		t.Errorf("defaults not applied: %v %v", got.Limit, got.IncludeRecords)
	}
	if !args.Limit.IsNull() || !args.IncludeRecords.IsNull() {
		t.Errorf("withDefaults changed its receiver: %v %v", args.Limit, args.IncludeRecords)
	}
	set := UsageArgs{Limit: types.Int64Value(5), IncludeRecords: types.BoolValue(false)}.withDefaults(nil)
	if set.Limit.ValueInt64() != 5 || set.IncludeRecords.ValueBool() {
		t.Errorf("defaults replaced set values: %v %v", set.Limit, set.IncludeRecords)
	}
}

func TestFillWarnsWhenMaxRecordsStoppedEarly(t *testing.T) {
	agg := newUsageAggregate(false)
	_ = agg.add([]onomondo.Record{rec("1", "dk", "4G", 1)})
	diags := fillFor(t, agg, onomondo.ReadResult{Pagination: onomondo.Pagination{HasMore: true, NextPage: "c"}, StoppedAtMax: true}, onomondo.UsageQuery{MaxRecords: 1})
	if diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "cover only the records read") {
		t.Errorf("want the partial-totals warning, got %v", diags)
	}
	complete := fillFor(t, agg, onomondo.ReadResult{}, onomondo.UsageQuery{MaxRecords: 1})
	if complete.WarningsCount() != 0 {
		t.Errorf("a complete read warned: %v", complete)
	}
}

func TestFillWarnsAboutLargeState(t *testing.T) {
	agg := newUsageAggregate(true)
	page := make([]onomondo.Record, largeStateRecords+1)
	for i := range page {
		page[i] = rec("000000001", "dk", "4G", 1)
		page[i].Time = "2025-01-01 00:00:00"
	}
	_ = agg.add(page)
	diags := fillFor(t, agg, onomondo.ReadResult{}, onomondo.UsageQuery{})
	if diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "include_records = false") {
		t.Errorf("want the large-state warning, got %v", diags)
	}
	small := newUsageAggregate(true)
	_ = small.add(page[:largeStateRecords])
	if d := fillFor(t, small, onomondo.ReadResult{}, onomondo.UsageQuery{}); d.WarningsCount() != 0 {
		t.Errorf("%d records warned: %v", largeStateRecords, d)
	}
}

func TestUsageIDStable(t *testing.T) {
	off := int64(3)
	q := onomondo.UsageQuery{Filters: []onomondo.Filter{{Key: "time", Value: "2025"}}, Offset: &off}
	off2 := int64(3)
	q2 := onomondo.UsageQuery{Filters: []onomondo.Filter{{Key: "time", Value: "2025"}}, Offset: &off2}
	var none usageScope
	if usageID("usage", q, true, none) != usageID("usage", q2, true, none) {
		t.Error("same arguments, different ids")
	}
	if usageID("usage", q, true, none) == usageID("usage", q, false, none) || usageID("usage", q, true, none) == usageID("sim-usage", q, true, none) {
		t.Error("different arguments, same id")
	}
	w1, _ := window.New(time.Unix(0, 0), time.Unix(3600, 0))
	w2, _ := window.New(time.Unix(0, 0), time.Unix(7200, 0))
	if usageID("usage", q, true, usageScope{window: &w1}) == usageID("usage", q, true, usageScope{window: &w2}) ||
		usageID("usage", q, true, usageScope{window: &w1}) == usageID("usage", q, true, none) {
		t.Error("different windows, same id")
	}
	if usageID("usage", q, true, usageScope{tags: &tagSIMs{keys: []string{"a"}}}) == usageID("usage", q, true, usageScope{tags: &tagSIMs{keys: []string{"b"}}}) {
		t.Error("different tags, same id")
	}
}

// referenceRecordsList builds the records list through the framework's
// own types, the straightforward way; recordsTerraformValue must give the
// same Terraform value.
func referenceRecordsList(recs []onomondo.Record) (types.List, int) {
	elems := make([]attr.Value, len(recs))
	bad := 0
	for i := range recs {
		r := &recs[i]
		t, ok := onomondo.RFC3339Time(r.Time)
		if !ok && r.Time != "" {
			bad++
		}
		bytes := types.Int64Value(r.Bytes.Value)
		elems[i] = types.ObjectValueMust(recordAttrTypes, map[string]attr.Value{
			"time":         optString(t),
			"bill_id":      optString(r.BillID),
			"sim_id":       optString(r.SimID),
			"iccid":        optString(r.ICCID),
			"session_id":   optString(r.SessionID),
			"bytes":        bytes,
			"country_code": optString(r.CountryCode),
			"network_type": optString(r.NetworkType),
			"mcc":          optString(r.Network.MCC),
			"mnc":          optString(r.Network.MNC),
		})
	}
	return types.ListValueMust(recordObjectType, elems), bad
}

func TestRecordsTerraformValueMatchesTheFrameworkConversion(t *testing.T) {
	recs := []onomondo.Record{
		{Time: "2025-03-01 07:45:00", BillID: "b", SimID: "000000001", ICCID: "89457387300000022734", SessionID: "s",
			Bytes: onomondo.Bytes(math.MaxInt64), CountryCode: "dk", NetworkType: "4G",
			Network: onomondo.Network{MCC: "238", MNC: "06"}},
		{Time: "2025-03-01 08:00:00", SimID: "000000002", Bytes: onomondo.Bytes(0)}, // hourly: no bill or session
		{Time: "not a time", SimID: "000000003", Bytes: onomondo.Bytes(5)},
		{},
	}
	want, wantBad := referenceRecordsList(recs)
	wantTF, err := want.ToTerraformValue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, bad := recordsTerraformValue(recs)
	if !got.Equal(wantTF) || bad != wantBad || bad != 1 {
		t.Fatalf("direct build differs from the framework conversion:\n got %s (bad %d)\nwant %s (bad %d)", got, bad, wantTF, wantBad)
	}
}
