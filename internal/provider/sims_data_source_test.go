package provider

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// What the SIM data sources must show is worked out here from the fake's
// fleet and its data-limit period, independently of the fake's own answers.

// periodUse is what a SIM's records say for the period [from, to): bytes in
// it, and the last record before it ends.
func periodUse(f *fakeapi.Fleet, simID string, from, to time.Time) (used int64, last *fakeapi.Record) {
	for _, r := range f.RecordsOf(simID) {
		if r.Time.Before(to) {
			r := r
			last = &r
			if !r.Time.Before(from) {
				used += r.Bytes
			}
		}
	}
	return used, last
}

func optStringCheck(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}

// wantSIMAttrs are the attributes a SIM of the fleet must have.
func wantSIMAttrs(srv *fakeapi.Server, sim fakeapi.SIM) map[string]knownvalue.Check {
	f := srv.Fleet()
	from, to := srv.Period()
	used, last := periodUse(f, sim.ID, from, to)

	tags := []knownvalue.Check{}
	for _, id := range sim.Tags {
		tag, _ := f.TagByID(id)
		tags = append(tags, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "name": knownvalue.StringExact(tag.Name),
		}))
	}
	var dataLimit knownvalue.Check = knownvalue.Null()
	if dl := sim.DataLimit; dl != nil {
		want := wantLimit(dl, used)
		dataLimit = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"total":           knownvalue.Int64Exact(dl.Total),
			"used":            want.used,
			"type":            knownvalue.StringExact("monthly"),
			"period":          knownvalue.StringExact(from.Format("200601")),
			"alert_threshold": want.threshold,
			"resets_at":       knownvalue.StringExact(to.Format(time.RFC3339)),
			"alert_at":        want.alertAt,
			"percent_used":    want.percent,
			"state":           want.state,
		})
	}
	network := map[string]knownvalue.Check{
		"name": knownvalue.Null(), "country": knownvalue.Null(), "country_code": knownvalue.Null(), "mcc": knownvalue.Null(), "mnc": knownvalue.Null(),
	}
	if sim.Online {
		network = map[string]knownvalue.Check{
			"name":         knownvalue.NotNull(),
			"country":      knownvalue.NotNull(),
			"country_code": knownvalue.StringExact(last.CountryCode), // lower case, as in usage records
			"mcc":          knownvalue.StringExact(last.MCC),
			"mnc":          knownvalue.StringExact(last.MNC),
		}
	}
	var onlineAt knownvalue.Check = knownvalue.Null()
	if last != nil {
		onlineAt = knownvalue.StringExact(last.Time.UTC().Format(time.RFC3339))
	}
	return map[string]knownvalue.Check{
		"id":                knownvalue.StringExact(sim.ID),
		"iccid":             knownvalue.StringExact(sim.ICCID),
		"label":             optStringCheck(sim.Label),
		"activated":         knownvalue.Bool(sim.Activated),
		"online":            knownvalue.Bool(sim.Online),
		"online_at":         onlineAt,
		"imei":              optStringCheck(sim.IMEI),
		"network_whitelist": knownvalue.StringExact(sim.NetworkWhitelist),
		"tags":              knownvalue.ListExact(tags),
		"data_limit":        dataLimit,
		"network":           knownvalue.ObjectExact(network),
	}
}

// wantSims checks every attribute of an onomondo_sims read holding exactly
// sims, in id order.
func wantSims(srv *fakeapi.Server, addr string, sims []fakeapi.SIM) []statecheck.StateCheck {
	sims = slices.Clone(sims)
	slices.SortFunc(sims, func(a, b fakeapi.SIM) int { return strings.Compare(a.ID, b.ID) })
	f := srv.Fleet()
	elems := make([]knownvalue.Check, len(sims))
	byName, byTagID := map[string][]string{}, map[string][]string{}
	labels, iccids := map[string]knownvalue.Check{}, map[string]knownvalue.Check{}
	for i, s := range sims {
		elems[i] = knownvalue.ObjectExact(wantSIMAttrs(srv, s))
		for _, id := range s.Tags {
			tag, _ := f.TagByID(id)
			byName[tag.Name] = append(byName[tag.Name], s.ID)
			byTagID[id] = append(byTagID[id], s.ID)
		}
		if s.Label != "" {
			labels[s.ID] = knownvalue.StringExact(s.Label)
		}
		iccids[s.ICCID] = knownvalue.StringExact(s.ID)
	}
	return append([]statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("sims"), knownvalue.ListExact(elems)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("sim_count"), knownvalue.Int64Exact(int64(len(sims)))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids_by_tag_name"), idListsCheck(byName)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids_by_tag_id"), idListsCheck(byTagID)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("label_by_id"), knownvalue.MapExact(labels)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("id_by_iccid"), knownvalue.MapExact(iccids)),
	}, wantFleetLimits(srv, addr, sims)...)
}

