package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// What a tag read must count is worked out here from the fake's fleet: the
// records of the SIMs that carry any of the tags, by the fleet's own SIM
// list.

// tagged is the set of ids of the SIMs carrying any of the tags (by id).
func tagged(f *fakeapi.Fleet, tagIDs ...string) map[string]bool {
	out := map[string]bool{}
	for _, s := range f.SIMs {
		if slices.ContainsFunc(s.Tags, func(id string) bool { return slices.Contains(tagIDs, id) }) {
			out[s.ID] = true
		}
	}
	return out
}

// tagSums are the sums of recs over the SIMs carrying any of tags, and
// bytes_by_tag_name: each tag's SIMs' bytes.
func tagSums(f *fakeapi.Fleet, recs []fakeapi.Record, tags ...fakeapi.Tag) (sums, map[string]int64) {
	var ids []string
	for _, t := range tags {
		ids = append(ids, t.ID)
	}
	keep := tagged(f, ids...)
	var kept []fakeapi.Record
	byTag := map[string]int64{}
	for _, t := range tags {
		byTag[t.Name] = 0
	}
	for _, r := range recs {
		if !keep[r.SimID] {
			continue
		}
		kept = append(kept, r)
		sim, _ := f.SIMByID(r.SimID)
		for _, t := range tags {
			if slices.Contains(sim.Tags, t.ID) {
				byTag[t.Name] += r.Bytes
			}
		}
	}
	return sumRecords(kept), byTag
}

// usageQueries are the unescaped queries of the fake's /usage requests.
func usageQueries(srv *fakeapi.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Path == "/usage" {
			out = append(out, strings.Join(append(r.Query["filter"], r.Query["filter[]"]...), ",")+"|"+r.Query.Get("limit"))
		}
	}
	return out
}

// Two tags of a month, read as one fleet read kept to their SIMs (the
// month's records fit in fewer pages than the tags have SIMs): totals,
// maps and bytes_by_tag_name, where a SIM carrying both counts in both.
func TestUsageDataSource_TagsFleetRead(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	// Two tags that some SIM with usage in the month carries both of.
	month := sumRecords(selectRecords(f, "2025-03", ""))
	var a, b fakeapi.Tag
	for _, s := range f.SIMs {
		if len(s.Tags) == 2 && month.bySim[s.ID] > 0 {
			a, _ = f.TagByID(s.Tags[0])
			b, _ = f.TagByID(s.Tags[1])
			break
		}
	}
	want, byTag := tagSums(f, selectRecords(f, "2025-03", ""), a, b)
	if a.ID == "" || len(want.bySim) == len(month.bySim) {
		t.Fatal("no SIM with usage carries two tags, or the two tags cover every SIM: the test proves less than it says")
	}
	// An hour in which one of the two tags' SIMs used nothing: its entry is
	// 0, not missing.
	var idle time.Time
	for h := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC); idle.IsZero() && h.Day() == 5; h = h.Add(time.Hour) {
		if _, hour := tagSums(f, windowRecords(f, h, h.Add(time.Hour), ""), a, b); (hour[a.Name] == 0) != (hour[b.Name] == 0) {
			idle = h
		}
	}
	if idle.IsZero() {
		t.Fatal("no hour of 2025-03-05 in which exactly one of the tags is idle")
	}
	idleWant, idleByTag := tagSums(f, windowRecords(f, idle, idle.Add(time.Hour), ""), a, b)
	const addr = "data.onomondo_usage.tags"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "tags" {
  time            = "2025-03"
  tag_names       = [%q, %q]
  include_records = false
}
data "onomondo_usage" "idle" {
  since     = %q
  until     = %q
  tag_names = [%q, %q]
}`, a.Name, b.Name, rfc3339(idle), rfc3339(idle.Add(time.Hour)), a.Name, b.Name),
			ConfigStateChecks: append(append(sumChecks(addr, want, true),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_tag_name"), int64MapExact(byTag)),
				statecheck.ExpectKnownValue("data.onomondo_usage.idle", tfjsonpath.New("bytes_by_tag_name"), int64MapExact(idleByTag))),
				sumChecks("data.onomondo_usage.idle", idleWant, true)...),
			Check: func(*terraform.State) error {
				for _, q := range usageQueries(srv) {
					if q != "time:2025-03|1000" && q != "time:2025-03-05|1000" {
						return fmt.Errorf("a fleet read was expected, but the fake saw the usage query %q", q)
					}
				}
				return expectQueries(srv, "/sims", "limit=1000")(nil) // both reads, the same query
			},
		}},
	})
}

// A tag with few SIMs over two days whose fleet reads take more pages than
// the tag has SIMs: the first day's fleet read stops at one page per SIM
// and the SIMs are read one by one; the second day goes straight to
// per-SIM reads. Every request is counted.
func TestUsageDataSource_TagsPerSIMReads(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	tag := f.Tags[0]
	for _, t := range f.Tags {
		if n := f.TagSIMCount(t.ID); n > 0 && n < f.TagSIMCount(tag.ID) {
			tag = t
		}
	}
	sims := tagged(f, tag.ID)
	since, until := time.Date(2025, 2, 3, 6, 0, 0, 0, time.UTC), time.Date(2025, 2, 4, 18, 0, 0, 0, time.UTC)
	const page = 10
	want, byTag := tagSums(f, windowRecords(f, since, until, ""), tag)
	requests := len(sims) // day 1: the fleet read, stopped after one page per SIM
	for _, day := range []string{"2025-02-03", "2025-02-04"} {
		if day == "2025-02-03" && len(selectRecords(f, day, "")) <= page*len(sims) {
			t.Fatalf("%s holds too few records for the fleet read to stop", day)
		}
		for id := range sims {
			requests += max(1, (len(selectRecords(f, day, id))+page-1)/page)
		}
	}
	const addr = "data.onomondo_usage.tag"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "tag" {
  since           = %q
  until           = %q
  tag_ids         = [%q]
  limit           = %d
  include_records = false
}`, rfc3339(since), rfc3339(until), strings.ToUpper(tag.ID), page),
			ConfigStateChecks: append(sumChecks(addr, want, true),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_tag_name"), int64MapExact(byTag))),
			Check: func(*terraform.State) error {
				qs := usageQueries(srv)
				fleet := 0
				perSIM := map[string]int{}
				for _, q := range qs {
					switch filters, _, _ := strings.Cut(q, "|"); {
					case filters == "time:2025-02-03":
						fleet++
					case strings.HasPrefix(filters, "time:2025-02-0") && strings.Contains(filters, ",sim_id:"):
						perSIM[filters]++
					default:
						return fmt.Errorf("unexpected usage query %q", q)
					}
				}
				if fleet != len(sims) || len(perSIM) != 2*len(sims) || len(qs) != requests {
					return fmt.Errorf("%d fleet pages (want %d), %d SIM-days read (want %d), %d requests (want %d): %q",
						fleet, len(sims), len(perSIM), 2*len(sims), len(qs), requests, qs)
				}
				return nil
			},
		}},
	})
}

