package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// smsLoopDay is the day of the fake fleet's send loop: more than 1000
// messages, one SIM with 1200 of them.
const smsLoopDay = "2025-03-22"

// smsWant are counts the tests work out from the fake's SMS log on their
// own, to compare with what the provider reports.
type smsWant struct {
	count                               int64
	byDirection, byStatus, bySim, byDay map[string]int64
}

// countSMS counts the messages of log on the given days (every day has an
// entry in byDay), of SIM sim ("" for all), and with w not nil only those
// in the window.
func countSMS(log []fakeapi.SMS, sim string, days []string, w *window.Window) smsWant {
	c := smsWant{byDirection: map[string]int64{"incoming": 0, "outgoing": 0}, byStatus: map[string]int64{}, bySim: map[string]int64{}, byDay: map[string]int64{}}
	for _, d := range days {
		c.byDay[d] = 0
	}
	for _, m := range log {
		day := m.Time.Format(time.DateOnly)
		if _, ok := c.byDay[day]; !ok || (sim != "" && m.SimID != sim) || (w != nil && !w.Contains(m.Time)) {
			continue
		}
		c.count++
		c.byDay[day]++
		c.byDirection[m.Direction]++
		c.byStatus[m.Status]++
		c.bySim[m.SimID]++
	}
	return c
}

// smsChecks asserts every count of an onomondo_sms_usage.
func smsChecks(addr string, c smsWant) []statecheck.StateCheck {
	days := make([]knownvalue.Check, 0, len(c.byDay))
	for _, d := range slices.Sorted(mapKeys(c.byDay)) {
		days = append(days, knownvalue.StringExact(d))
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("sms_count"), knownvalue.Int64Exact(c.count)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("count_by_direction"), int64MapExact(c.byDirection)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("count_by_status"), int64MapExact(c.byStatus)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("count_by_sim"), int64MapExact(c.bySim)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("count_by_day"), int64MapExact(c.byDay)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("days_read"), knownvalue.ListExact(days)),
	}
}

func mapKeys(m map[string]int64) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// monthDays are the days of a month, YYYY-MM-DD.
func monthDays(month string) []string {
	w, _ := window.Period(month)
	return w.Days()
}

// smsQueries returns the unescaped queries the fake saw on path, in order.
func smsQueries(srv *fakeapi.Server, path string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Path == path {
			q, _ := url.QueryUnescape(r.RawQuery)
			out = append(out, q)
		}
	}
	return out
}

// Both endpoints, a day of more than one page: every message counted once,
// each request with timestamp and order=ASC, the second page by offset.
func TestSmsUsageDataSource_DayOnBothEndpoints(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	log := srv.SMS()
	loopSIM := srv.Fleet().SIMs[1].ID
	fleet := countSMS(log, "", []string{smsLoopDay}, nil)
	one := countSMS(log, loopSIM, []string{smsLoopDay}, nil)
	if fleet.count <= 1000 || one.count <= 1000 || len(fleet.bySim) < 10 || len(fleet.byStatus) < 3 {
		t.Fatalf("the loop day has %d messages, the loop SIM %d: the test proves less than it says", fleet.count, one.count)
	}
	var first fakeapi.SMS
	for _, m := range log {
		if m.SimID == loopSIM && m.Time.Format(time.DateOnly) == smsLoopDay {
			first = m
			break
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sms_usage" "fleet" {
  day             = %q
  include_records = false
}
data "onomondo_sms_usage" "one" {
  sim_id = %q
  day    = %q
}`, smsLoopDay, loopSIM, smsLoopDay),
			ConfigStateChecks: append(append(smsChecks("data.onomondo_sms_usage.fleet", fleet), smsChecks("data.onomondo_sms_usage.one", one)...),
				statecheck.ExpectKnownValue("data.onomondo_sms_usage.fleet", tfjsonpath.New("records"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_sms_usage.fleet", tfjsonpath.New("include_records"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.onomondo_sms_usage.one", tfjsonpath.New("include_records"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.onomondo_sms_usage.one", tfjsonpath.New("records"), knownvalue.ListSizeExact(int(one.count))),
				statecheck.ExpectKnownValue("data.onomondo_sms_usage.one", tfjsonpath.New("records").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"time":         knownvalue.StringExact(first.Time.Format(time.RFC3339)),
					"sim_id":       knownvalue.StringExact(first.SimID),
					"iccid":        knownvalue.StringExact(first.ICCID),
					"direction":    knownvalue.StringExact(first.Direction),
					"status":       knownvalue.StringExact(first.Status),
					"retries_left": knownvalue.Int64Exact(int64(first.RetriesLeft)),
					"id":           knownvalue.StringExact(first.ID),
					"session_id":   knownvalue.StringExact(first.SessionID),
					"mcc":          knownvalue.StringExact(first.MCC),
					"mnc":          knownvalue.StringExact(first.MNC),
				})),
			),
			Check: func(*terraform.State) error {
				page1 := "timestamp=" + smsLoopDay + "&order=ASC&limit=1000"
				for _, path := range []string{"/sms/usage/", "/sms/usage/" + loopSIM} {
					if got := smsQueries(srv, path); !slices.Equal(got, []string{page1, page1 + "&offset=1000"}) {
						return fmt.Errorf("%s saw %q", path, got)
					}
				}
				return nil
			},
		}},
	})
}

// A month is read as its days: one request for each day, and counts equal
// to the month's log.
func TestSmsUsageDataSource_MonthReadAsItsDays(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	days := monthDays("2025-02")
	want := countSMS(srv.SMS(), "", days, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_sms_usage" "feb" {
  time            = "2025-02"
  include_records = false
}`,
			ConfigStateChecks: smsChecks("data.onomondo_sms_usage.feb", want),
			Check: func(*terraform.State) error {
				var asked []string
				for _, q := range smsQueries(srv, "/sms/usage/") {
					if q != "" {
						asked = append(asked, strings.TrimSuffix(strings.TrimPrefix(q, "timestamp="), "&order=ASC&limit=1000"))
					}
				}
				if !slices.Equal(asked, days) {
					return fmt.Errorf("requests for %q, want one for each of the 28 days", asked)
				}
				return nil
			},
		}},
	})
}

