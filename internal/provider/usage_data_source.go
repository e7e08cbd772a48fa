package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

var (
	_ datasource.DataSource                     = &UsageDataSource{}
	_ datasource.DataSourceWithConfigure        = &UsageDataSource{}
	_ datasource.DataSourceWithConfigValidators = &UsageDataSource{}
)

// UsageDataSource is onomondo_usage: GET /usage, the usage of every SIM of
// the organisation, narrowed by filters.
type UsageDataSource struct {
	client *onomondo.Client
}

// UsageDataSourceModel is the state of onomondo_usage.
type UsageDataSourceModel struct {
	SimID types.String `tfsdk:"sim_id"`
	UsageArgs
	UsageResults
	SimCount   types.Int64 `tfsdk:"sim_count"`
	BytesBySim types.Map   `tfsdk:"bytes_by_sim"`
}

// NewUsageDataSource returns onomondo_usage.
func NewUsageDataSource() datasource.DataSource { return &UsageDataSource{} }

func (d *UsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_usage"
}

func (d *UsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the usage records of every SIM of the organisation from `GET /usage`, narrowed by at least one " +
			"of `time`, `sim_id` and `country_code`, across every page, and sums them: `total_bytes`, `record_count`, `sim_count` and " +
			"per-SIM, per-country and per-network-type maps, ready for `check` blocks, postconditions and policy checks.",
		Attributes: mergeAttributes(usageArgAttributes(), usageResultAttributes(), map[string]schema.Attribute{
			"sim_id": schema.StringAttribute{
				MarkdownDescription: "One SIM, sent as the API filter `sim_id:<value>`: its 9-digit id, zero padded (`000012345`). " +
					"To read a SIM by ICCID use `onomondo_sim_usage`.",
				Optional:   true,
				Validators: []validator.String{simIDValidator()},
			},
			"sim_count": schema.Int64Attribute{
				MarkdownDescription: "Number of distinct SIMs among the records read.",
				Computed:            true,
			},
			"bytes_by_sim": schema.MapAttribute{
				MarkdownDescription: "Total bytes per SIM id (a record without `sim_id` is keyed by its ICCID, or `\"unknown\"`). " +
					"One read gives per-SIM thresholds: `alltrue([for id, b in data.onomondo_usage.this.bytes_by_sim : b < limit])`. " +
					"SIMs without usage in the period have no entry; use `lookup(..., id, 0)` for a given SIM.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
		}),
	}
}

// ConfigValidators: GET /usage requires a filter.
func (d *UsageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.AtLeastOneOf(
			path.MatchRoot("time"),
			path.MatchRoot("sim_id"),
			path.MatchRoot("country_code"),
		),
	}
}

func (d *UsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *UsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m UsageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := m.query()
	if v := m.SimID.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "sim_id", Value: v})
	}
	read, diags := readUsage(ctx, d.client, "usage", q, m.includeRecords())
	resp.Diagnostics.Append(diags...)
	if read == nil {
		return
	}
	m.UsageArgs = m.withDefaults()
	m.UsageResults = read.results
	m.SimCount = types.Int64Value(read.agg.simCount())
	m.BytesBySim = int64Map(read.agg.bySim)
	resp.Diagnostics.Append(saveUsageState(ctx, &resp.State, &m, read.agg)...)
}
