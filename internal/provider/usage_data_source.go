package provider

import (
	"context"
	"time"

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

	TagNames       types.Set `tfsdk:"tag_names"`
	TagIDs         types.Set `tfsdk:"tag_ids"`
	BytesByTagName types.Map `tfsdk:"bytes_by_tag_name"`
}

// NewUsageDataSource returns onomondo_usage.
func NewUsageDataSource() datasource.DataSource { return &UsageDataSource{} }

func (d *UsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_usage"
}

func (d *UsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the usage records of every SIM of the organisation from `GET /usage`, narrowed by at least one " +
			"of `time` (or an exact window `since`/`until`), `sim_id` and `country_code`, and optionally to the SIMs of some tags, " +
			"across every page, and sums them: `total_bytes`, `record_count`, `sim_count` and per-SIM, per-country, " +
			"per-network-type, per-day and per-tag maps, ready for `check` blocks, postconditions and policy checks.",
		Attributes: mergeAttributes(usageArgAttributes(), usageResultAttributes(), map[string]schema.Attribute{
			"sim_id": schema.StringAttribute{
				MarkdownDescription: "One SIM, sent as the API filter `sim_id:<value>`: its 9-digit id, zero padded (`000012345`). " +
					"To read a SIM by ICCID use `onomondo_sim_usage`.",
				Optional:   true,
				Validators: []validator.String{simIDValidator()},
			},
			"tag_names": tagSetAttribute("Only the usage of the SIMs carrying at least one of these tags, by exact tag name "+
				"(`production`). The API has no tag filter on usage, so the provider also reads `GET /sims` (one request "+
				"per 1000 SIMs) and keeps the records of these SIMs (by `sim_id`, or ICCID); how it reads their usage is "+
				"described on this page. A tag that no SIM carries is an **error** naming the nearest tag names that exist "+
				"(`\"Production\"` suggests `\"production\"`): a typo never reads as 0 bytes. With `tag_ids` as well, a SIM "+
				"carrying either is kept. Cannot be combined with `sim_id`.", tagNameValidator()),
			"tag_ids": tagSetAttribute("Like `tag_names`, by tag id (UUID, any case). A tag id no SIM carries is an error too.",
				tagIDValidator()),
			"bytes_by_tag_name": schema.MapAttribute{
				MarkdownDescription: "Total bytes per tag asked for (`tag_names`, and the names of `tag_ids`), over the " +
					"records counted: a SIM carrying two of the tags counts in both, so the values can add up to more than " +
					"`total_bytes`, which counts each record once. Every tag asked for has an entry, `0` when its SIMs used " +
					"nothing. Only the tags asked for: other tags of the same SIMs are not listed. Null without `tag_names` or `tag_ids`.",
				Computed:    true,
				ElementType: types.Int64Type,
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

// ConfigValidators: GET /usage requires a filter (a window sends time);
// the paging arguments address one read.
func (d *UsageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.AtLeastOneOf(
			path.MatchRoot("time"),
			path.MatchRoot("since"),
			path.MatchRoot("sim_id"),
			path.MatchRoot("country_code"),
		),
		severalReads{args: []string{"since", "tag_names", "tag_ids"}},
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
	w, windowed, diags := m.window(time.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := m.query()
	if v := m.SimID.ValueString(); v != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "sim_id", Value: v})
	}
	var scope usageScope
	if windowed {
		scope.window = &w
	}
	if !m.TagNames.IsNull() || !m.TagIDs.IsNull() {
		if d.client == nil {
			notConfigured(&resp.Diagnostics)
			return
		}
		var names, ids []string
		resp.Diagnostics.Append(setStrings(ctx, m.TagNames, &names)...)
		resp.Diagnostics.Append(setStrings(ctx, m.TagIDs, &ids)...)
		if resp.Diagnostics.HasError() {
			return
		}
		scope.tags, diags = selectTagSIMs(ctx, d.client, names, ids)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	read, diags := readUsage(ctx, d.client, "usage", q, m.includeRecords(), scope)
	resp.Diagnostics.Append(diags...)
	if read == nil {
		return
	}
	m.UsageArgs = m.withDefaults(scope.window)
	m.UsageResults = read.results
	m.SimCount = types.Int64Value(read.agg.simCount())
	m.BytesBySim = int64Map(read.agg.bySim)
	m.BytesByTagName = types.MapNull(types.Int64Type)
	if scope.tags != nil {
		m.BytesByTagName = scope.tags.bytesByName(read.agg.bySim)
	}
	resp.Diagnostics.Append(saveUsageState(ctx, &resp.State, &m, read.agg)...)
}
