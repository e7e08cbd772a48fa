package provider

import (
	"context"
	"strconv"
	"testing"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// warningAPI answers every read with one empty page and two warnings: of
// records just outside the period, and of a page cut, each naming the read.
type warningAPI struct{ reads int }

func (a *warningAPI) ReadUsage(_ context.Context, _ onomondo.UsageQuery, visit func([]onomondo.Record) error) (onomondo.ReadResult, error) {
	a.reads++
	n := strconv.Itoa(a.reads)
	return onomondo.ReadResult{Pages: 1, Warnings: []onomondo.Warning{
		{Kind: onomondo.WarningOutsidePeriod, Summary: "near " + n},
		{Kind: onomondo.WarningPageCut, Summary: "cut " + n},
	}}, visit(nil)
}

// TestScopedReadsKeepTheClientsWarnings: a read of several periods passes
// on what each period's read noticed, except records just outside a
// period when the read is a window: a window counts every record by its
// own start time, and says itself what the time filter's zone did.
func TestScopedReadsKeepTheClientsWarnings(t *testing.T) {
	api := &warningAPI{}
	w := mustWindow(t, "2025-03-01T00:00:00Z", "2025-03-03T00:00:00Z") // two days: two reads
	read, diags := readUsageFrom(context.Background(), api, "usage", onomondo.UsageQuery{}, false, usageScope{window: &w})
	if read == nil || diags.HasError() {
		t.Fatalf("%v", diags)
	}
	var summaries []string
	for _, d := range diags.Warnings() {
		summaries = append(summaries, d.Summary())
	}
	if len(summaries) != 2 || summaries[0] != "cut 1" || summaries[1] != "cut 2" {
		t.Errorf("warnings %v, want the page cut of each period's read, and no records-near-the-period warning", summaries)
	}
}
