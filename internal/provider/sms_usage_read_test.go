package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// The days a period reads at a time of the read: never a day that begins
// after it; a period with none left is an error on its attribute.
func TestSmsPeriod(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	null := types.StringNull()
	cases := []struct {
		name            string
		day, tm, since  types.String
		until           types.String
		first, last     string
		days            int
		window, wantErr string
	}{
		{"a day", types.StringValue("2025-03-22"), null, null, null, "2025-03-22", "2025-03-22", 1, "", ""},
		{"today", types.StringValue("2026-12-03"), null, null, null, "2026-12-03", "2026-12-03", 1, "", ""},
		{"a past month", null, types.StringValue("2025-02"), null, null, "2025-02-01", "2025-02-28", 28, "", ""},
		{"this month: up to today", null, types.StringValue("2026-12"), null, null, "2026-12-01", "2026-12-03", 3, "", ""},
		{"a leap year", null, types.StringValue("2024"), null, null, "2024-01-01", "2024-12-31", 366, "", ""},
		{"the last 24 hours", null, null, types.StringValue("2026-12-02T10:00:00Z"), null, "2026-12-02", "2026-12-03", 2,
			"[2026-12-02T10:00:00Z, 2026-12-03T10:00:00Z)", ""},
		{"a window into the future", null, null, types.StringValue("2026-12-02T23:00:00+01:00"), types.StringValue("2026-12-09T00:00:00Z"),
			"2026-12-02", "2026-12-03", 2, "[2026-12-02T22:00:00Z, 2026-12-09T00:00:00Z)", ""},
		{"tomorrow", types.StringValue("2026-12-04"), null, null, null, "", "", 0, "", "day: Period not begun"},
		{"next year", null, types.StringValue("2027"), null, null, "", "", 0, "", "time: Period not begun"},
		{"a future window", null, null, types.StringValue("2026-12-05T00:00:00Z"), types.StringValue("2026-12-06T00:00:00Z"), "", "", 0, "",
			"since: Period not begun"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := SmsUsageDataSourceModel{Day: tc.day, Time: tc.tm, WindowArgs: WindowArgs{Since: tc.since, Until: tc.until}}
			p, diags := m.period(now)
			if tc.wantErr != "" {
				if len(diags) != 1 || !diags.HasError() || len(p.days) != 0 {
					t.Fatalf("days %v, diagnostics %v", p.days, diags)
				}
				if got := diagPath(diags[0]) + ": " + diags[0].Summary(); got != tc.wantErr {
					t.Fatalf("error %q, want %q", got, tc.wantErr)
				}
				return
			}
			if diags.HasError() || len(p.days) != tc.days || p.days[0] != tc.first || p.days[len(p.days)-1] != tc.last {
				t.Fatalf("days %v, diagnostics %v", p.days, diags)
			}
			if w := ""; p.window != nil {
				if w = p.window.String(); w != tc.window {
					t.Fatalf("window %s, want %s", w, tc.window)
				}
			} else if tc.window != "" {
				t.Fatal("no window")
			}
		})
	}
}

// smsServer answers every day with the given messages (JSON objects).
func smsServer(t *testing.T, msgs ...string) *onomondo.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[` + strings.Join(msgs, ",") + `],"pagination":{"total":` + strconv.Itoa(len(msgs)) + `}}`))
	}))
	t.Cleanup(ts.Close)
	c, err := onomondo.New(onomondo.Config{BaseURL: ts.URL, APIKey: testAPIKey, RateLimiter: onomondo.NewRateLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// diagPath is the attribute a diagnostic is on, "" when none.
func diagPath(d diag.Diagnostic) string {
	if p, ok := d.(diag.DiagnosticWithPath); ok {
		return p.Path().String()
	}
	return ""
}

// Messages outside the UTC day they were read for: counted with a warning
// for a day; with a window only those inside it, and a message without a
// readable time is an error (it cannot be placed).
func TestReadSMSOutsideTheDay(t *testing.T) {
	ctx := context.Background()
	c := smsServer(t,
		`{"id":"a","time":"2025-02-28T22:00:00.000Z","direction":"incoming","status":"success","sim_id":"000000001"}`,
		`{"id":"b","time":"2025-03-01T12:00:00.000Z","direction":"outgoing","status":"failed","sim_id":"000000001"}`,
		`{"id":"c","time":"2025-03-01T23:00:00.000Z","status":"queued"}`)
	a, diags := readSMS(ctx, c, "", smsPeriod{days: []string{"2025-03-01"}}, false)
	if a == nil || a.count != 3 || diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), `id "a" at 2025-02-28T22:00:00Z, for 2025-03-01`) {
		t.Fatalf("aggregate %+v, diagnostics %v", a, diags)
	}
	if a.byDirection["incoming"] != 1 || a.byDirection["outgoing"] != 1 || a.byDirection["unknown"] != 1 || a.byStatus["queued"] != 1 || a.bySim["unknown"] != 1 {
		t.Fatalf("maps %v %v %v", a.byDirection, a.byStatus, a.bySim)
	}

	w, _ := window.New(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC))
	a, diags = readSMS(ctx, c, "", smsPeriod{days: []string{"2025-03-01"}, window: &w}, true)
	if a == nil || a.count != 1 || len(a.records) != 1 || a.records[0].ID != "b" || !slices.Equal(mapKeysSorted(a.byDay), []string{"2025-03-01"}) {
		t.Fatalf("window: aggregate %+v, diagnostics %v", a, diags)
	}

	c = smsServer(t, `{"id":"a","time":"soon"}`)
	if a, diags = readSMS(ctx, c, "", smsPeriod{days: []string{"2025-03-01"}, window: &w}, false); a != nil || !strings.Contains(diags[0].Detail(), "has no time the provider can read") {
		t.Fatalf("aggregate %+v, diagnostics %v", a, diags)
	}
	if a, diags = readSMS(ctx, c, "", smsPeriod{days: []string{"2025-03-01"}}, false); a == nil || a.count != 1 || !strings.Contains(diags[0].Summary(), "Some SMS times were not read") {
		t.Fatalf("aggregate %+v, diagnostics %v", a, diags)
	}
}

func mapKeysSorted(m map[string]int64) []string {
	return slices.Sorted(mapKeys(m))
}
