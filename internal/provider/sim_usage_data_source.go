package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

var (
	_ datasource.DataSource                     = &SimUsageDataSource{}
	_ datasource.DataSourceWithConfigure        = &SimUsageDataSource{}
	_ datasource.DataSourceWithConfigValidators = &SimUsageDataSource{}
)

// SimUsageDataSource is onomondo_sim_usage: GET /usage/{sim_id}, the usage
// of one SIM by id or ICCID.
type SimUsageDataSource struct {
	client *onomondo.Client
}

// SimUsageDataSourceModel is the state of onomondo_sim_usage.
type SimUsageDataSourceModel struct {
	SimID types.String `tfsdk:"sim_id"`
	ICCID types.String `tfsdk:"iccid"`
	UsageArgs
	UsageResults
}

// NewSimUsageDataSource returns onomondo_sim_usage.
func NewSimUsageDataSource() datasource.DataSource { return &SimUsageDataSource{} }

func (d *SimUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sim_usage"
}

func (d *SimUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the usage records of one SIM from `GET /usage/{sim_id}`, by SIM id or ICCID, optionally " +
			"narrowed by `time` (or an exact window `since`/`until`) and `country_code`, across every page, and sums them: `total_bytes`, `record_count` and " +
			"per-country and per-network-type maps. To check many SIMs, read the fleet once with `onomondo_usage` and use its " +
			"`bytes_by_sim`: one paged read instead of one per SIM, under the same rate limit.",
		Attributes: mergeAttributes(usageArgAttributes(), usageResultAttributes(), map[string]schema.Attribute{
			"sim_id": schema.StringAttribute{
				MarkdownDescription: "The SIM, sent in the path of `GET /usage/{sim_id}`: its 9-digit id, zero padded " +
					"(`000012345`), or its ICCID (18 to 22 digits).",
				Required:   true,
				Validators: []validator.String{simIDOrICCIDValidator()},
			},
			"iccid": schema.StringAttribute{
				MarkdownDescription: "ICCID of the SIM, taken from its records; null when no record carries one (for example when no usage was read).",
				Computed:            true,
			},
		}),
	}
}

func (d *SimUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *SimUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m SimUsageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w, windowed, diags := m.window(time.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := m.query()
	q.SIM = m.SimID.ValueString()
	var scope usageScope
	if windowed {
		scope.window = &w
	}
	read, diags := readUsage(ctx, d.client, "sim-usage", q, m.includeRecords(), scope)
	resp.Diagnostics.Append(diags...)
	if read == nil {
		return
	}
	m.UsageArgs = m.withDefaults(scope.window)
	m.UsageResults = read.results
	m.ICCID = optString(read.agg.iccid)
	resp.Diagnostics.Append(saveUsageState(ctx, &resp.State, &m, read.agg)...)
}

// ConfigValidators: the paging arguments address one read.
func (d *SimUsageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{severalReads{args: []string{"since"}}}
}
