package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestWindowArgs(t *testing.T) {
	now := time.Date(2025, 3, 11, 12, 30, 0, 0, time.UTC)
	cases := []struct {
		name         string
		since, until types.String
		wantOK       bool
		want         string // the window, when ok
		wantErr      string // the error's attribute and text, when not ok
	}{
		{"no window", types.StringNull(), types.StringNull(), false, "", ""},
		{"since unknown", types.StringUnknown(), types.StringNull(), false, "", ""},
		{"until unknown", types.StringValue("2025-03-10T12:00:00Z"), types.StringUnknown(), false, "", ""},
		{"until defaults to now", types.StringValue("2025-03-10T12:00:00Z"), types.StringNull(), true,
			"[2025-03-10T12:00:00Z, 2025-03-11T12:30:00Z)", ""},
		{"both, in another zone", types.StringValue("2025-03-10T13:00:00+01:00"), types.StringValue("2025-03-10T18:00:00Z"), true,
			"[2025-03-10T12:00:00Z, 2025-03-10T18:00:00Z)", ""},
		{"since after now", types.StringValue("2025-03-12T00:00:00Z"), types.StringNull(), false, "", `since: Empty time window`},
		{"until before since", types.StringValue("2025-03-10T12:00:00Z"), types.StringValue("2025-03-10T11:00:00Z"), false, "", `until: Empty time window`},
		{"since unparsable", types.StringValue("yesterday"), types.StringNull(), false, "", `since: Invalid value for since`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, ok, diags := WindowArgs{Since: c.since, Until: c.until}.window(now)
			if ok != c.wantOK || (ok && w.String() != c.want) {
				t.Fatalf("window() = %s, %t; want %s, %t", w, ok, c.want, c.wantOK)
			}
			if c.wantErr == "" {
				if diags.HasError() {
					t.Fatalf("unexpected diagnostics %v", diags)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("diagnostics %v, want one error", diags)
			}
			withPath, isAttr := diags[0].(diag.DiagnosticWithPath)
			if !isAttr {
				t.Fatalf("diagnostic %v is not on an attribute", diags[0])
			}
			if msg := withPath.Path().String() + ": " + diags[0].Summary(); !strings.HasPrefix(msg, c.wantErr) {
				t.Errorf("error %q, want %q", msg, c.wantErr)
			}
		})
	}
}

func TestWindowArgsWithUntil(t *testing.T) {
	w, _, _ := WindowArgs{Since: types.StringValue("2025-03-10T12:00:00Z")}.window(time.Date(2025, 3, 11, 12, 30, 0, 5, time.UTC))
	if got := (WindowArgs{}).withUntil(w).Until.ValueString(); got != "2025-03-11T12:30:00.000000005Z" {
		t.Errorf("until in state = %q", got)
	}
}
