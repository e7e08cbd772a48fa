package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// TestTagUsageDataSource_TotalOrNull: the tag's total, where it came from
// and the answer as sent reach the state; an answer without a total is
// null, never 0. (Every shape the client reads: TestTagTotalShapes and
// TestTagTotalPagedUsageList in internal/onomondo.)
func TestTagUsageDataSource_TotalOrNull(t *testing.T) {
	var noTotal, echo atomic.Bool
	srv, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		if tag, ok := strings.CutPrefix(r.URL.Path, "/usage/tag-total/"); ok && noTotal.Load() {
			_, _ = fmt.Fprintf(w, `{"tag_id":%q,"sims":3}`, tag)
			return
		}
		if tag, ok := strings.CutPrefix(r.URL.Path, "/usage/tag-total/"); ok && echo.Load() {
			_, _ = fmt.Fprintf(w, `{"tag_id":%q,"bytes":5,"token":%q}`, tag, r.Header.Get("Authorization"))
			return
		}
		fake.ServeHTTP(w, r)
	})
	tag := srv.Fleet().Tags[0]
	total := srv.Fleet().TagTotal(tag.ID)
	if total == 0 {
		t.Fatalf("tag %s has no usage; the test would prove nothing", tag.ID)
	}
	config := providerBlock(url) + fmt.Sprintf(`
data "onomondo_tag_usage" "fleet" {
  tag_id = %q
}`, tag.ID)
	addr := "data.onomondo_tag_usage.fleet"
	answer := regexp.MustCompile(`"tag_id":"` + regexp.QuoteMeta(tag.ID) + `"`)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(total)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_source"), knownvalue.StringExact("bytes")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("tag-"+tag.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("response_json"), knownvalue.StringRegexp(answer)),
			},
		},
		{
			// No total anywhere: null, not zero.
			PreConfig: func() { noTotal.Store(true) },
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_source"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("response_json"), knownvalue.StringRegexp(answer)),
			},
		},
		{
			// An answer that echoes the API key: kept in state without it.
			PreConfig: func() { noTotal.Store(false); echo.Store(true) },
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(5)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("response_json"),
					knownvalue.StringExact(fmt.Sprintf(`{"tag_id":%q,"bytes":5,"token":"<redacted>"}`, tag.ID))),
			},
		},
	}})
}
