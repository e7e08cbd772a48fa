package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// pagingArgs address one paged read: where it starts and where it stops.
var pagingArgs = []string{"offset", "next_page", "max_records"}

// severalReads refuses the paging arguments (offset, next_page,
// max_records) beside an argument that makes a usage read into several
// paged reads (since: one per period of the window; tag_names, tag_ids:
// one per period, or per SIM). A cursor or an offset belongs to one read,
// and a total cut short by max_records is no total of a window or a tag.
// Each refusal is an error on the paging argument at plan time, before any
// request; arguments not known yet are left to the read.
type severalReads struct {
	args []string // the arguments that make several reads
}

var _ datasource.ConfigValidator = severalReads{}

func (v severalReads) Description(context.Context) string {
	return fmt.Sprintf("offset, next_page and max_records cannot be combined with %v", v.args)
}

func (v severalReads) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v severalReads) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	set := func(name string) bool {
		var val attr.Value
		diags := req.Config.GetAttribute(ctx, path.Root(name), &val)
		return !diags.HasError() && val != nil && !val.IsNull() && !val.IsUnknown()
	}
	for _, several := range v.args {
		if !set(several) {
			continue
		}
		why := "a window is read as one paged read per period that covers it (days, and whole months inside it), so its totals are always complete"
		if several != "since" {
			why = "the tags' usage is read as one paged read per period, or per SIM, so its totals are always complete"
		}
		for _, p := range pagingArgs {
			if set(p) {
				resp.Diagnostics.AddAttributeError(path.Root(p), "Invalid Attribute Combination",
					fmt.Sprintf("%s cannot be combined with %s: %s, and %s addresses a single paged read. Remove %s.", p, several, why, p, p))
			}
		}
	}
}
