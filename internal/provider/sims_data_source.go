package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

var (
	_ datasource.DataSource              = &SimsDataSource{}
	_ datasource.DataSourceWithConfigure = &SimsDataSource{}
)

// SimsDataSource is onomondo_sims: every SIM of the organisation from
// GET /sims, with labels, tags, data limits and networks, and the maps that
// tie them to usage reads.
type SimsDataSource struct {
	client *onomondo.Client
}

// SimsDataSourceModel is the state of onomondo_sims.
type SimsDataSourceModel struct {
	Online       types.Bool  `tfsdk:"online"`
	Activated    types.Bool  `tfsdk:"activated"`
	TagIDs       types.Set   `tfsdk:"tag_ids"`
	TagNames     types.Set   `tfsdk:"tag_names"`
	SIMs         types.List  `tfsdk:"sims"`
	IDsByTagName types.Map   `tfsdk:"ids_by_tag_name"`
	IDsByTagID   types.Map   `tfsdk:"ids_by_tag_id"`
	LabelByID    types.Map   `tfsdk:"label_by_id"`
	IDByICCID    types.Map   `tfsdk:"id_by_iccid"`
	SIMCount     types.Int64 `tfsdk:"sim_count"`
	simLimits
}

// NewSimsDataSource returns onomondo_sims.
func NewSimsDataSource() datasource.DataSource { return &SimsDataSource{} }

func (d *SimsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sims"
}

func (d *SimsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the SIMs of the organisation from `GET /sims`, across every page (one request per " +
			"1000 SIMs): labels, tags, activation, online state and network, and each SIM's data limit with its use in " +
			"the current period. Its maps tie SIMs to usage reads: `ids_by_tag_name` with `onomondo_usage`'s `bytes_by_sim` " +
			"gives a tag's usage for any month, and `data_limit` checks every SIM against its own limit without reading usage at all.",
		Attributes: mergeAttributes(map[string]schema.Attribute{
			"online": schema.BoolAttribute{
				MarkdownDescription: "Only SIMs that are online (`true`) or offline (`false`), sent as the API filter " +
					"`filter[]=online:<value>`. Unset: both.",
				Optional: true,
			},
			"activated": schema.BoolAttribute{
				MarkdownDescription: "Only SIMs that are activated (`true`) or not (`false`), sent as the API filter " +
					"`filter[]=activated:<value>`. Unset: both.",
				Optional: true,
			},
			"tag_ids": schema.SetAttribute{
				MarkdownDescription: "Only SIMs carrying at least one of these tags, by tag id (UUID). The API has no tag " +
					"filter, so the provider reads every SIM and keeps the matching ones. With `tag_names` as well, a SIM " +
					"matching either is kept. A tag that no SIM carries gives a warning (a typo, or a tag outside the key's scope).",
				Optional:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(tagIDValidator()),
				},
			},
			"tag_names": schema.SetAttribute{
				MarkdownDescription: "Only SIMs carrying at least one of these tags, by exact tag name (`production`). " +
					"Applied by the provider like `tag_ids`.",
				Optional:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(tagNameValidator()),
				},
			},
			"sims": schema.ListNestedAttribute{
				MarkdownDescription: "The SIMs read, after the filters, sorted by `id`.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: simAttributes("9-digit SIM id, zero padded (`000012345`).")},
			},
			"ids_by_tag_name": schema.MapAttribute{
				MarkdownDescription: "Tag name to the sorted ids of the SIMs in `sims` carrying it. A tag no SIM in `sims` " +
					"carries has no entry: look it up with a default, `lookup(data.onomondo_sims.all.ids_by_tag_name, \"production\", [])`.",
				Computed:    true,
				ElementType: types.ListType{ElemType: types.StringType},
			},
			"ids_by_tag_id": schema.MapAttribute{
				MarkdownDescription: "Tag id to the sorted ids of the SIMs in `sims` carrying it, like `ids_by_tag_name`.",
				Computed:            true,
				ElementType:         types.ListType{ElemType: types.StringType},
			},
			"label_by_id": schema.MapAttribute{
				MarkdownDescription: "SIM id to label, for messages that name SIMs the way people know them. SIMs without a " +
					"label have no entry: `lookup(data.onomondo_sims.all.label_by_id, id, id)` falls back to the id.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"id_by_iccid": schema.MapAttribute{
				MarkdownDescription: "ICCID to SIM id.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"sim_count": schema.Int64Attribute{
				MarkdownDescription: "Number of SIMs in `sims`.",
				Computed:            true,
			},
		}, simLimitAttributes()),
	}
}

