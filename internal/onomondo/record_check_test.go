package onomondo

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// usagePage is a one-page usage answer holding recs (JSON objects).
func usagePage(recs ...string) string {
	return `{"usage":[` + strings.Join(recs, ",") + `],"pagination":{"has_more":false}}`
}

// TestRecordsNotAskedForAreErrors: a record of another period, country or
// SIM than the request asked for ends the read with an error naming the
// record and the page: counting it would inflate the totals.
func TestRecordsNotAskedForAreErrors(t *testing.T) {
	march := []Filter{{"time", "2025-03"}, {"country_code", "dk"}}
	cases := []struct {
		name   string
		q      UsageQuery
		record string
		want   string
	}{
		{"a record of another country (and year)", UsageQuery{Filters: march}, `{"time":"2024-11-03 10:00:00","sim_id":"000000042","country_code":"se","bytes":5}`,
			`record 2 of page 1 (time "2024-11-03 10:00:00", SIM "000000042", country "se") is of country "se", but the filter country_code:dk was sent`},
		{"a record well outside the period", UsageQuery{Filters: march}, `{"time":"2024-11-03 10:00:00","country_code":"dk","bytes":5}`,
			`record 2 of page 1 (time "2024-11-03 10:00:00", country "dk") lies 117 days outside the period 2025-03 asked for ([2025-03-01T00:00:00Z, 2025-04-01T00:00:00Z))`},
		{"a record 15 hours after the period", UsageQuery{Filters: march}, `{"time":"2025-04-01T15:00:00Z","bytes":5}`,
			`lies 15h0m0s outside the period 2025-03 asked for`},
		{"another SIM on GET /usage/{sim}", UsageQuery{SIM: "000000042"}, `{"time":"2025-03-02 00:00:00","sim_id":"000000099","bytes":5}`,
			`record 2 of page 1 (time "2025-03-02 00:00:00", SIM "000000099") is of SIM "000000099", but the usage of SIM "000000042" was asked for`},
		{"another ICCID on GET /usage/{iccid}", UsageQuery{SIM: "89457387300000000421"}, `{"iccid":"89457387300000000991","bytes":5}`,
			`is of the SIM with ICCID "89457387300000000991", but the usage of ICCID "89457387300000000421" was asked for`},
		{"another SIM than the sim_id filter", UsageQuery{Filters: []Filter{{"sim_id", "000000042"}}}, `{"sim_id":"000000007","bytes":5}`,
			`is of SIM "000000007", but the filter sim_id:000000042 was sent`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				first := `{"time":"2025-03-05 00:00:00","sim_id":"000000042","iccid":"89457387300000000421","country_code":"dk","bytes":1}`
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, usagePage(first, tc.record)) })
				c, _ := s.client(t)
				got, _, err := collect(t, c, tc.q)
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindMismatch || e.Page != 1 || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v\nwant a mismatch naming %q", err, tc.want)
				}
				if !strings.HasPrefix(e.Detail(), "GET /usage") || len(got) != 0 {
					t.Errorf("detail %q: want the request named, and nothing counted", e.Detail())
				}
			})
		})
	}
}

// TestRecordsAsAskedForAreRead: what a record does not say is not a
// mismatch (a group=hours record may lack fields), a country code in upper
// case is the same country, and an ICCID may come with or without its
// check digit.
func TestRecordsAsAskedForAreRead(t *testing.T) {
	cases := []struct {
		q       UsageQuery
		records []string
	}{
		{UsageQuery{Filters: []Filter{{"time", "2025-03"}, {"country_code", "DK"}}, Group: "hours"},
			[]string{`{"time":"2025-03-01 00:00:00","bytes":1}`, `{"bytes":2}`, `{"time":"2025-03-31 23:00:00","country_code":"DK","bytes":3}`}},
		{UsageQuery{SIM: "000000042", Filters: []Filter{{"time", "2025"}}},
			[]string{`{"iccid":"89457387300000000991","time":"2025-12-31 23:59:59","bytes":1}`, `{"sim_id":"000000042","bytes":2}`}},
		{UsageQuery{SIM: "8945738730000000042"}, []string{`{"iccid":"89457387300000000421","bytes":1}`, `{"sim_id":"000000099","bytes":2}`}},
		{UsageQuery{Filters: []Filter{{"time", "2025-03-07"}}}, []string{`{"time":"not a time we know","bytes":1}`}},
	}
	for _, tc := range cases {
		bubble(t, func(t *testing.T) {
			s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, usagePage(tc.records...)) })
			c, _ := s.client(t)
			got, res, err := collect(t, c, tc.q)
			if err != nil || len(got) != len(tc.records) || len(res.Warnings) != 0 {
				t.Errorf("%+v: %d records, warnings %+v, %v", tc.q, len(got), res.Warnings, err)
			}
		})
	}
}

// TestRecordsJustOutsideThePeriodAreWarnings: the API does not say in
// which time zone it applies a time filter, so a record up to 14 hours
// outside the period is counted, and the read's warning names it.
func TestRecordsJustOutsideThePeriodAreWarnings(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(`{"usage":[{"time":"2025-02-28 22:00:00","sim_id":"000000042","bytes":1},{"time":"2025-03-10 00:00:00","bytes":2}],"pagination":{"next_page":"c2"}}`, usagePage(`{"time":"2025-04-01 13:30:00","sim_id":"000000007","bytes":4}`, `{"time":"2025-04-01 00:00:00","bytes":8}`, `{"time":"2025-04-01 01:00:00","bytes":16}`)))
		c, _ := s.client(t)
		got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025-03"}}, Limit: 2})
		if err != nil || len(got) != 5 {
			t.Fatalf("%d records, %v: want all five counted", len(got), err)
		}
		if len(res.Warnings) != 1 {
			t.Fatalf("warnings %+v, want one", res.Warnings)
		}
		w := res.Warnings[0]
		for _, want := range []string{
			"4 record(s) lie outside the period 2025-03 [2025-03-01T00:00:00Z, 2025-04-01T00:00:00Z), by at most 13h30m0s",
			`record 1 of page 1 (time "2025-02-28 22:00:00", SIM "000000042")`,
			`record 1 of page 2 (time "2025-04-01 13:30:00", SIM "000000007")`,
			`record 2 of page 2 (time "2025-04-01 00:00:00"); and 1 more.`,
			"time zone",
		} {
			if !strings.Contains(w.Detail, want) {
				t.Errorf("warning %q lacks %q", w.Detail, want)
			}
		}
	})
}
