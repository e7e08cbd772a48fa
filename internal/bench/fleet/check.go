package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// values are what a plan reports: each output as "output.<name>", and each
// attribute of a data source read while planning as "<address>.<name>"
// (such as "data.onomondo_sims.fleet.used_bytes_total"), from terraform
// show -json.
type values map[string]json.RawMessage

// readPlan reads the values of terraform show -json.
func readPlan(planJSON []byte) (values, error) {
	var p struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
		PriorState struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Address string                     `json:"address"`
						Values  map[string]json.RawMessage `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		} `json:"prior_state"`
	}
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	out := values{}
	for k, v := range p.PlannedValues.Outputs {
		out["output."+k] = v.Value
	}
	for _, r := range p.PriorState.Values.RootModule.Resources {
		for k, v := range r.Values {
			out[r.Address+"."+k] = v
		}
	}
	return out, nil
}

// checker compares outputs with the generator's figures and keeps the
// first difference.
type checker struct {
	out values
	err error
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

// decode decodes output name into v.
func (c *checker) decode(name string, v any) bool {
	raw, ok := c.out[name]
	if !ok {
		c.fail("the plan has no value %s", name)
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		c.fail("output %s: %v", name, err)
		return false
	}
	return true
}

func (c *checker) number(name string, want int64) {
	var got json.Number
	if c.decode(name, &got) && got.String() != strconv.FormatInt(want, 10) {
		c.fail("%s = %s, the generator says %d", name, got, want)
	}
}

func (c *checker) ids(name string, want []string) {
	var got []string
	if c.decode(name, &got) && !slices.Equal(got, want) {
		c.fail("%s = %d ids %.200v, the generator says %d %.200v", name, len(got), got, len(want), want)
	}
}

// usage checks the usage read at address against s.
func (c *checker) usage(address string, s sums) {
	c.number(address+".total_bytes", s.bytes)
	c.number(address+".record_count", s.records)
	var bySIM map[string]int64
	if c.decode(address+".bytes_by_sim", &bySIM) && !maps.Equal(bySIM, s.bySIM) && len(bySIM)+len(s.bySIM) > 0 {
		c.fail("%s: bytes_by_sim differs from the generator's (%d and %d SIMs)", address, len(bySIM), len(s.bySIM))
	}
}

// window checks the usage read at address over the window it reports
// (since, until) against the generator, and returns the window and the
// fewest requests that read it whole period by period.
func (c *checker) window(address string, z *size, grouped bool) (since, until time.Time, fewest int64) {
	var a, b string
	if !c.decode(address+".since", &a) || !c.decode(address+".until", &b) {
		return
	}
	var err1, err2 error
	since, err1 = time.Parse(time.RFC3339Nano, a)
	until, err2 = time.Parse(time.RFC3339Nano, b)
	if err1 != nil || err2 != nil {
		c.fail("%s: window %s to %s", address, a, b)
		return
	}
	c.usage(address, usage(z.fleet, since, until, grouped))
	fewest, err := coverPages(z.fleet, since, until, grouped)
	if err != nil {
		c.fail("%s: %v", address, err)
	}
	return since.UTC(), until.UTC(), fewest
}
