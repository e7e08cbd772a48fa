package provider

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// zoneAPI answers usage reads from a fleet's records as an API would that
// applies its time filter in the zone UTC+offset: the day D is
// [D 00:00 - offset, D+1 00:00 - offset) in UTC. One page per read; the
// sim_id filter and max_records are honoured. edit, when set, changes each
// record before it is answered.
type zoneAPI struct {
	recs    []fakeapi.Record
	offset  time.Duration
	edit    func(*onomondo.Record)
	periods []string // the time filter of every read, in order
}

func (z *zoneAPI) ReadUsage(_ context.Context, q onomondo.UsageQuery, visit func([]onomondo.Record) error) (onomondo.ReadResult, error) {
	var period, sim string
	for _, f := range q.Filters {
		switch f.Key {
		case "time":
			period = f.Value
		case "sim_id":
			sim = f.Value
		}
	}
	z.periods = append(z.periods, period)
	w, err := window.Period(period)
	if err != nil {
		return onomondo.ReadResult{}, err
	}
	var page []onomondo.Record
	for _, r := range z.recs {
		if t := r.Time.Add(z.offset); !w.Contains(t) || (sim != "" && r.SimID != sim) {
			continue
		}
		rec := onomondo.Record{Time: r.Time.Format("2006-01-02 15:04:05"), SimID: r.SimID, ICCID: r.ICCID, BillID: r.BillID,
			Bytes: onomondo.Bytes(r.Bytes), CountryCode: r.CountryCode, NetworkType: r.NetworkType}
		if z.edit != nil {
			z.edit(&rec)
		}
		page = append(page, rec)
	}
	res := onomondo.ReadResult{Pages: 1}
	if q.MaxRecords > 0 && int64(len(page)) > q.MaxRecords {
		page, res.StoppedAtMax = page[:q.MaxRecords], true
	}
	res.Records = int64(len(page))
	return res, visit(page)
}

func mustWindow(t *testing.T, since, until string) window.Window {
	t.Helper()
	s, _ := time.Parse(time.RFC3339, since)
	u, _ := time.Parse(time.RFC3339, until)
	w, err := window.New(s, u)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Whatever zone the API applies its time filter in, a window read counts
// exactly the records that start inside the window: a record the API
// returns for a neighbouring UTC day is placed by its own time, and the
// day beyond an edge is read when the shift could hide records there.
func TestWindowReadPlacesRecordsByTheirOwnTime(t *testing.T) {
	f := fakeapi.DefaultFleet()
	cases := []struct {
		name         string
		offset       time.Duration
		since, until string
		periods      []string
		warning      string // "" for none
	}{
		{"UTC", 0, "2025-02-10T02:00:00Z", "2025-02-12T22:30:00Z",
			[]string{"2025-02-10", "2025-02-11", "2025-02-12"}, ""},
		{"east of UTC: the day after is read", 3 * time.Hour, "2025-02-10T10:00:00Z", "2025-02-12T22:30:00Z",
			[]string{"2025-02-10", "2025-02-11", "2025-02-12", "2025-02-13"}, "also read 2025-02-13"},
		{"west of UTC: the day before is read", -5 * time.Hour, "2025-02-10T02:00:00Z", "2025-02-12T10:00:00Z",
			[]string{"2025-02-10", "2025-02-11", "2025-02-12", "2025-02-09"}, "also read 2025-02-09"},
		{"west of UTC, a month inside", -5 * time.Hour, "2025-01-31T03:00:00Z", "2025-03-01T00:00:00Z",
			[]string{"2025-01-31", "2025-02", "2025-01-30"}, "also read 2025-01-30"},
		{"edges far from the shift: nothing more to read", 3 * time.Hour, "2025-02-10T20:00:00Z", "2025-02-11T04:00:00Z",
			[]string{"2025-02-10", "2025-02-11"}, "No edge of the window lies within 14 hours"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := mustWindow(t, c.since, c.until)
			api := &zoneAPI{recs: f.Records, offset: c.offset}
			read, diags := readUsageFrom(context.Background(), api, "usage", onomondo.UsageQuery{}, false, usageScope{window: &w})
			if diags.HasError() {
				t.Fatal(diags)
			}
			want := sumRecords(windowRecords(f, w.Since, w.Until, ""))
			if read.agg.total != want.total || read.agg.count != want.count || len(read.agg.byDay) != len(want.byDay) {
				t.Errorf("read %d records, %d bytes; want %d, %d", read.agg.count, read.agg.total, want.count, want.total)
			}
			if !slices.Equal(api.periods, c.periods) {
				t.Errorf("periods read %q, want %q", api.periods, c.periods)
			}
			if got := warningsText(diags); (c.warning == "") != (got == "") || !strings.Contains(got, c.warning) {
				t.Errorf("warnings %q, want one with %q", got, c.warning)
			}
		})
	}
}

func warningsText(diags diag.Diagnostics) string {
	var out []string
	for _, d := range diags.Warnings() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return strings.Join(out, "\n")
}

// Records a scoped read cannot place are errors that name them, without
// showing anything a key could hide in; nothing is counted.
func TestScopedReadRefusesRecordsItCannotPlace(t *testing.T) {
	f := fakeapi.DefaultFleet()
	w := mustWindow(t, "2025-02-10T02:00:00Z", "2025-02-10T22:00:00Z")
	var sims []onomondo.SIM
	for _, s := range f.SIMs {
		sims = append(sims, onomondo.SIM{ID: s.ID, ICCID: s.ICCID, Tags: []onomondo.SIMTag{{ID: "t", Name: "all"}}})
	}
	few, missing := matchTags(sims[:1], []string{"all"}, nil)
	all, _ := matchTags(sims, []string{"all"}, nil)
	if len(missing) != 0 {
		t.Fatal(missing)
	}
	first := selectRecords(f, "2025-02-10", "")[0]
	cases := []struct {
		name  string
		scope usageScope
		limit int
		edit  func(*onomondo.Record)
		want  string
	}{
		{"unreadable time in a window", usageScope{window: &w}, 0,
			func(r *onomondo.Record) { r.Time = "10/02/2025 " + testAPIKey },
			`Usage record without a readable time: The read of 2025-02-10 returned a record (SIM "` + first.SimID + `", time a value of`},
		{"no SIM in a tag read", usageScope{tags: all}, 0,
			func(r *onomondo.Record) { r.SimID, r.ICCID = "", "" },
			`Usage record without a SIM: The read returned a record (no sim_id, time "`},
		{"another SIM in a per-SIM read", usageScope{window: &w, tags: few}, 1,
			func(r *onomondo.Record) { r.SimID = "999999999" },
			`Usage record of another SIM: The read of 2025-02-10 for SIM ` + sims[0].ID + ` returned a record (SIM "999999999"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := &zoneAPI{recs: f.Records, edit: c.edit}
			q := onomondo.UsageQuery{Limit: c.limit}
			if c.scope.window == nil {
				q.Filters = []onomondo.Filter{{Key: "time", Value: "2025-02-10"}}
			}
			read, diags := readUsageFrom(context.Background(), api, "usage", q, false, c.scope)
			if read != nil || !diags.HasError() {
				t.Fatalf("read %v, diagnostics %v", read, diags)
			}
			got := diags.Errors()[0].Summary() + ": " + diags.Errors()[0].Detail()
			if !strings.HasPrefix(got, c.want) || strings.Contains(got, testAPIKey[:8]) {
				t.Errorf("error %q, want it to start %q and not show the key", got, c.want)
			}
		})
	}
}
