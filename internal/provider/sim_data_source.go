package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

var (
	_ datasource.DataSource              = &SimDataSource{}
	_ datasource.DataSourceWithConfigure = &SimDataSource{}
)

// SimDataSource is onomondo_sim: one SIM from GET /sims/{id}, by id or
// ICCID.
type SimDataSource struct {
	client *onomondo.Client
}

// SimDataSourceModel is the state of onomondo_sim: the argument, then the
// SIM's attributes at the top level.
type SimDataSourceModel struct {
	SimID types.String `tfsdk:"sim_id"`
	simModel
}

// NewSimDataSource returns onomondo_sim.
func NewSimDataSource() datasource.DataSource { return &SimDataSource{} }

func (d *SimDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sim"
}

func (d *SimDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := simAttributes("9-digit SIM id, zero padded (`000012345`), also when `sim_id` is an ICCID.")
	attrs["sim_id"] = schema.StringAttribute{
		MarkdownDescription: "The SIM, sent in the path of `GET /sims/{id}`: its 9-digit id, zero padded (`000012345`), " +
			"or its ICCID (18 to 22 digits).",
		Required:   true,
		Validators: []validator.String{simIDOrICCIDValidator()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one SIM from `GET /sims/{id}`, by SIM id or ICCID: its label, tags, activation, online " +
			"state and network, and its data limit with the use of the current period. For many SIMs read them all at once " +
			"with `onomondo_sims` (one request per 1000 SIMs) instead of one `onomondo_sim` each.",
		Attributes: attrs,
	}
}

func (d *SimDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *SimDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m SimDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	sim, unread, err := d.client.GetSIM(ctx, m.SimID.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, err)
		return
	}
	unreadTimesWarning(&resp.Diagnostics, unread)
	m.simModel = newSimModel(sim)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