// An exact window, to the millisecond: a message at since counts, one at
// until does not; the two UTC days it touches are read. A window of the
// last 30 hours reads the days up to today only, and stores until.
func TestSmsUsageDataSource_WindowEdges(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	log := srv.SMS()
	var since, until time.Time
	for _, m := range log {
		switch {
		case since.IsZero() && m.Time.After(time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC)):
			since = m.Time
		case until.IsZero() && m.Time.After(time.Date(2025, 2, 11, 6, 0, 0, 0, time.UTC)):
			until = m.Time
		}
	}
	w, _ := window.New(since, until)
	want := countSMS(log, "", []string{"2025-02-10", "2025-02-11"}, &w)
	all := countSMS(log, "", []string{"2025-02-10", "2025-02-11"}, nil)
	if since.Nanosecond() == 0 || want.count == 0 || want.count >= all.count-1 {
		t.Fatalf("window %s: %d of %d messages; the test proves less than it says", w, want.count, all.count)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sms_usage" "window" {
  since           = %q
  until           = %q
  include_records = false
}`, since.Format(time.RFC3339Nano), until.Format(time.RFC3339Nano)),
				ConfigStateChecks: append(smsChecks("data.onomondo_sms_usage.window", want),
					statecheck.ExpectKnownValue("data.onomondo_sms_usage.window", tfjsonpath.New("until"), knownvalue.StringExact(until.Format(time.RFC3339Nano)))),
			},
			{
				PreConfig: srv.ResetRequests,
				Config: providerBlock(url) + `
