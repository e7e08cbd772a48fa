package provider

import (
	"context"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// onomondo_sims' `sims` grows with the fleet. Going through the framework's
// model (newSimModel, then reflection into tftypes when the state is set)
// was most of the CPU of a 20,000-SIM read (profiled: about 6 of its 11
// seconds in the provider). So the read stores its model with `sims` null,
// then puts the list into the state's raw value in one step, built here
// directly: the same value newSimModel gives (TestSimTerraformValueIsTheModels).

var (
	simTerraformType        = simObjectType.TerraformType(context.Background())
	simsTerraformType       = tftypes.List{ElementType: simTerraformType}
	simTagTerraformType     = simTagObjectType.TerraformType(context.Background())
	simTagsTerraformType    = tftypes.List{ElementType: simTagTerraformType}
	dataLimitTerraformType  = types.ObjectType{AttrTypes: dataLimitAttrTypes}.TerraformType(context.Background())
	simNetworkTerraformType = types.ObjectType{AttrTypes: simNetworkAttrTypes}.TerraformType(context.Background())
)

// simsTerraformValue builds `sims` as a tftypes value.
func simsTerraformValue(sims []onomondo.SIM) tftypes.Value {
	elems := make([]tftypes.Value, len(sims))
	for i := range sims {
		elems[i] = simTerraformValue(&sims[i])
	}
	return tftypes.NewValue(simsTerraformType, elems)
}

// simTerraformValue is newSimModel(s) as a tftypes value: a field the API
// left out is null, tags an empty list when absent, network an object of
// nulls.
func simTerraformValue(s *onomondo.SIM) tftypes.Value {
	tags := make([]tftypes.Value, len(s.Tags))
	for i, t := range s.Tags {
		tags[i] = tftypes.NewValue(simTagTerraformType, map[string]tftypes.Value{"id": tfString(t.ID), "name": tfString(t.Name)})
	}
	limit := tftypes.NewValue(dataLimitTerraformType, nil)
	if d := s.DataLimit; d != nil {
		lim := readLimit(d)
		limit = tftypes.NewValue(dataLimitTerraformType, map[string]tftypes.Value{
			"total":           tfInt64(d.Total),
			"used":            tfInt64(d.Used),
			"type":            tfString(d.Type),
			"period":          tfString(d.Period),
			"alert_threshold": tfInt64(d.AlertThreshold),
			"resets_at":       tfString(d.ResetsAt),
			"alert_at":        tfInt64(lim.alertAt),
			"percent_used":    tfFloat64(lim.percent),
			"state":           tfString(lim.state),
		})
	}
	n := &s.Network
	return tftypes.NewValue(simTerraformType, map[string]tftypes.Value{
		"id":                tfString(s.ID),
		"iccid":             tfString(s.ICCID),
		"label":             tfString(s.Label),
		"activated":         tfBool(s.Activated),
		"online":            tfBool(s.Online),
		"online_at":         tfString(s.OnlineAt),
		"imei":              tfString(s.IMEI),
		"network_whitelist": tfString(s.NetworkWhitelist),
		"tags":              tftypes.NewValue(simTagsTerraformType, tags),
		"data_limit":        limit,
		"network": tftypes.NewValue(simNetworkTerraformType, map[string]tftypes.Value{
			"name":         tfString(n.Name),
			"country":      tfString(n.Country),
			"country_code": tfString(n.CountryCode),
			"mcc":          tfString(n.MCC),
			"mnc":          tfString(n.MNC),
		}),
	})
}

// tfInt64 maps nil to null.
func tfInt64(p *int64) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(*p))
}

// tfFloat64 maps nil to null.
func tfFloat64(p *float64) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, big.NewFloat(*p))
}

// tfBool maps nil to null.
func tfBool(p *bool) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *p)
}