// idListsCheck expects a map of sorted SIM id lists.
func idListsCheck(m map[string][]string) knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	for k, ids := range m {
		slices.Sort(ids)
		elems := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			elems[i] = knownvalue.StringExact(id)
		}
		checks[k] = knownvalue.ListExact(elems)
	}
	return knownvalue.MapExact(checks)
}

// simsWhere is the fleet's SIMs that keep says yes to.
func simsWhere(f *fakeapi.Fleet, keep func(fakeapi.SIM) bool) []fakeapi.SIM {
	var out []fakeapi.SIM
	for _, s := range f.SIMs {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// idsCheck expects `sims` to hold exactly these SIMs, by id, and sim_count.
func idsCheck(addr string, sims []fakeapi.SIM) []statecheck.StateCheck {
	elems := make([]knownvalue.Check, len(sims))
	for i, s := range sims {
		elems[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(s.ID)})
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("sims"), knownvalue.ListExact(elems)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("sim_count"), knownvalue.Int64Exact(int64(len(sims)))),
	}
}

// distinctQueries checks the distinct queries the fake saw on path: want
// holds patterns, each matched by exactly one distinct query, in order of
// first arrival.
func distinctQueries(srv *fakeapi.Server, path string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var seen []string
		for _, r := range srv.Requests() {
			if r.Path == path && !slices.Contains(seen, r.RawQuery) {
				seen = append(seen, r.RawQuery)
			}
		}
		if len(seen) != len(want) {
			return fmt.Errorf("the fake saw %d distinct queries on %s, want %d: %q", len(seen), path, len(want), seen)
		}
		for i, w := range want {
			if !regexp.MustCompile(w).MatchString(seen[i]) {
				return fmt.Errorf("query %d on %s is %q, want %s", i+1, path, seen[i], w)
			}
		}
		return nil
	}
}

func TestSimsDataSource_EveryPagingStyle(t *testing.T) {
	// At most 10 SIMs a page: the 48 SIMs take 5 pages.
	srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 10})
	const addr = "data.onomondo_sims.all"
	config := providerBlock(url) + `data "onomondo_sims" "all" {}`
	checks := wantSims(srv, addr, srv.Fleet().SIMs)
	cursor := `^limit=1000&next_page=[A-Za-z0-9+/%]+$`
	offsets := func(n int) []string {
		out := []string{`^limit=1000$`}
		for i := 1; i < n; i++ {
			out = append(out, fmt.Sprintf(`^limit=1000&offset=%d$`, min(10*i, 48)))
		}
		return out
	}
	var steps []resource.TestStep
	for _, tc := range []struct {
		style   fakeapi.SIMPaging
		queries []string
	}{
		{fakeapi.SIMPagingCursor, []string{`^limit=1000$`, cursor, cursor, cursor, cursor}},
		{fakeapi.SIMPagingOffset, offsets(5)},
		// No page size in a bare answer: only an empty page ends the read.
		{fakeapi.SIMPagingBare, offsets(6)},
	} {
		style := tc.style
		steps = append(steps, resource.TestStep{
			PreConfig:         func() { srv.SetSIMPaging(style); srv.ResetRequests() },
			Config:            config,
			ConfigStateChecks: checks,
			Check:             distinctQueries(srv, "/sims", tc.queries...),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

func TestSimsDataSource_EveryFilter(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	has := func(s fakeapi.SIM, tagIDs ...string) bool {
		return slices.ContainsFunc(s.Tags, func(id string) bool { return slices.Contains(tagIDs, id) })
	}
	cases := []struct {
		name, args string
		keep       func(fakeapi.SIM) bool
	}{
		{"online_activated", `online = true
  activated = true`, func(s fakeapi.SIM) bool { return s.Online && s.Activated }},
		{"offline", `online = false`, func(s fakeapi.SIM) bool { return !s.Online }},
		{"inactive", `activated = false`, func(s fakeapi.SIM) bool { return !s.Activated }},
		// Tag ids in any case; a SIM matches any of the tags.
		{"by_tag_id", fmt.Sprintf(`tag_ids = [%q]`, strings.ToUpper(f.Tags[2].ID)), func(s fakeapi.SIM) bool { return has(s, f.Tags[2].ID) }},
		{"by_tag_names", fmt.Sprintf(`tag_names = [%q, %q]`, f.Tags[0].Name, f.Tags[3].Name), func(s fakeapi.SIM) bool { return has(s, f.Tags[0].ID, f.Tags[3].ID) }},
		{"ids_or_names", fmt.Sprintf(`tag_ids = [%q]
  tag_names = [%q]`, f.Tags[4].ID, f.Tags[5].Name), func(s fakeapi.SIM) bool { return has(s, f.Tags[4].ID, f.Tags[5].ID) }},
		{"with_api_filter", fmt.Sprintf(`online = true
  tag_names = [%q]`, f.Tags[0].Name), func(s fakeapi.SIM) bool { return s.Online && has(s, f.Tags[0].ID) }},
		// A tag no SIM carries: nothing, and a warning.
		{"nobody", `tag_names = ["decommissioned"]`, func(fakeapi.SIM) bool { return false }},
	}
	config := providerBlock(url)
	var checks []statecheck.StateCheck
	for _, tc := range cases {
		want := simsWhere(f, tc.keep)
		if tc.name != "nobody" && (len(want) == 0 || len(want) == len(f.SIMs)) {
			t.Fatalf("%s: %d SIMs match; the case proves nothing", tc.name, len(want))
		}
		config += fmt.Sprintf("data \"onomondo_sims\" %q {\n  %s\n}\n", tc.name, tc.args)
		checks = append(checks, idsCheck("data.onomondo_sims."+tc.name, want)...)
	}
	// The maps cover the SIMs kept.
	checks = append(checks, wantSims(srv, "data.onomondo_sims.by_tag_names", simsWhere(f, cases[4].keep))...)
	checks = append(checks, statecheck.ExpectKnownValue("data.onomondo_sims.nobody", tfjsonpath.New("ids_by_tag_name"), knownvalue.MapExact(map[string]knownvalue.Check{})))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			// online and activated go to the API, always as filter[]; tags
			// are applied by the provider, so the API sees no tag at all.
			Check: expectQueries(srv, "/sims",
				"filter[]=online:true&filter[]=activated:true&limit=1000",
				"filter[]=online:false&limit=1000",
				"filter[]=activated:false&limit=1000",
				"filter[]=online:true&limit=1000",
				"limit=1000"),
		}},
	})
}

