package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// UsageArgs are the arguments that onomondo_usage and onomondo_sim_usage
// share. Each maps to the API parameter of the same name.
type UsageArgs struct {
	Time           types.String `tfsdk:"time"`
	CountryCode    types.String `tfsdk:"country_code"`
	Group          types.String `tfsdk:"group"`
	Limit          types.Int64  `tfsdk:"limit"`
	Offset         types.Int64  `tfsdk:"offset"`
	NextPage       types.String `tfsdk:"next_page"`
	MaxRecords     types.Int64  `tfsdk:"max_records"`
	IncludeRecords types.Bool   `tfsdk:"include_records"`
	WindowArgs
}

// UsageResults are the read-only results both usage data sources share.
type UsageResults struct {
	ID                 types.String `tfsdk:"id"`
	Records            types.List   `tfsdk:"records"`
	RecordCount        types.Int64  `tfsdk:"record_count"`
	TotalBytes         types.Int64  `tfsdk:"total_bytes"`
	BytesByCountry     types.Map    `tfsdk:"bytes_by_country"`
	BytesByNetworkType types.Map    `tfsdk:"bytes_by_network_type"`
	BytesByDay         types.Map    `tfsdk:"bytes_by_day"`
	Pagination         types.Object `tfsdk:"pagination"`
}

// largeStateRecords is where a warning suggests include_records = false.
const largeStateRecords = 10000

// defaultLimit is the API's page size when limit is not set.
const defaultLimit = 1000

var recordAttrTypes = map[string]attr.Type{
	"time":         types.StringType,
	"bill_id":      types.StringType,
	"sim_id":       types.StringType,
	"iccid":        types.StringType,
	"session_id":   types.StringType,
	"bytes":        types.Int64Type,
	"country_code": types.StringType,
	"network_type": types.StringType,
	"mcc":          types.StringType,
	"mnc":          types.StringType,
}

var recordObjectType = types.ObjectType{AttrTypes: recordAttrTypes}

var paginationAttrTypes = map[string]attr.Type{
	"has_more":  types.BoolType,
	"next_page": types.StringType,
}

