package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

var (
	_ datasource.DataSource              = &TagUsageDataSource{}
	_ datasource.DataSourceWithConfigure = &TagUsageDataSource{}
)

// TagUsageDataSource is onomondo_tag_usage: GET /usage/tag-total/{tag_id},
// one total for all SIMs carrying a tag.
type TagUsageDataSource struct {
	client *onomondo.Client
}

// TagUsageDataSourceModel is the state of onomondo_tag_usage.
type TagUsageDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	TagID        types.String `tfsdk:"tag_id"`
	TotalBytes   types.Int64  `tfsdk:"total_bytes"`
	TotalSource  types.String `tfsdk:"total_source"`
	ResponseJSON types.String `tfsdk:"response_json"`
}

// NewTagUsageDataSource returns onomondo_tag_usage.
func NewTagUsageDataSource() datasource.DataSource { return &TagUsageDataSource{} }

func (d *TagUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tag_usage"
}

func (d *TagUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the total usage of all SIMs carrying a tag from `GET /usage/tag-total/{tag_id}`. " +
			"The endpoint takes no time or country filter, so the total covers whatever period the API counts; for a " +
			"period-bound total use `onomondo_usage`. Onomondo does not document this endpoint's answer, so it is decoded " +
			"leniently and also kept, as sent but for the API key, in `response_json`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of this read: `tag-<tag_id>`.",
				Computed:            true,
			},
			"tag_id": schema.StringAttribute{
				MarkdownDescription: "The tag, sent in the path of `GET /usage/tag-total/{tag_id}`: its UUID " +
					"(`3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f`).",
				Required:   true,
				Validators: []validator.String{tagIDValidator()},
			},
			"total_bytes": schema.Int64Attribute{
				MarkdownDescription: "Total bytes used by the tag's SIMs: the number under `total_bytes`, `bytes`, `total` or " +
					"`usage` in the answer (in the answer's `unit` when it gives one: `MB` is 10^6 bytes, `MiB` 2^20; an unknown unit fails the read), " +
					"or the sum of `bytes` over a `usage` list of records. Null (with a warning) when the " +
					"answer carries no total in any of these shapes; the read fails if two of them disagree. Handle null first in conditions " +
					"and messages (`self.total_bytes != null ? ... : ...` or `coalesce(self.total_bytes, 0)`): comparing null, or passing it " +
					"to `format_bytes`, is an error.",
				Computed: true,
			},
			"total_source": schema.StringAttribute{
				MarkdownDescription: "Where `total_bytes` came from: the answer's key (`total_bytes`, `bytes`, `total`, `usage`) " +
					"or `usage[]` for a summed list of records; null when no total was found.",
				Computed: true,
			},
			"response_json": schema.StringAttribute{
				MarkdownDescription: "The API's answer as a JSON string, unchanged but for the API key: an answer that echoes it holds `<redacted>` in its place. Use `jsondecode()` for fields the provider does not map.",
				Computed:            true,
			},
		},
	}
}

func (d *TagUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *TagUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m TagUsageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	tagID := m.TagID.ValueString()
	total, err := d.client.GetTagTotal(ctx, tagID)
	if err != nil {
		addClientError(&resp.Diagnostics, err)
		return
	}
	m.ID = types.StringValue("tag-" + strings.ToLower(tagID))
	m.ResponseJSON = types.StringValue(string(total.Raw))
	if total.Found {
		m.TotalBytes = types.Int64Value(total.Bytes)
		m.TotalSource = types.StringValue(total.From)
	} else {
		m.TotalBytes = types.Int64Null()
		m.TotalSource = types.StringNull()
		resp.Diagnostics.AddWarning("Tag usage answer has no total",
			fmt.Sprintf("The answer of GET /usage/tag-total/%s holds no number under %s and no \"usage\" list, so total_bytes is null. "+
				"The answer is kept in response_json; a check on total_bytes should treat null as unknown, not as zero.",
				tagID, strings.Join(onomondo.TotalKeys, ", ")))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
