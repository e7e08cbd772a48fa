package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// The records list is the one part of a usage read that grows with the
// record count. Going through the framework's model (attr.Value objects,
// then reflection into tftypes) costs about 19 KB of allocations per record;
// building the tftypes value directly costs a small fraction of that. So a
// read stores its model with records null, then puts the records into the
// state's raw value in one step.

var (
	recordTerraformType  = recordObjectType.TerraformType(context.Background())
	recordsTerraformType = tftypes.List{ElementType: recordTerraformType}
	tfNullString         = tftypes.NewValue(tftypes.String, nil)
)

// setRecords replaces the null records attribute of a state just set from a
// model with the records read.
func setRecords(state *tfsdk.State, recs []onomondo.Record) diag.Diagnostics {
	list, badTimes := recordsTerraformValue(recs)
	diags := setRawAttribute(state, "records", list)
	if diags.HasError() {
		return diags
	}
	if badTimes > 0 {
		diags.AddWarning("Some usage record times were not converted",
			fmt.Sprintf("%d record(s) had a time in neither the API's \"YYYY-MM-DD HH:MM:SS\" form nor RFC 3339; they are kept as the API sent them.", badTimes))
	}
	return diags
}

// setRawAttribute replaces the attribute name of a state just set from a
// model with v, a value of the attribute's type.
func setRawAttribute(state *tfsdk.State, name string, v tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		diags.AddError("Cannot store "+name, "The provider could not read back the state it just set: "+err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	attrs[name] = v
	state.Raw = tftypes.NewValue(state.Raw.Type(), attrs)
	return diags
}

// recordsTerraformValue builds the records list as a tftypes value: times
// in RFC 3339 UTC, absent fields null. It returns how many times could not
// be converted (those are kept as sent).
func recordsTerraformValue(recs []onomondo.Record) (tftypes.Value, int) {
	elems := make([]tftypes.Value, len(recs))
	bad := 0
	for i := range recs {
		r := &recs[i]
		t, ok := onomondo.RFC3339Time(r.Time)
		if !ok && r.Time != "" {
			bad++
		}
		// The client refuses records without bytes, so every record has one.
		bytes := tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(r.Bytes.Value))
		elems[i] = tftypes.NewValue(recordTerraformType, map[string]tftypes.Value{
			"time":         tfString(t),
			"bill_id":      tfString(r.BillID),
			"sim_id":       tfString(r.SimID),
			"iccid":        tfString(r.ICCID),
			"session_id":   tfString(r.SessionID),
			"bytes":        bytes,
			"country_code": tfString(r.CountryCode),
			"network_type": tfString(r.NetworkType),
			"mcc":          tfString(r.Network.MCC),
			"mnc":          tfString(r.Network.MNC),
		})
	}
	return tftypes.NewValue(recordsTerraformType, elems), bad
}

// tfString maps the API's absent field ("") to null.
func tfString(s string) tftypes.Value {
	if s == "" {
		return tfNullString
	}
	return tftypes.NewValue(tftypes.String, s)
}

// saveUsageState sets a usage data source's state: the model, then the
// records kept by the read.
func saveUsageState(ctx context.Context, state *tfsdk.State, model any, agg *usageAggregate) diag.Diagnostics {
	diags := state.Set(ctx, model)
	if diags.HasError() || !agg.keepRecords {
		return diags
	}
	diags.Append(setRecords(state, agg.records)...)
	return diags
}
