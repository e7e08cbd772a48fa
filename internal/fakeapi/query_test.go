package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFilterSemantics checks every filter, alone and combined, on both usage
// endpoints, against a brute-force scan of Fleet.Records.
func TestFilterSemantics(t *testing.T) {
	t.Parallel()
	f := DefaultFleet()
	h := newTestHandler(f)
	sim := f.SIMs[2]
	other := f.SIMs[5]
	day := f.Records[len(f.Records)/2].Time.UTC()
	dayStr := day.Format("2006-01-02")
	y, m, d := day.Date()

	tests := []struct {
		name string
		path string
		q    url.Values
		keep func(r Record) bool
	}{
		{"year", "/usage", url.Values{"filter": {"time:2025"}}, func(r Record) bool { return r.Time.Year() == 2025 }},
		{"other year", "/usage", url.Values{"filter": {"time:2024"}}, func(r Record) bool { return false }},
		{"month", "/usage", url.Values{"filter": {"time:2025-02"}}, func(r Record) bool { return inMonth2025(r.Time, time.February) }},
		{"day", "/usage", url.Values{"filter": {"time:" + dayStr}}, func(r Record) bool {
			ry, rm, rd := r.Time.UTC().Date()
			return ry == y && rm == m && rd == d
		}},
		{"sim", "/usage", url.Values{"filter": {"sim_id:" + sim.ID}}, func(r Record) bool { return r.SimID == sim.ID }},
		{"unknown sim", "/usage", url.Values{"filter": {"sim_id:000000000"}}, func(r Record) bool { return false }},
		{"country", "/usage", url.Values{"filter": {"country_code:se"}}, func(r Record) bool { return r.CountryCode == "se" }},
		{"country upper case", "/usage", url.Values{"filter": {"country_code:DK"}}, func(r Record) bool { return r.CountryCode == "dk" }},
		{"unused country", "/usage", url.Values{"filter": {"country_code:zz"}}, func(r Record) bool { return false }},
		{"single filter[]", "/usage", url.Values{"filter[]": {"country_code:de"}}, func(r Record) bool { return r.CountryCode == "de" }},
		{"time+country", "/usage", url.Values{"filter[]": {"time:2025-03", "country_code:dk"}}, func(r Record) bool {
			return inMonth2025(r.Time, time.March) && r.CountryCode == "dk"
		}},
		{"sim+time+country", "/usage", url.Values{"filter[]": {"sim_id:" + other.ID, "time:2025-01", "country_code:Dk"}}, func(r Record) bool {
			return r.SimID == other.ID && inMonth2025(r.Time, time.January) && r.CountryCode == "dk"
		}},
		{"sim endpoint, no filter", "/usage/" + sim.ID, nil, func(r Record) bool { return r.SimID == sim.ID }},
		{"sim endpoint by ICCID", "/usage/" + sim.ICCID, nil, func(r Record) bool { return r.SimID == sim.ID }},
		{"sim endpoint, month", "/usage/" + sim.ID, url.Values{"filter": {"time:2025-04"}}, func(r Record) bool {
			return r.SimID == sim.ID && inMonth2025(r.Time, time.April)
		}},
		{"sim endpoint, day", "/usage/" + other.ICCID, url.Values{"filter[]": {"time:" + dayStr}}, func(r Record) bool {
			ry, rm, rd := r.Time.UTC().Date()
			return r.SimID == other.ID && ry == y && rm == m && rd == d
		}},
		{"sim endpoint, country", "/usage/" + other.ID, url.Values{"filter[]": {"country_code:dk", "time:2025"}}, func(r Record) bool {
			return r.SimID == other.ID && r.CountryCode == "dk"
		}},
		{"dormant sim", "/usage/" + f.SIMs[len(f.SIMs)-1].ID, nil, func(r Record) bool { return false }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := brute(f, tc.keep)
			got := readAll(t, h, tc.path, tc.q)
			sameRecords(t, got, want)
			if strings.Contains(tc.name, "unknown") || strings.Contains(tc.name, "unused") || strings.Contains(tc.name, "dormant") || tc.name == "other year" {
				if len(want) != 0 {
					t.Fatal("expected an empty result")
				}
			} else if len(want) == 0 {
				t.Fatal("test filter matches nothing; pick another")
			}
		})
	}
}

func TestEmptyResultShape(t *testing.T) {
	h := newTestHandler(DefaultFleet())
	rec := get(t, h, "/usage?filter=time:1999")
	if body := rec.Body.String(); body != `{"usage":[],"pagination":{"has_more":false}}` {
		t.Fatalf("empty page %s", body)
	}
}

