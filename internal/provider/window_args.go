package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/validate"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// WindowArgs are `since` and `until`: an exact window [since, until), the
// alternative to a whole period (`time`). The data sources that take them
// read the periods that cover the window (window.Cover or window.Days) and
// keep only the records that start inside it.
type WindowArgs struct {
	Since types.String `tfsdk:"since"`
	Until types.String `tfsdk:"until"`
}

// windowArgAttributes is the schema of WindowArgs. periods names the
// attributes a window replaces (such as `time`), which conflict with
// `since`.
func windowArgAttributes(periods ...string) map[string]schema.Attribute {
	conflicts := make([]path.Expression, len(periods))
	for i, p := range periods {
		conflicts[i] = path.MatchRoot(p)
	}
	return map[string]schema.Attribute{
		"since": schema.StringAttribute{
			MarkdownDescription: "Start of an exact window, inclusive: an RFC 3339 time with a time zone, such as " +
				"`timeadd(plantimestamp(), \"-24h\")` for the last 24 hours. A record counts when its start time lies in " +
				"`[since, until)`. The alternative to a whole period; cannot be combined with it.",
			Optional: true,
			Validators: []validator.String{
				instantValidator(),
				stringvalidator.ConflictsWith(conflicts...),
			},
		},
		"until": schema.StringAttribute{
			MarkdownDescription: "End of the window, exclusive: an RFC 3339 time with a time zone, after `since`. " +
				"Default: the time of the read, which is then stored here (in UTC). Needs `since`.",
			Optional: true,
			Computed: true,
			Validators: []validator.String{
				instantValidator(),
				stringvalidator.AlsoRequires(path.MatchRoot("since")),
			},
		},
	}
}

func instantValidator() validator.String {
	return stringCheck{"must be an RFC 3339 time with a time zone", func(s string) error {
		_, err := validate.Instant(s)
		return err
	}}
}

// window is the window a asks for, with until the time of the read (now)
// when it is unset; ok is false when since is unset (no window asked for).
// A window that is empty (until not after since) is an error on the
// attribute that makes it so. Values that are not known yet are no window.
func (a WindowArgs) window(now time.Time) (w window.Window, ok bool, diags diag.Diagnostics) {
	if a.Since.IsNull() || a.Since.IsUnknown() || a.Until.IsUnknown() {
		return window.Window{}, false, nil
	}
	since, err := validate.Instant(a.Since.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("since"), "Invalid value for since", err.Error())
		return window.Window{}, false, diags
	}
	until, at := now.UTC(), path.Root("since")
	if !a.Until.IsNull() {
		if until, err = validate.Instant(a.Until.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("until"), "Invalid value for until", err.Error())
			return window.Window{}, false, diags
		}
		at = path.Root("until")
	}
	if w, err = window.New(since, until); err != nil {
		diags.AddAttributeError(at, "Empty time window", err.Error()+": since must come before until (by default the time of the read).")
		return window.Window{}, false, diags
	}
	return w, true, nil
}

// withUntil is a with until set to w's end, as it goes into state.
func (a WindowArgs) withUntil(w window.Window) WindowArgs {
	a.Until = types.StringValue(w.Until.Format(time.RFC3339Nano))
	return a
}
