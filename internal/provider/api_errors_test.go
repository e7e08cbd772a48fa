package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// Each API failure must end the read with an error that says what happened
// and what to do; never with a partial or zero total.

func TestAPIErrors_WrongKeyIs401(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{APIKey: "onok_other.key"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(url) + `data "onomondo_usage" "x" { time = "2025" }`,
			ExpectError: regexp.MustCompile(`(?s)Onomondo API rejected the API key.*HTTP 401 "unauthorized".*api_key.*ONOMONDO_API_KEY`),
		}},
	})
}

func TestAPIErrors_OutsideKeyScopeIs403(t *testing.T) {
	f := fakeapi.DefaultFleet()
	scope := f.Tags[0].ID
	var outside string
	for _, s := range f.SIMs {
		in := false
		for _, tg := range s.Tags {
			in = in || tg == scope
		}
		if !in {
			outside = s.ID
			break
		}
	}
	if outside == "" {
		t.Fatal("every SIM carries the first tag; no SIM outside the scope")
	}
	_, url := newFake(t, fakeapi.Options{KeyTags: []string{scope}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(url) + fmt.Sprintf(`data "onomondo_sim_usage" "x" { sim_id = %q }`, outside),
			ExpectError: regexp.MustCompile(`(?s)HTTP 403.*tags do not cover SIM\s+"` + outside + `"`),
		}},
	})
}

func TestAPIErrors_UnknownSIMIs404(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(url) + `data "onomondo_sim_usage" "x" { sim_id = "999999999" }`,
				ExpectError: wrappedText(`answered HTTP 404 "sim_id_not_found". SIM "999999999" was not found in the organisation of this API key.`),
			},
			{
				Config:      providerBlock(url) + `data "onomondo_tag_usage" "x" { tag_id = "00000000-0000-4000-8000-000000000000" }`,
				ExpectError: wrappedText(`answered HTTP 404 "tag_not_found". Tag "00000000-0000-4000-8000-000000000000" was not found`),
			},
		},
	})
}

func TestAPIErrors_BadCursorIs400(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `data "onomondo_usage" "x" {
  time      = "2025"
  next_page = "bm90LWEtY3Vyc29y"
}`,
			ExpectError: wrappedText(`answered HTTP 400 "invalid_next_page". The API refused the request's parameters. Check the data source's arguments (filters, limit, offset, group, next_page); a next_page cursor must come from a read with the same filters.`),
		}},
	})
}

// TestAPIErrors_PersistentServerError: a client error reaches the user as a
// diagnostic with the client's summary and detail, and max_retries reaches
// the client: one try and one retry, then the error.
func TestAPIErrors_PersistentServerError(t *testing.T) {
	boundTime(t, 30*time.Second)
	var requests atomic.Int32
	_, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/usage") {
			fake.ServeHTTP(w, r)
			return
		}
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"service_unavailable"}`))
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(url, `max_retries = 1`) + `data "onomondo_usage" "x" { time = "2025" }`,
			ExpectError: regexp.MustCompile(`(?s)Onomondo API server error.*GET /usage\?filter=time:2025 \(page 1\) answered HTTP 503 "service_unavailable".*after 2\s+attempt\(s\).*max_retries`),
		}},
	})
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (one try and max_retries = 1)", n)
	}
}
