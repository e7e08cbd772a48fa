package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestTagUsageDataSource_EveryAnswerShape(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
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
	shapes := []struct {
		shape  fakeapi.TagShape
		source string
	}{
		{fakeapi.TagShapeBytes, "bytes"},
		{fakeapi.TagShapeTotal, "total"},
		{fakeapi.TagShapeTotalBytes, "total_bytes"},
		{fakeapi.TagShapeUsageNumber, "usage"},
		{fakeapi.TagShapeUsageRecords, "usage[]"},
	}
	var steps []resource.TestStep
	for _, s := range shapes {
		steps = append(steps, resource.TestStep{
			PreConfig: func() { srv.SetTagShape(s.shape) },
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(total)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_source"), knownvalue.StringExact(s.source)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("tag-"+tag.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("response_json"), knownvalue.StringRegexp(regexpQuote(tag.ID, s.shape == fakeapi.TagShapeUsageRecords))),
			},
		})
	}
	// No total anywhere: null, not zero.
	steps = append(steps, resource.TestStep{
		PreConfig: func() { srv.SetTagShape(fakeapi.TagShapeNoTotal) },
		Config:    config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_source"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("response_json"), knownvalue.NotNull()),
		},
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// regexpQuote matches the answer kept in response_json: the tag's id for the
// object shapes, a usage list for the record shape.
func regexpQuote(tagID string, records bool) *regexp.Regexp {
	if records {
		return regexp.MustCompile(`^\{"usage":\[`)
	}
	return regexp.MustCompile(`"tag_id":"` + regexp.QuoteMeta(tagID) + `"`)
}
