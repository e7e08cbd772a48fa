package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// One SIM as onomondo_sim shows it at the top level and onomondo_sims in
// each element of `sims`: the same attributes, the same model.

// simModel is one SIM.
type simModel struct {
	ID               types.String `tfsdk:"id"`
	ICCID            types.String `tfsdk:"iccid"`
	Label            types.String `tfsdk:"label"`
	Activated        types.Bool   `tfsdk:"activated"`
	Online           types.Bool   `tfsdk:"online"`
	OnlineAt         types.String `tfsdk:"online_at"`
	IMEI             types.String `tfsdk:"imei"`
	NetworkWhitelist types.String `tfsdk:"network_whitelist"`
	Tags             types.List   `tfsdk:"tags"`
	DataLimit        types.Object `tfsdk:"data_limit"`
	Network          types.Object `tfsdk:"network"`
}

var (
	simTagAttrTypes = map[string]attr.Type{
		"id":   types.StringType,
		"name": types.StringType,
	}
	simTagObjectType = types.ObjectType{AttrTypes: simTagAttrTypes}

	dataLimitAttrTypes = map[string]attr.Type{
		"total":           types.Int64Type,
		"used":            types.Int64Type,
		"type":            types.StringType,
		"period":          types.StringType,
		"alert_threshold": types.Int64Type,
		"resets_at":       types.StringType,
		"alert_at":        types.Int64Type,
		"percent_used":    types.Float64Type,
		"state":           types.StringType,
	}
	simNetworkAttrTypes = map[string]attr.Type{
		"name":         types.StringType,
		"country":      types.StringType,
		"country_code": types.StringType,
		"mcc":          types.StringType,
		"mnc":          types.StringType,
	}
	simAttrTypes = map[string]attr.Type{
		"id":                types.StringType,
		"iccid":             types.StringType,
		"label":             types.StringType,
		"activated":         types.BoolType,
		"online":            types.BoolType,
		"online_at":         types.StringType,
		"imei":              types.StringType,
		"network_whitelist": types.StringType,
		"tags":              types.ListType{ElemType: simTagObjectType},
		"data_limit":        types.ObjectType{AttrTypes: dataLimitAttrTypes},
		"network":           types.ObjectType{AttrTypes: simNetworkAttrTypes},
	}
	simObjectType = types.ObjectType{AttrTypes: simAttrTypes}
)

// simAttributes is the schema of one SIM, every attribute computed. idDoc
// describes `id`.
func simAttributes(idDoc string) map[string]schema.Attribute {
	str := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	return map[string]schema.Attribute{
		"id":    str(idDoc),
		"iccid": str("ICCID of the SIM (18 to 22 digits)."),
		"label": str("The SIM's label (its name in the Onomondo app); null when it has none."),
		"activated": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the SIM is activated. Like every " +
			"attribute here, null if the API left it out: test it with `== true` / `== false` rather than as a bare condition."},
		"online":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the SIM is online now."},
		"online_at":         str("When the SIM last came online, RFC 3339 in UTC (`2024-01-22T02:23:47Z`); null if never."),
		"imei":              str("IMEI of the device the SIM was last seen in; null when unknown."),
		"network_whitelist": str("Name of the network list the SIM may roam on (such as `Global`)."),
		"tags": schema.ListNestedAttribute{
			Computed: true,
			MarkdownDescription: "The tags the SIM carries, in the API's order; an empty list when it carries none. " +
				"Tags scope API keys, so a key limited to some tags sees only SIMs carrying one of them.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":   str("Tag id (UUID)."),
				"name": str("Tag name."),
			}},
		},
		"data_limit": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "The SIM's data limit and its use in the current period; **null when the SIM has no " +
				"data limit** (or the account's package does not show it). Onomondo blocks the SIM once `used` reaches `total`, " +
				"until `resets_at`, and sends a usage alert once `used` reaches `total - alert_threshold`. A session can " +
				"overshoot the limit by about 100 KB, so `used` can exceed `total`. Guard expressions with " +
				"`s.data_limit != null ? ... : ...` (a conditional evaluates only the branch it picks; `&&` evaluates both sides).",
			Attributes: map[string]schema.Attribute{
				"total": schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes allowed in one period; the SIM is " +
					"blocked once `used` reaches it."},
				"used": schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes used in the current period (`period`), " +
					"as Onomondo counts them for the limit; can exceed `total` by about 100 KB (the session that crosses the " +
					"limit is not cut at the byte). **Can be null**: the API sometimes sends none. It need not equal " +
					"`onomondo_usage`'s bytes for the month: Onomondo does not document how the two relate."},
				"type":   str("Kind of limit as the API names it, such as `monthly`; periods can be as short as a minute."),
				"period": str("The current period as the API writes it, such as `202504` (April 2025)."),
				"alert_threshold": schema.Int64Attribute{Computed: true, MarkdownDescription: "Headroom below the limit, in " +
					"bytes: Onomondo sends a usage alert once `used` reaches `total - alert_threshold` (a 100 MB limit with a " +
					"10 MB threshold alerts at 90 MB). Null when none is set, and on accounts whose package does not show " +
					"thresholds (Onomondo's docs name the Pro package)."},
				"resets_at": str("When `used` starts again from zero, RFC 3339 in UTC."),
				"alert_at": schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes of use at which the usage alert " +
					"fires: `total - alert_threshold` (`0` when the threshold is at least the limit). Null without a threshold."},
				"percent_used": schema.Float64Attribute{Computed: true, MarkdownDescription: "`used` as a percentage of " +
					"`total`; above `100` when the SIM overshot its limit. Null when `used` or `total` is null, or `total` is `0`."},
				"state": str("Where `used` stands against the limit: `blocked` once `used` reaches `total`, else `alert` " +
					"once it reaches `alert_at`, else `ok` (a SIM without a threshold is `ok` or `blocked`). Null when `used` " +
					"or `total` is null: unknown, not `ok`."),
			},
		},
		"network": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "The network the SIM is attached to. Always an object; **its attributes are null while " +
				"the SIM is offline**.",
			Attributes: map[string]schema.Attribute{
				"name":         str("Operator name, such as `Telenor Norge`."),
				"country":      str("Country name, such as `Norway`."),
				"country_code": str("ISO 3166-1 alpha-2 country code, **lower case** like `country_code` elsewhere in this provider (the API sends it upper case here)."),
				"mcc":          str("Mobile country code (a string: leading zeros kept)."),
				"mnc":          str("Mobile network code (a string: `\"01\"` keeps its zero)."),
			},
		},
	}
}