// TestBadRequests checks every 400 code.
func TestBadRequests(t *testing.T) {
	h := newTestHandler(DefaultFleet())
	sim := DefaultFleet().SIMs[0].ID
	tests := []struct{ target, code string }{
		{"/usage", CodeFilterRequired},
		{"/usage?limit=5", CodeFilterRequired},
		{"/usage?filter=time:2025&filter[]=country_code:dk", CodeInvalidFilter},
		{"/usage?filter=time:2025&filter=country_code:dk", CodeInvalidFilter},
		{"/usage?filter=", CodeInvalidFilter},
		{"/usage?filter=time", CodeInvalidFilter},
		{"/usage?filter=foo:bar", CodeInvalidFilter},
		{"/usage?filter=Time:2025", CodeInvalidFilter},
		{"/usage?filter=time:25", CodeInvalidFilter},
		{"/usage?filter=time:2025-13", CodeInvalidFilter},
		{"/usage?filter=time:2025-02-30", CodeInvalidFilter},
		{"/usage?filter=time:2025-1-01", CodeInvalidFilter},
		{"/usage?filter=time:2025/01", CodeInvalidFilter},
		{"/usage?filter=time:2025-01-01T00", CodeInvalidFilter},
		{"/usage?filter=time:+202", CodeInvalidFilter},
		{"/usage?filter=sim_id:123", CodeInvalidFilter},
		{"/usage?filter=sim_id:00000000a", CodeInvalidFilter},
		{"/usage?filter=sim_id:89457387300000022734", CodeInvalidFilter},
		{"/usage?filter=country_code:dnk", CodeInvalidFilter},
		{"/usage?filter=country_code:d1", CodeInvalidFilter},
		{"/usage?filter=country_code:", CodeInvalidFilter},
		{"/usage?filter[]=time:2025&filter[]=time:2025-01", CodeInvalidFilter},
		{"/usage?filter[]=country_code:dk&filter[]=", CodeInvalidFilter},
		{"/usage/" + sim + "?filter=sim_id:" + sim, CodeInvalidFilter},
		{"/usage/" + sim + "?filter[]=time:2025&filter[]=sim_id:" + sim, CodeInvalidFilter},
		{"/usage?filter=time:2025&limit=0", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=1001", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=-1", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=ten", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=5&limit=6", CodeInvalidLimit},
		{"/usage?filter=time:2025&limit=1.5", CodeInvalidLimit},
		{"/usage/" + sim + "?limit=99999999999999999999999", CodeInvalidLimit},
		{"/usage?filter=time:2025&offset=-1", CodeInvalidOffset},
		{"/usage?filter=time:2025&offset=x", CodeInvalidOffset},
		{"/usage?filter=time:2025&offset=", CodeInvalidOffset},
		{"/usage?filter=time:2025&offset=99999999999999999999999", CodeInvalidOffset},
		{"/usage?filter=time:2025&group=day", CodeInvalidGroup},
		{"/usage?filter=time:2025&group=", CodeInvalidGroup},
		{"/usage?filter=time:2025&group=HOURS", CodeInvalidGroup},
		{"/usage/" + sim + "?group=hours&group=hours", CodeInvalidGroup},
		{"/usage?filter=time:2025&next_page=%21%21", CodeInvalidNextPage},
		{"/usage?filter=time:2025&next_page=a&next_page=b", CodeInvalidNextPage},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			wantError(t, get(t, h, tc.target), http.StatusBadRequest, tc.code)
		})
	}
}

func TestLimitAndOffset(t *testing.T) {
	f := DefaultFleet()
	h := newTestHandler(f)
	all := brute(f, func(r Record) bool { return inMonth2025(r.Time, time.January) })

	p := decodePage(t, get(t, h, "/usage?filter=time:2025-01"))
	if len(p.Usage) != DefaultLimit || !p.Pagination.HasMore {
		t.Fatalf("default limit page: %d records, has_more %v", len(p.Usage), p.Pagination.HasMore)
	}
	sameRecords(t, p.Usage, all[:DefaultLimit])

	p = decodePage(t, get(t, h, "/usage?filter=time:2025-01&limit=3&offset=10"))
	sameRecords(t, p.Usage, all[10:13])

	// Offset with a per-record filter counts matching records only.
	dk := brute(f, func(r Record) bool { return r.CountryCode == "dk" })
	p = decodePage(t, get(t, h, "/usage?filter=country_code:dk&limit=4&offset=25"))
	sameRecords(t, p.Usage, dk[25:29])

	// Offset past the end: empty, no more.
	p = decodePage(t, get(t, h, "/usage?filter=time:2025-01&offset=100000000"))
	if len(p.Usage) != 0 || p.Pagination.HasMore {
		t.Fatalf("offset past the end: %+v", p)
	}
	// A last page that is exactly full has has_more false.
	p = decodePage(t, get(t, h, "/usage?filter=time:2025-01&limit=5&offset="+itoa(len(all)-5)))
	if len(p.Usage) != 5 || p.Pagination.HasMore {
		t.Fatalf("exactly full last page: %d records, has_more %v", len(p.Usage), p.Pagination.HasMore)
	}
}
