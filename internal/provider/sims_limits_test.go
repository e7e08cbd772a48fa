package provider

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// What a SIM's data limit must read as, worked out here from the fake's SIM
// list and records with Onomondo's documented meaning: blocked at total,
// the alert at total - alert_threshold.

// limitWant is one SIM's expected data_limit readings.
type limitWant struct {
	used, threshold, alertAt, percent, state knownvalue.Check
	stateName                                string // "" when state is null
}

func wantLimit(dl *fakeapi.DataLimit, used int64) limitWant {
	w := limitWant{
		used: knownvalue.Int64Exact(used), threshold: knownvalue.Null(), alertAt: knownvalue.Null(),
		percent: knownvalue.Null(), state: knownvalue.Null(),
	}
	alertAt := int64(-1)
	if dl.AlertThreshold > 0 {
		alertAt = max(dl.Total-dl.AlertThreshold, 0)
		w.threshold, w.alertAt = knownvalue.Int64Exact(dl.AlertThreshold), knownvalue.Int64Exact(alertAt)
	}
	if dl.UsedNull {
		w.used = knownvalue.Null()
		return w
	}
	// Both operands are exact in a float64 (below 2^53), so IEEE division
	// rounds the exact ratio once.
	w.percent = knownvalue.Float64Exact(float64(used*100) / float64(dl.Total))
	switch {
	case used >= dl.Total:
		w.stateName = "blocked"
	case alertAt >= 0 && used >= alertAt:
		w.stateName = "alert"
	default:
		w.stateName = "ok"
	}
	w.state = knownvalue.StringExact(w.stateName)
	return w
}

// wantFleetLimits checks onomondo_sims' limit lists and month-to-date over
// sims.
func wantFleetLimits(srv *fakeapi.Server, addr string, sims []fakeapi.SIM) []statecheck.StateCheck {
	from, to := srv.Period()
	lists := map[string][]string{"alert": {}, "blocked": {}, "missing": {}}
	used := map[string]knownvalue.Check{}
	var total int64
	for _, s := range sims {
		b, _ := periodUse(srv.Fleet(), s.ID, from, to)
		if s.DataLimit == nil || s.DataLimit.UsedNull {
			lists["missing"] = append(lists["missing"], s.ID)
		} else {
			used[s.ID] = knownvalue.Int64Exact(b)
			total += b
		}
		if s.DataLimit != nil {
			if st := wantLimit(s.DataLimit, b).stateName; st == "alert" || st == "blocked" {
				lists[st] = append(lists[st], s.ID)
			}
		}
	}
	check := func(ids []string) knownvalue.Check {
		slices.Sort(ids)
		elems := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			elems[i] = knownvalue.StringExact(id)
		}
		return knownvalue.ListExact(elems)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("alerting_ids"), check(lists["alert"])),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("blocked_ids"), check(lists["blocked"])),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_bytes_missing_ids"), check(lists["missing"])),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_bytes_by_id"), knownvalue.MapExact(used)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_bytes_total"), knownvalue.Int64Exact(total)),
	}
}