data "onomondo_sms_usage" "last_30h" {
  since           = timeadd(plantimestamp(), "-30h")
  include_records = false
}`,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["data.onomondo_sms_usage.last_30h"].Primary.Attributes
					until, err := time.Parse(time.RFC3339, a["until"])
					if err != nil || time.Since(until) < 0 || time.Since(until) > 5*time.Minute || a["sms_count"] != "0" {
						return fmt.Errorf("until %q (%v), sms_count %s", a["until"], err, a["sms_count"])
					}
					since, _ := time.Parse(time.RFC3339, a["since"])
					w, _ := window.New(since, until)
					if n := len(srv.Requests()); n != len(w.Days()) || a["days_read.#"] != fmt.Sprint(n) || n < 2 {
						return fmt.Errorf("%d requests and %s days read, want one for each day of %s", n, a["days_read.#"], w)
					}
					return nil
				},
			},
		},
	})
}

// newSMSFakeWith serves the fake through a wrapper that calls after once
// the fake has written an answer (before the handler returns, so the
// client has not seen the end of the answer yet).
func newSMSFakeWith(t *testing.T, after func(srv *fakeapi.Server, r *http.Request)) (*fakeapi.Server, string) {
	t.Helper()
	srv := fakeapi.New(fakeapi.Options{APIKey: testAPIKey})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		after(srv, r)
	}))
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// Messages arrive during the read of a month: on the send loop's day after
// its first page (a day of two pages), and on a later day of one page
// while an earlier day is read. Each is counted once: the counts equal the
// fake's log after the read, counted here on its own.
func TestSmsUsageDataSource_MessagesArriveDuringARead(t *testing.T) {
	var mu sync.Mutex
	appended := 0
	srv, url := newSMSFakeWith(t, func(srv *fakeapi.Server, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		q := r.URL.Query()
		if r.URL.Path != "/sms/usage/" || appended >= 2 || q.Get("offset") != "" {
			return
		}
		switch day := q.Get("timestamp"); day {
		case smsLoopDay: // between its two pages
			appended++
			srv.AppendSMS(day, srv.Fleet().SIMs[0].ID, 7)
		case "2025-03-01": // while an earlier day is read
			appended++
			srv.AppendSMS("2025-03-05", srv.Fleet().SIMs[2].ID, 7)
		}
	})
	days := monthDays("2025-03")
	before := countSMS(srv.SMS(), "", days, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_sms_usage" "march" {
  time            = "2025-03"
  include_records = false
}`,
			Check: func(s *terraform.State) error {
				after := countSMS(srv.SMS(), "", days, nil)
				if appended != 2 || after.count != before.count+14 {
					return fmt.Errorf("%d arrivals, the log went from %d to %d messages", appended, before.count, after.count)
				}
				// The counts are known only after the read: compared here, on
				// the flat attributes.
				a := s.RootModule().Resources["data.onomondo_sms_usage.march"].Primary.Attributes
				if a["sms_count"] != fmt.Sprint(after.count) || a["count_by_day."+smsLoopDay] != fmt.Sprint(after.byDay[smsLoopDay]) ||
					a["count_by_day.2025-03-05"] != fmt.Sprint(after.byDay["2025-03-05"]) {
					return fmt.Errorf("sms_count %s, want %d; %s: %s, want %d", a["sms_count"], after.count, smsLoopDay, a["count_by_day."+smsLoopDay], after.byDay[smsLoopDay])
				}
				for name, m := range map[string]map[string]int64{"count_by_status": after.byStatus, "count_by_sim": after.bySim, "count_by_direction": after.byDirection} {
					if a[name+".%"] != fmt.Sprint(len(m)) {
						return fmt.Errorf("%s has %s entries, want %d", name, a[name+".%"], len(m))
					}
					for k, v := range m {
						if a[name+"."+k] != fmt.Sprint(v) {
							return fmt.Errorf("%s.%s = %s, want %d", name, k, a[name+"."+k], v)
						}
					}
				}
				if n := len(smsQueries(srv, "/sms/usage/")); n != len(days)+1 {
					return fmt.Errorf("%d requests, want %d: no day had to be read again", n, len(days)+1)
				}
				return nil
			},
		}},
	})
}