// newSimModel converts a SIM from the client. A field the API left out is
// null; tags are an empty list when absent, network an object of nulls.
func newSimModel(s onomondo.SIM) simModel {
	m := simModel{
		ID:               optString(s.ID),
		ICCID:            optString(s.ICCID),
		Label:            optString(s.Label),
		Activated:        types.BoolPointerValue(s.Activated),
		Online:           types.BoolPointerValue(s.Online),
		OnlineAt:         optString(s.OnlineAt),
		IMEI:             optString(s.IMEI),
		NetworkWhitelist: optString(s.NetworkWhitelist),
	}
	tags := make([]attr.Value, len(s.Tags))
	for i, t := range s.Tags {
		tags[i] = types.ObjectValueMust(simTagAttrTypes, map[string]attr.Value{"id": optString(t.ID), "name": optString(t.Name)})
	}
	m.Tags = types.ListValueMust(simTagObjectType, tags)

	m.DataLimit = types.ObjectNull(dataLimitAttrTypes)
	if d := s.DataLimit; d != nil {
		lim := readLimit(d)
		m.DataLimit = types.ObjectValueMust(dataLimitAttrTypes, map[string]attr.Value{
			"total":           types.Int64PointerValue(d.Total),
			"used":            types.Int64PointerValue(d.Used),
			"type":            optString(d.Type),
			"period":          optString(d.Period),
			"alert_threshold": types.Int64PointerValue(d.AlertThreshold),
			"resets_at":       optString(d.ResetsAt),
			"alert_at":        types.Int64PointerValue(lim.alertAt),
			"percent_used":    types.Float64PointerValue(lim.percent),
			"state":           optString(lim.state),
		})
	}
	n := s.Network
	m.Network = types.ObjectValueMust(simNetworkAttrTypes, map[string]attr.Value{
		"name":         optString(n.Name),
		"country":      optString(n.Country),
		"country_code": optString(n.CountryCode),
		"mcc":          optString(n.MCC),
		"mnc":          optString(n.MNC),
	})
	return m
}

// unreadTimesWarning says that some times were kept as sent.
func unreadTimesWarning(diags *diag.Diagnostics, n int) {
	if n > 0 {
		diags.AddWarning("Some SIM times were not converted",
			fmt.Sprintf("The API sent %d time(s) (online_at or data_limit.resets_at) in neither RFC 3339 nor \"YYYY-MM-DD HH:MM:SS\"; they are kept as sent.", n))
	}
}
