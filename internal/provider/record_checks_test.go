package provider

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// injectRecord serves the fake API with one change: the first page of
// every usage read starts with the record *extra holds (a JSON object), as
// an API that misapplied a filter would send it.
func injectRecord(t *testing.T, extra *atomic.Value) (*fakeapi.Server, string) {
	t.Helper()
	srv := fakeapi.New(fakeapi.Options{APIKey: testAPIKey})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if record, _ := extra.Load().(string); record != "" && rec.Code == http.StatusOK && strings.HasPrefix(r.URL.Path, "/usage") &&
			!strings.HasPrefix(r.URL.Path, "/usage/tag-total/") && r.URL.Query().Get("next_page") == "" {
			body = bytes.Replace(body, []byte(`{"usage":[`), []byte(`{"usage":[`+record+`,`), 1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// TestUsageDataSource_RecordsNotAskedForAreErrors: a record of another SIM,
// or from well outside the period, stops the read with an error naming the
// record and the page; nothing is counted.
func TestUsageDataSource_RecordsNotAskedForAreErrors(t *testing.T) {
	var extra atomic.Value
	srv, url := injectRecord(t, &extra)
	sim, other := srv.Fleet().SIMs[0].ID, srv.Fleet().SIMs[1].ID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { extra.Store(fmt.Sprintf(`{"time":"2025-02-10 10:00:00","sim_id":%q,"bytes":5}`, other)) },
				Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sim_usage" "x" {
  sim_id = %q
  time   = "2025-02"
}`, sim),
				ExpectError: regexp.MustCompile(`(?s)Onomondo API answered with usage that was not asked for.*` + wrappedText(fmt.Sprintf(`GET /usage/%s?filter=time:2025-02 (page 1): record 1 of page 1 (time "2025-02-10 10:00:00", SIM %q) is of SIM %q, but the usage of SIM %q was asked for.`+
					` Counting it would put usage that was not asked for into the totals`, sim, other, other, sim)).String()),
			},
			{
				PreConfig: func() { extra.Store(`{"time":"2024-11-03 10:00:00","country_code":"dk","bytes":5}`) },
				Config:    providerBlock(url) + `data "onomondo_usage" "x" { time = "2025-02" }`,
				ExpectError: wrappedText(`GET /usage?filter=time:2025-02 (page 1): record 1 of page 1 (time "2024-11-03 10:00:00", country "dk")` +
					` lies 89 days outside the period 2025-02 asked for ([2025-02-01T00:00:00Z, 2025-03-01T00:00:00Z))`),
			},
		},
	})
}

// TestBinary_RecordJustOutsideThePeriodWarns: a record a few hours outside
// the period (the API may apply its time filter in another time zone) is
// counted, and terraform shows the warning that names it.
func TestBinary_RecordJustOutsideThePeriodWarns(t *testing.T) {
	bt := newBinaryTerraform(t)
	var extra atomic.Value
	srv, url := injectRecord(t, &extra)
	sim := srv.Fleet().SIMs[0].ID
	extra.Store(fmt.Sprintf(`{"time":"2025-03-01 05:00:00","sim_id":%q,"country_code":"dk","bytes":12345}`, sim))
	work := bt.workdir(t, "near-period", `
terraform {
  required_providers {
    onomondo = { source = "onomondo/onomondo" }
  }
}
data "onomondo_usage" "feb" {
  time            = "2025-02"
  include_records = false
}
output "total" {
  value = data.onomondo_usage.feb.total_bytes
}
`)
	out, errOut, err := bt.run(t, work, []string{"ONOMONDO_API_KEY=" + testAPIKey, "ONOMONDO_BASE_URL=" + url}, "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s%s", err, out, errOut)
	}
	text := string(out) + string(errOut)
	want := sumRecords(selectRecords(srv.Fleet(), "2025-02", "")).total + 12345
	for _, re := range []string{
		`Warning: Usage records just outside the period asked for`,
		`1 record\(s\) lie outside the period 2025-02 \[2025-02-01T00:00:00Z, 2025-03-01T00:00:00Z\), by at most 5h0m0s: record 1 of page 1 \(time "2025-03-01 05:00:00", SIM "` + sim + `", country "dk"\)`,
		fmt.Sprintf(`total\s+=\s+%d`, want),
	} {
		if !regexp.MustCompile(re).MatchString(strings.Join(strings.Fields(text), " ")) && !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("plan output lacks %s:\n%s", re, text)
		}
	}
}