func TestSimsDataSource_InvalidInputRefusedAtPlanTime(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	cases := []struct{ config, want string }{
		{`data "onomondo_sims" "x" { tag_ids = ["fleet-a"] }`, `"fleet-a" is not a tag id`},
		{`data "onomondo_sims" "x" { tag_ids = [] }`, `tag_ids.*set must contain at least 1 elements`},
		{`data "onomondo_sims" "x" { tag_names = [""] }`, `"" is not a tag name`},
		{`data "onomondo_sims" "x" { tag_names = [" production"] }`, `leading or trailing whitespace`},
		{`data "onomondo_sim" "x" { sim_id = "12345" }`, `"12345" is neither a SIM id`},
		// A SIM id that lost its leading zeros (a spreadsheet, a number).
		{`data "onomondo_sim" "x" { sim_id = 5840 }`, `did you mean "000005840"\?`},
		{`data "onomondo_sim" "x" { sim_id = "fleet-a" }`, `sim_id`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: providerBlock(url) + tc.config, ExpectError: flatRegexp(tc.want)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	noRequests(t, srv)
}

// examplePattern reads a documentation example, for a test to run it as
// written. "This month" becomes the fake's data-limit period.
func examplePattern(t *testing.T, path, month string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if month != "" {
		const thisMonth = `formatdate("YYYY-MM", plantimestamp())`
		if strings.Count(src, thisMonth) != 1 {
			t.Fatalf("%s: want exactly one %s to replace", path, thisMonth)
		}
		src = strings.Replace(src, thisMonth, fmt.Sprintf("%q", month), 1)
	}
	return src
}

// The documentation's "this month per tag" pattern (onomondo_usage's page)
// gives each tag's usage in the month, worked out here from the fleet:
// including SIMs without usage in the month (the dormant SIM carries a tag)
// and SIMs with two tags, which count in both. The tag no SIM carries is
// not among the names onomondo_sims gives. The SIM list ends on a full page
// (48 SIMs, 16 a page), as a fleet of exactly 1,000 SIMs does.
func TestSimsDataSource_ThisMonthPerTag(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 16})
	if len(srv.Fleet().SIMs)%16 != 0 {
		t.Fatal("the SIM list does not end on a full page: the test proves less than it says")
	}
	f := srv.Fleet()
	from, _ := srv.Period()
	month := from.Format("2006-01")
	monthly := map[string]int64{} // SIM id -> bytes in the month
	for _, r := range selectRecords(f, month, "") {
		monthly[r.SimID] += r.Bytes
	}
	byTag := map[string]int64{}
	idle, twoTags := 0, 0 // tagged SIMs without usage in the month; SIMs with two tags
	for _, s := range f.SIMs {
		if len(s.Tags) > 0 && monthly[s.ID] == 0 {
			idle++
		}
		if len(s.Tags) > 1 && monthly[s.ID] > 0 {
			twoTags++
		}
		for _, id := range s.Tags {
			tag, _ := f.TagByID(id)
			byTag[tag.Name] += monthly[s.ID]
		}
	}
	if idle == 0 || twoTags == 0 || f.TagSIMCount(f.Tags[6].ID) != 0 {
		t.Fatal("the fleet has no tagged SIM without usage, no SIM with two tags or no tag without SIMs: the test proves less than it says")
	}
	want := map[string]knownvalue.Check{}
	for name, b := range byTag {
		want[name] = knownvalue.Int64Exact(b)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks, // the example calls parse_bytes
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + examplePattern(t, "data-sources/onomondo_usage/per_tag.tf", month),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("bytes_by_tag_this_month", knownvalue.MapExact(want)),
				statecheck.ExpectKnownValue("data.onomondo_usage.production", tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(byTag["production"])),
			},
		}},
	})
}