// A tag that no SIM carries is an error naming the nearest tags, never a
// total of 0; no usage is read.
func TestUsageDataSource_TagTyposAreErrors(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	cases := []struct{ args, want string }{
		{`tag_names = ["Production"]`, `No SIM carries the tag "Production" .* Did you mean "production"\?`},
		{`tag_names = ["production", "fleet-nort"]`, `No SIM carries the tag "fleet-nort" .* Did you mean "fleet-north" or "fleet-south"\?`},
		// A tag of the organisation that no SIM carries.
		{`tag_names = ["decommissioned"]`, `No SIM carries the tag "decommissioned" .* would read as 0 bytes. Tags the SIMs carry: cold-chain, field-test,`},
		{`tag_ids = ["3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f"]`, `No SIM carries the tag "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f" .* Tags the SIMs carry: [0-9a-f-]{36} \(`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      providerBlock(url) + "data \"onomondo_usage\" \"x\" {\n  time = \"2025-03\"\n  " + c.args + "\n}",
			ExpectError: flatRegexp(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if qs := usageQueries(srv); len(qs) != 0 {
		t.Errorf("usage was read for a tag no SIM carries: %q", qs)
	}
}

func TestNearestTagNames(t *testing.T) {
	tags := []string{"cold-chain", "field-test", "fleet-north", "fleet-south", "production", "roaming-eu"}
	for _, c := range []struct {
		asked string
		want  []string
	}{
		{"Production", []string{"production"}}, // case first, whatever the distance to others
		{"PRODUCTION", []string{"production"}},
		{"prodution", []string{"production"}},
		{"fleet-nort", []string{"fleet-north", "fleet-south"}}, // nearest first
		{"fleet", nil}, // too far from every name
		{"decommissioned", nil},
	} {
		if got := nearest(c.asked, tags); !slices.Equal(got, c.want) {
			t.Errorf("nearest(%q) = %q, want %q", c.asked, got, c.want)
		}
	}
}