// usageArgAttributes are the schema of UsageArgs. The endpoint's path names
// the API endpoint in descriptions.
func usageArgAttributes() map[string]schema.Attribute {
	return mergeAttributes(windowArgAttributes("time"), map[string]schema.Attribute{
		"time": schema.StringAttribute{
			MarkdownDescription: "Usage period, sent as the API filter `time:<value>`: a year `YYYY`, a month `YYYY-MM` or a day " +
				"`YYYY-MM-DD` (UTC), and a date that exists (`2024-02-30` is refused at plan time). For the current month in a CI " +
				"plan use `formatdate(\"YYYY-MM\", plantimestamp())` (not `timestamp()`, which is unknown until apply: the read " +
				"would be deferred and checks on it unknown in the plan). For an exact span such as the last 24 hours use `since` instead.",
			Optional:   true,
			Validators: []validator.String{timeValidator()},
		},
		"country_code": schema.StringAttribute{
			MarkdownDescription: "Country where the data was used, sent as the API filter `country_code:<value>`: an ISO 3166-1 " +
				"alpha-2 code in any case (`DK` or `dk`); it is sent in lower case, as the API expects.",
			Optional:   true,
			Validators: []validator.String{countryCodeValidator()},
		},
		"group": schema.StringAttribute{
			MarkdownDescription: "API parameter `group`. The only value is `\"hours\"`: the API then returns hourly records " +
				"(summed per SIM and hour; `bill_id` and `session_id` are then usually null). Unset: one record per ~15-minute chunk.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf("hours")},
		},
		"limit": schema.Int64Attribute{
			MarkdownDescription: "API parameter `limit`: records per page, `1` to `1000`. Default `1000` (the API's default; not " +
				"sent unless set). Paging is automatic, so this only trades request count against page size.",
			Optional:   true,
			Computed:   true,
			Validators: []validator.Int64{int64validator.Between(1, 1000)},
		},
		"offset": schema.Int64Attribute{
			MarkdownDescription: "API parameter `offset`: records to skip before the first one read, `0` or more. Sent on the first " +
				"request only; later pages follow the API's cursor. Cannot be combined with `next_page`, nor with `since` (nor, on `onomondo_usage`, " +
				"`tag_names`/`tag_ids`), which make several reads.",
			Optional: true,
			Validators: []validator.Int64{
				int64validator.AtLeast(0),
				int64validator.ConflictsWith(path.MatchRoot("next_page")),
			},
		},
		"next_page": schema.StringAttribute{
			MarkdownDescription: "API parameter `next_page`: start reading at this cursor, taken from `pagination.next_page` of an " +
				"earlier read with the same filters (for example one stopped by `max_records`). The read continues exactly there: " +
				"nothing skipped, nothing counted twice. Cannot be combined with `since` (nor, on `onomondo_usage`, `tag_names`/`tag_ids`).",
			Optional:   true,
			Validators: []validator.String{cursorValidator()},
		},
		"max_records": schema.Int64Attribute{
			MarkdownDescription: "Stop after this many records (`1` or more). Unset: every page is read. When the read stops early, " +
				"the totals cover only the records read, a warning says so, and `pagination.next_page` is where a later read continues. " +
				"Not an API parameter: the last page is requested with a smaller `limit` so reading stops exactly here. Cannot be " +
				"combined with `since` (nor, on `onomondo_usage`, `tag_names`/`tag_ids`): their totals are always complete.",
			Optional:   true,
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		"include_records": schema.BoolAttribute{
			MarkdownDescription: "Whether to keep every record in `records`. Default `true`. Set `false` to keep only the totals and " +
				"maps, so state and memory stay small however much usage there is; recommended for fleets and for any read of more " +
				"than 10,000 records. Totals are computed the same either way.",
			Optional: true,
			Computed: true,
		},
	})
}

// usageResultAttributes are the schema of UsageResults.
func usageResultAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "Identifier of this read, stable for the same arguments.",
			Computed:            true,
		},
		"records": recordsAttribute("Every record counted, in the API's order (period by period for a window); null when "+
			"`include_records` is `false`. With `since`, only the records that start inside the window. A field the API "+
			"left out is null.", map[string]schema.Attribute{
			"time": schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the record's period, " +
				"RFC 3339 in UTC (`2025-03-01T07:45:00Z`), converted from the API's `YYYY-MM-DD HH:MM:SS`."},
			"bill_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Billing record id (UUID)."},
			"session_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "Data session id (UUID)."},
			"bytes":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes used in this record (upload and download together)."},
			"country_code": schema.StringAttribute{Computed: true, MarkdownDescription: "ISO 3166-1 alpha-2 country code, lower case."},
			"network_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Radio access technology, such as `4G` or `NB-IoT`."},
		}),
		"record_count": schema.Int64Attribute{
			MarkdownDescription: "Number of records counted, across all pages (with `since`, those that start inside the window).",
			Computed:            true,
		},
		"total_bytes": schema.Int64Attribute{
			MarkdownDescription: "Sum of `bytes` over every record counted, across all pages; the number to put thresholds on. " +
				"With `since`, exactly the records that start in `[since, until)`. Complete unless `max_records` stopped the read " +
				"early (then a warning says so).",
			Computed: true,
		},
		"bytes_by_country": schema.MapAttribute{
			MarkdownDescription: "Total bytes per country code (lower case); records without a country are under `\"unknown\"`.",
			Computed:            true,
			ElementType:         types.Int64Type,
		},
		"bytes_by_network_type": schema.MapAttribute{
			MarkdownDescription: "Total bytes per network type (such as `4G`); records without one are under `\"unknown\"`.",
			Computed:            true,
			ElementType:         types.Int64Type,
		},
		"bytes_by_day": schema.MapAttribute{
			MarkdownDescription: "Total bytes per UTC day of the records' start times (`\"2025-03-01\"`): the series to plot or " +
				"project from. Days without usage have no entry. A record whose time cannot be read is under `\"unknown\"` (a " +
				"window read refuses such a record instead), so the map adds up to `total_bytes`.",
			Computed:    true,
			ElementType: types.Int64Type,
		},
		"pagination": schema.SingleNestedAttribute{
			MarkdownDescription: "Where reading stopped. After a complete read `has_more` is `false` and `next_page` is null; " +
				"after a read stopped by `max_records`, `next_page` is the cursor to pass to a later read to continue exactly there.",
			Computed: true,
			Attributes: map[string]schema.Attribute{
				"has_more":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether records are left after the last one read."},
				"next_page": schema.StringAttribute{Computed: true, MarkdownDescription: "Cursor of the first record not read; null when none are left."},
			},
		},
	}
}

// recordSIMAttributes are the attributes every kind of record has (usage
// records and SMS): the SIM and the network.
func recordSIMAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"sim_id": schema.StringAttribute{Computed: true, MarkdownDescription: "9-digit SIM id."},
		"iccid":  schema.StringAttribute{Computed: true, MarkdownDescription: "ICCID of the SIM."},
		"mcc":    schema.StringAttribute{Computed: true, MarkdownDescription: "Mobile country code of the network (a string: leading zeros kept)."},
		"mnc":    schema.StringAttribute{Computed: true, MarkdownDescription: "Mobile network code of the network (a string: `\"06\"` keeps its zero)."},
	}
}

// recordsAttribute is a computed list of records, each with the SIM
// attributes and attrs.
func recordsAttribute(description string, attrs map[string]schema.Attribute) schema.Attribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: description,
		Computed:            true,
		NestedObject:        schema.NestedAttributeObject{Attributes: mergeAttributes(recordSIMAttributes(), attrs)},
	}
}

// mergeAttributes joins attribute maps into one schema map.
func mergeAttributes(maps ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