// Every reading of a data limit, on SIMs picked for each case the test
// names (the fleet must have them all): a threshold with the SIM ok, at
// its alert level, and over its limit; no threshold, ok and over; used
// null; no limit at all. onomondo_sim shows each SIM's own readings, and
// onomondo_sims the fleet's lists and month-to-date.
func TestSimsDataSource_DataLimitReadings(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	from, to := srv.Period()
	picked := map[string]fakeapi.SIM{}
	for _, s := range f.SIMs {
		used, _ := periodUse(f, s.ID, from, to)
		var c string
		switch {
		case s.DataLimit == nil:
			c = "no limit"
		case s.DataLimit.UsedNull:
			c = fmt.Sprintf("used null, threshold %t", s.DataLimit.AlertThreshold > 0)
		default:
			c = fmt.Sprintf("threshold %t, %s", s.DataLimit.AlertThreshold > 0, wantLimit(s.DataLimit, used).stateName)
		}
		if _, ok := picked[c]; !ok {
			picked[c] = s
		}
	}
	config := providerBlock(url) + "data \"onomondo_sims\" \"all\" {}\n"
	checks := wantFleetLimits(srv, "data.onomondo_sims.all", f.SIMs)
	for _, c := range []string{
		"threshold true, ok", "threshold true, alert", "threshold true, blocked",
		"threshold false, ok", "threshold false, blocked", "used null, threshold true", "no limit",
	} {
		s, ok := picked[c]
		if !ok {
			t.Fatalf("the fake's fleet has no SIM with %s: the test proves less than it says (cases: %v)", c, keysOf(picked))
		}
		name := fmt.Sprintf("sim_%s", s.ID)
		config += fmt.Sprintf("data \"onomondo_sim\" %q {\n  sim_id = %q\n}\n", name, s.ID)
		want := wantSIMAttrs(srv, s)
		checks = append(checks, statecheck.ExpectKnownValue("data.onomondo_sim."+name, tfjsonpath.New("data_limit"), want["data_limit"]))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// readLimit's edges, which the fake's fleet does not reach.
func TestReadLimitEdges(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	cases := []struct {
		name    string
		limit   onomondo.DataLimit
		alertAt *int64
		percent *float64
		state   string
	}{
		{"threshold above the limit alerts at once", onomondo.DataLimit{Total: n(500), Used: n(0), AlertThreshold: n(900)}, n(0), new(float64), "alert"},
		{"exactly at alert_at", onomondo.DataLimit{Total: n(1000), Used: n(900), AlertThreshold: n(100)}, n(900), ptr(90.0), "alert"},
		{"one byte below alert_at", onomondo.DataLimit{Total: n(1000), Used: n(899), AlertThreshold: n(100)}, n(900), ptr(89.9), "ok"},
		{"exactly at the limit", onomondo.DataLimit{Total: n(1000), Used: n(1000), AlertThreshold: n(100)}, n(900), ptr(100.0), "blocked"},
		{"a zero limit", onomondo.DataLimit{Total: n(0), Used: n(0)}, nil, nil, "blocked"},
		{"total null", onomondo.DataLimit{Used: n(5), AlertThreshold: n(1)}, nil, nil, ""},
		{"used null", onomondo.DataLimit{Total: n(1000), AlertThreshold: n(100)}, n(900), nil, ""},
		{"used*100 beyond 64 bits", onomondo.DataLimit{Total: n(math.MaxInt64), Used: n(math.MaxInt64)}, nil, ptr(100.0), "blocked"},
	}
	for _, c := range cases {
		got := readLimit(&c.limit)
		if !eqPtr(got.alertAt, c.alertAt) || !eqPtr(got.percent, c.percent) || got.state != c.state {
			t.Errorf("%s: alert_at %v, percent %v, state %q; want %v, %v, %q", c.name,
				deref(got.alertAt), deref(got.percent), got.state, deref(c.alertAt), deref(c.percent), c.state)
		}
	}
	if r := readLimit(nil); r.alertAt != nil || r.percent != nil || r.state != "" {
		t.Errorf("no limit read as %+v", r)
	}
}

func ptr[T any](v T) *T { return &v }

func eqPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// The documentation's limits pattern (onomondo_sims' page) names the SIMs
// at their alert level by label and gives the month-to-date of the SIMs
// with a monthly limit, worked out here from the fleet.
func TestSimsDataSource_LimitsExample(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 20})
	f := srv.Fleet()
	from, to := srv.Period()
	alerting := []knownvalue.Check{}
	var total int64
	for _, s := range f.SIMs {
		if s.DataLimit == nil || s.DataLimit.UsedNull {
			continue
		}
		used, _ := periodUse(f, s.ID, from, to)
		total += used
		if wantLimit(s.DataLimit, used).stateName == "alert" {
			alerting = append(alerting, knownvalue.StringExact(cmp.Or(s.Label, s.ID)))
		}
	}
	if len(alerting) == 0 {
		t.Fatal("no SIM at its alert level: the test proves less than it says")
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks, // the example calls parse_bytes
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + examplePattern(t, "data-sources/onomondo_sims/limits.tf", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("alerting_sims", knownvalue.ListExact(alerting)),
				statecheck.ExpectKnownOutputValue("fleet_month_to_date_bytes", knownvalue.Int64Exact(total)),
			},
		}},
	})
}

func TestNewSimLimits(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	monthly := func(id, period string, used int64) onomondo.SIM {
		return onomondo.SIM{ID: id, DataLimit: &onomondo.DataLimit{Total: n(1000), Used: n(used), Type: "monthly", Period: period}}
	}
	var diags diag.Diagnostics
	l := newSimLimits([]onomondo.SIM{
		monthly("000000003", "202504", 10), monthly("000000001", "202505", 1000),
		{ID: "000000002", DataLimit: &onomondo.DataLimit{Total: n(1000), Used: n(5), Type: "daily"}},
		{ID: "000000004"}, {ICCID: "89457387300000022734"}, // no limit; no id
	}, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `"202504" (1 SIMs), "202505" (1 SIMs)`) {
		t.Fatalf("diagnostics %v", diags)
	}
	if l.UsedBytesTotal.ValueInt64() != 1010 || len(l.UsedBytesByID.Elements()) != 2 ||
		l.UsedBytesMissingIDs.String() != `["000000002","000000004"]` || l.BlockedIDs.String() != `["000000001"]` {
		t.Fatalf("limits %+v", l)
	}
	diags = nil
	newSimLimits([]onomondo.SIM{monthly("000000001", "202504", math.MaxInt64), monthly("000000002", "202504", 1)}, &diags)
	if !diags.HasError() {
		t.Fatal("an overflowing sum was accepted")
	}
}