func TestSmsUsageDataSource_UnknownSIMIs404(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_sms_usage" "x" {
  sim_id = "999999999"
  day    = "2025-03-01"
}`,
			ExpectError: regexp.MustCompile(`Onomondo API: not found[\s\S]*GET /sms/usage/999999999\?timestamp=2025-03-01&order=ASC&limit=1000[\s\S]*\(page 1\)[\s\S]*answered HTTP 404[\s\S]*SIM "999999999" was not found`),
		}},
	})
}

// Bad input is refused at plan time, on the attribute, before any request;
// so is a period that has not begun.
func TestSmsUsageDataSource_InvalidInputRefusedAtPlanTime(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	cases := []struct{ body, want string }{
		{`include_records = false`, `Exactly one of these attributes must be configured: \[day,time,since\]`},
		{`day = "2025-03-01"` + "\n" + `time = "2025-03"`, `Invalid Attribute Combination[\s\S]*Exactly one of these attributes must be configured: \[day,time,since\]`},
		{`day = "2025-03-01"` + "\n" + `since = "2025-03-01T00:00:00Z"`, `Attribute "day" cannot be specified when "since" is specified`},
		{`time = "2025-03-04"`, `"2025-03-04" is a day: set day = "2025-03-04" instead`},
		{`time = "2025-3"`, `"2025-3" is not a month or a year`},
		{`time = "2025-13"`, `"2025-13" is not a real date`},
		{`day = "2025-03"`, `"2025-03" is not a day: use YYYY-MM-DD`},
		{`day = "2025-02-30"`, `"2025-02-30" is not a real date`},
		{`day = "2025-03-01"` + "\n" + `sim_id = "5840"`, `did you mean "000005840"\?`},
		{`day = "2025-03-01"` + "\n" + `sim_id = "89457387300000022734"`, `not a SIM id`},
		{`since = "yesterday"`, `Invalid value for since`},
		{`time = "2025"` + "\n" + `until = "2025-03-01T00:00:00Z"`, `Attribute "since" must be specified when "until" is specified`},
		{`since = "2025-03-02T00:00:00Z"` + "\n" + `until = "2025-03-01T00:00:00Z"`, `Empty time window`},
		{`day = "2099-01-01"`, `Period not begun[\s\S]*day 2099-01-01 begins after the time of the read`},
		{`time = "2099"`, `Period not begun[\s\S]*period 2099 begins after`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      providerBlock(url) + "data \"onomondo_sms_usage\" \"bad\" {\n" + tc.body + "\n}",
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	noRequests(t, srv)
}

// smsPattern is an example file of the docs with today (or this month)
// replaced by a literal day or month of the fake's log.
func smsPattern(t *testing.T, file, expr, value string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/data-sources/onomondo_sms_usage/" + file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), expr) != 1 {
		t.Fatalf("%s: want exactly one %s to replace", file, expr)
	}
	return strings.Replace(string(b), expr, fmt.Sprintf("%q", value), 1)
}

// The docs' "no SIM sent more than N SMS today": the send loop's SIM on
// its day, nobody on a quiet day.
func TestSmsUsageDataSource_PatternNoSIMOverNToday(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	const today = `formatdate("YYYY-MM-DD", plantimestamp())`
	over := func(day string) map[string]knownvalue.Check {
		out := map[string]knownvalue.Check{}
		for sim, n := range countSMS(srv.SMS(), "", []string{day}, nil).bySim {
			if n > 200 {
				out[sim] = knownvalue.Int64Exact(n)
			}
		}
		return out
	}
	if len(over(smsLoopDay)) != 1 || len(over("2025-03-05")) != 0 {
		t.Fatal("the fake's log has no single SIM over the limit on the loop day, or one on a quiet day")
	}
	var steps []resource.TestStep
	for _, day := range []string{smsLoopDay, "2025-03-05"} {
		steps = append(steps, resource.TestStep{
			Config: providerBlock(url) + smsPattern(t, "per_sim_today.tf", today, day),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("sims_over_sms_limit_today", knownvalue.MapExact(over(day))),
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// The docs' "failed deliveries under 5% this month": over it in the month
// of the send loop, under it in a quiet month.
func TestSmsUsageDataSource_PatternFailedUnderFivePercent(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	const thisMonth = `formatdate("YYYY-MM", plantimestamp())`
	percent := func(month string) float64 {
		c := countSMS(srv.SMS(), "", monthDays(month), nil)
		return 100 * float64(c.byStatus["failed"]) / float64(c.count)
	}
	if percent("2025-03") < 5 || percent("2025-01") >= 5 {
		t.Fatalf("failed: %.1f%% in 2025-03, %.1f%% in 2025-01; the test needs one over 5%% and one under", percent("2025-03"), percent("2025-01"))
	}
	var steps []resource.TestStep
	for _, month := range []string{"2025-03", "2025-01"} {
		steps = append(steps, resource.TestStep{
			Config: providerBlock(url) + smsPattern(t, "failed_this_month.tf", thisMonth, month) + `
output "failures_under_5_percent" {
  value = local.sms_failed_percent < 5
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("sms_failed_percent", knownvalue.StringExact(fmt.Sprintf("%.1f", percent(month)))),
				statecheck.ExpectKnownOutputValue("failures_under_5_percent", knownvalue.Bool(percent(month) < 5)),
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// The alarm guide's SMS alarm (examples/sms-alarm/sms.tf) as written, on
// the send loop's day and month: the warning names the loop's SIM and the
// output precondition fails the plan; on a quiet day and month it passes;
// a month without a single SMS is "nothing read", not 0% failed.
func TestSmsUsageDataSource_AlarmGuideExample(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	b, err := os.ReadFile("../../examples/sms-alarm/sms.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := func(day, month string) string {
		src := strings.Replace(string(b), `formatdate("YYYY-MM-DD", plantimestamp())`, fmt.Sprintf("%q", day), 1)
		return providerBlock(url) + strings.Replace(src, `formatdate("YYYY-MM", plantimestamp())`, fmt.Sprintf("%q", month), 1)
	}
	loop := countSMS(srv.SMS(), "", monthDays("2025-03"), nil)
	if countSMS(srv.SMS(), "", monthDays("2024-06"), nil).count != 0 {
		t.Fatal("the fake has SMS in 2024-06: the nothing-read step proves nothing")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(smsLoopDay, "2025-03"),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`%d of %d SMS failed this month \(\d+\.\d%%\), 5%% or more`, loop.byStatus["failed"], loop.count)),
			},
			{
				Config: config("2025-01-15", "2025-01"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sims_in_an_sms_loop", knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				// Nothing read this month: a warning (check
				// sms_this_month_was_read), and no percentage.
				Config: config("2024-06-15", "2024-06"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sms_failed_percent", knownvalue.StringExact("nothing read")),
				},
			},
			{
				// The warning alone: the loop's day in a quiet month.
				Config: config(smsLoopDay, "2025-01"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sims_in_an_sms_loop", knownvalue.MapExact(map[string]knownvalue.Check{
						srv.Fleet().SIMs[1].ID: knownvalue.Int64Exact(countSMS(srv.SMS(), srv.Fleet().SIMs[1].ID, []string{smsLoopDay}, nil).count),
					})),
				},
			},
		},
	})
}
