package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// sums are usage totals the tests compute from the fake's fleet on their
// own, to compare with what the provider reports.
type sums struct {
	count, total int64
	bySim        map[string]int64
	byCountry    map[string]int64
	byNetwork    map[string]int64
	byDay        map[string]int64 // UTC date of the record's start
}

func sumRecords(recs []fakeapi.Record) sums {
	s := sums{bySim: map[string]int64{}, byCountry: map[string]int64{}, byNetwork: map[string]int64{}, byDay: map[string]int64{}}
	for _, r := range recs {
		s.count++
		s.total += r.Bytes
		s.bySim[r.SimID] += r.Bytes
		s.byCountry[r.CountryCode] += r.Bytes
		s.byNetwork[r.NetworkType] += r.Bytes
		s.byDay[r.Time.UTC().Format("2006-01-02")] += r.Bytes
	}
	return s
}

// selectRecords filters fleet records by a time prefix ("2025-02") and a SIM
// id or ICCID ("" matches all), in fleet order.
func selectRecords(f *fakeapi.Fleet, timePrefix, simID string) []fakeapi.Record {
	var out []fakeapi.Record
	for _, r := range f.Records {
		if timePrefix != "" && !strings.HasPrefix(r.Time.UTC().Format("2006-01-02"), timePrefix) {
			continue
		}
		if simID != "" && r.SimID != simID && r.ICCID != simID {
			continue
		}
		out = append(out, r)
	}
	return out
}

func int64MapExact(m map[string]int64) knownvalue.Check {
	checks := make(map[string]knownvalue.Check, len(m))
	for k, v := range m {
		checks[k] = knownvalue.Int64Exact(v)
	}
	return knownvalue.MapExact(checks)
}

// sumChecks asserts every total and map of a usage data source
// (bytes_by_sim and sim_count only withSims).
func sumChecks(addr string, s sums, withSims bool) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("record_count"), knownvalue.Int64Exact(s.count)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(s.total)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_country"), int64MapExact(s.byCountry)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_network_type"), int64MapExact(s.byNetwork)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_day"), int64MapExact(s.byDay)),
	}
	if withSims {
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("sim_count"), knownvalue.Int64Exact(int64(len(s.bySim)))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("bytes_by_sim"), int64MapExact(s.bySim)),
		)
	}
	return checks
}

// expectQueries checks that every request the fake saw on path had exactly
// one of the wanted raw queries, and that each wanted query was seen.
func expectQueries(srv *fakeapi.Server, path string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		seen := map[string]bool{}
		for _, r := range srv.Requests() {
			if r.Path != path {
				continue
			}
			q, err := url.QueryUnescape(r.RawQuery)
			if err != nil {
				return err
			}
			seen[q] = true
		}
		for _, w := range want {
			if !seen[w] {
				return fmt.Errorf("the fake API never saw %s?%s; it saw %v", path, w, keys(seen))
			}
		}
		if len(seen) != len(want) {
			return fmt.Errorf("the fake API saw other queries on %s: %v, want only %v", path, keys(seen), want)
		}
		return nil
	}
}

// expectSomeQuery checks that the fake saw at least one request on path
// whose unescaped query matches pattern.
func expectSomeQuery(srv *fakeapi.Server, path, pattern string) func(*terraform.State) error {
	re := regexp.MustCompile(pattern)
	return func(*terraform.State) error {
		var seen []string
		for _, r := range srv.Requests() {
			q, _ := url.QueryUnescape(r.RawQuery)
			if r.Path == path && re.MatchString(q) {
				return nil
			}
			seen = append(seen, q)
		}
		return fmt.Errorf("no request on %s matched %s; saw %v", path, pattern, seen)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// noRequests fails the test if the fake saw any request.
func noRequests(t *testing.T, srv *fakeapi.Server) {
	t.Helper()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake API saw %d request(s); invalid input must be refused before any request", n)
	}
}

// currentMonth is what formatdate("YYYY-MM", plantimestamp()) gives now.
func currentMonth() string { return time.Now().UTC().Format("2006-01") }