func (d *SimsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *SimsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m SimsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var q onomondo.SIMQuery
	for _, f := range []struct {
		key string
		val types.Bool
	}{{"online", m.Online}, {"activated", m.Activated}} {
		if !f.val.IsNull() && !f.val.IsUnknown() {
			q.Filters = append(q.Filters, onomondo.Filter{Key: f.key, Value: strconv.FormatBool(f.val.ValueBool())})
		}
	}
	var tagIDs, tagNames []string
	resp.Diagnostics.Append(setStrings(ctx, m.TagIDs, &tagIDs)...)
	resp.Diagnostics.Append(setStrings(ctx, m.TagNames, &tagNames)...)
	if resp.Diagnostics.HasError() {
		return
	}

	list, err := d.client.ListSIMs(ctx, q)
	if err != nil {
		addClientError(&resp.Diagnostics, err)
		return
	}
	unreadTimesWarning(&resp.Diagnostics, list.UnreadTimes)
	sims := filterByTags(list.SIMs, tagIDs, tagNames, &resp.Diagnostics)
	slices.SortStableFunc(sims, func(a, b onomondo.SIM) int { return compareIDs(a.ID, b.ID) })

	m.SIMs = types.ListNull(simObjectType) // set below, built directly (sims_value.go)
	m.SIMCount = types.Int64Value(int64(len(sims)))
	m.IDsByTagName, m.IDsByTagID, m.LabelByID, m.IDByICCID = simMaps(sims)
	m.simLimits = newSimLimits(sims, &resp.Diagnostics)
	if n := countFunc(sims, func(s onomondo.SIM) bool { return s.ID == "" }); n > 0 {
		resp.Diagnostics.AddWarning("SIMs without an id",
			fmt.Sprintf("The API listed %d SIM(s) without an id. They are in sims, but in none of the maps keyed or valued by SIM id.", n))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setRawAttribute(&resp.State, "sims", simsTerraformValue(sims))...)
}

// setStrings reads a set of strings that may be null.
func setStrings(ctx context.Context, set types.Set, out *[]string) diag.Diagnostics {
	if set.IsNull() || set.IsUnknown() {
		return nil
	}
	return set.ElementsAs(ctx, out, false)
}

// filterByTags keeps the SIMs carrying any of the tags (by id, in any
// case, or by exact name); no tags given keeps every SIM. A given tag that
// no SIM carries gets a warning.
func filterByTags(sims []onomondo.SIM, ids, names []string, diags *diag.Diagnostics) []onomondo.SIM {
	if len(ids) == 0 && len(names) == 0 {
		return sims
	}
	wantID := map[string]bool{}
	for _, id := range ids {
		wantID[strings.ToLower(id)] = false
	}
	wantName := map[string]bool{}
	for _, n := range names {
		wantName[n] = false
	}
	var out []onomondo.SIM
	for _, s := range sims {
		keep := false
		for _, t := range s.Tags {
			id := strings.ToLower(t.ID)
			if _, ok := wantID[id]; ok {
				wantID[id], keep = true, true
			}
			if _, ok := wantName[t.Name]; ok {
				wantName[t.Name], keep = true, true
			}
		}
		if keep {
			out = append(out, s)
		}
	}
	var unused []string
	for _, id := range ids {
		if !wantID[strings.ToLower(id)] {
			unused = append(unused, "tag id "+strconv.Quote(id))
		}
	}
	for _, n := range names {
		if !wantName[n] {
			unused = append(unused, "tag name "+strconv.Quote(n))
		}
	}
	if len(unused) > 0 {
		slices.Sort(unused)
		diags.AddWarning("No SIM carries some of the tags asked for",
			fmt.Sprintf("No SIM read carries %s. Check the spelling (names are matched exactly, ids in any case); a tag "+
				"outside the API key's tag scope also matches nothing.", strings.Join(unused, ", ")))
	}
	return out
}

// simMaps builds ids_by_tag_name, ids_by_tag_id, label_by_id and
// id_by_iccid over sims. SIMs without an id are left out of all four.
func simMaps(sims []onomondo.SIM) (byName, byTagID, labels, byICCID types.Map) {
	names, tagIDs := map[string][]string{}, map[string][]string{}
	labelMap, iccidMap := map[string]attr.Value{}, map[string]attr.Value{}
	for _, s := range sims {
		if s.ID == "" {
			continue
		}
		for _, t := range s.Tags {
			if t.Name != "" {
				names[t.Name] = append(names[t.Name], s.ID)
			}
			if t.ID != "" {
				tagIDs[t.ID] = append(tagIDs[t.ID], s.ID)
			}
		}
		if s.Label != "" {
			labelMap[s.ID] = types.StringValue(s.Label)
		}
		if s.ICCID != "" {
			iccidMap[s.ICCID] = types.StringValue(s.ID)
		}
	}
	return idLists(names), idLists(tagIDs), types.MapValueMust(types.StringType, labelMap), types.MapValueMust(types.StringType, iccidMap)
}

// idLists is a map of sorted, duplicate-free lists of SIM ids.
func idLists(m map[string][]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, ids := range m {
		slices.SortFunc(ids, compareIDs)
		elems[k] = idList(slices.Compact(ids))
	}
	return types.MapValueMust(types.ListType{ElemType: types.StringType}, elems)
}

// compareIDs orders SIM ids; "" (no id) last.
func compareIDs(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}