// The documentation's "SIMs over 90% of their own data limit" pattern
// (onomondo_sims' page) names exactly the SIMs whose period usage, worked out
// here from the fleet, is over 90% of their limit: by label, by id when
// they have none; never a SIM without a limit or whose used is null.
func TestSimsDataSource_OverNinetyPercentOfDataLimit(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{SIMPaging: fakeapi.SIMPagingOffset, SIMPageLimit: 20})
	f := srv.Fleet()
	from, to := srv.Period()
	want := map[string]knownvalue.Check{}
	var unlabeled, nullUsedOver, noLimitOver bool
	for _, s := range f.SIMs {
		used, _ := periodUse(f, s.ID, from, to)
		switch {
		case s.DataLimit == nil:
			noLimitOver = noLimitOver || used > 0
			continue
		case s.DataLimit.UsedNull:
			nullUsedOver = nullUsedOver || used*10 > s.DataLimit.Total*9
			continue
		case used*10 <= s.DataLimit.Total*9:
			continue
		}
		name := s.Label
		if name == "" {
			name, unlabeled = s.ID, true
		}
		want[name] = knownvalue.Int64Exact(used * 100 / s.DataLimit.Total)
	}
	if len(want) < 2 || !unlabeled || !noLimitOver {
		t.Fatalf("%d SIMs over 90%%, unlabeled among them %t, SIM without a limit with usage %t: the test proves less than it says", len(want), unlabeled, noLimitOver)
	}
	t.Logf("over 90%%: %d SIMs; a SIM with used = null that is really over: %t", len(want), nullUsedOver)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks, // the example calls format_bytes
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + examplePattern(t, "data-sources/onomondo_sims/over_limit.tf", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("sims_over_90_percent", knownvalue.MapExact(want)),
			},
		}},
	})
}

func TestFilterByTags(t *testing.T) {
	sims := []onomondo.SIM{
		{ID: "000000001", Tags: []onomondo.SIMTag{{ID: "aaaaaaaa-0000-4000-8000-000000000001", Name: "a"}}},
		{ID: "000000002", Tags: []onomondo.SIMTag{{ID: "bbbbbbbb-0000-4000-8000-000000000002", Name: "b"}, {ID: "aaaaaaaa-0000-4000-8000-000000000001", Name: "a"}}},
		{ID: "000000003"},
	}
	var diags diag.Diagnostics
	if got := filterByTags(sims, nil, nil, &diags); len(got) != 3 || diags.HasError() || diags.WarningsCount() != 0 {
		t.Fatalf("no tags: %d SIMs, %v", len(got), diags)
	}
	got := filterByTags(sims, []string{"BBBBBBBB-0000-4000-8000-000000000002", "cccccccc-0000-4000-8000-000000000003"}, []string{"a", "A"}, &diags)
	if len(got) != 2 || got[0].ID != "000000001" || got[1].ID != "000000002" {
		t.Fatalf("kept %+v", got)
	}
	if diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), `tag id "cccccccc-0000-4000-8000-000000000003", tag name "A"`) {
		t.Fatalf("warnings %v", diags)
	}
}
