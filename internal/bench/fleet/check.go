package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// outputs are a plan's output values, from terraform show -json.
type outputs map[string]json.RawMessage

// readOutputs reads the planned output values of terraform show -json.
func readOutputs(planJSON []byte) (outputs, error) {
	var p struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	out := outputs{}
	for k, v := range p.PlannedValues.Outputs {
		out[k] = v.Value
	}
	return out, nil
}

// checker compares outputs with the generator's figures and keeps the
// first difference.
type checker struct {
	out outputs
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
		c.fail("the plan has no output %q", name)
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

// read is the output of a usage read (usageOutputs).
type read struct {
	Since, Until   *string
	Total, Records int64
	BySim          map[string]int64 `json:"by_sim"`
}

// usage checks the usage read name against s.
func (c *checker) usage(name string, s sums) (r read) {
	if !c.decode(name, &r) {
		return r
	}
	if r.Total != s.bytes || r.Records != s.records {
		c.fail("%s: %d bytes in %d records, the generator says %d in %d", name, r.Total, r.Records, s.bytes, s.records)
	}
	if !maps.Equal(r.BySim, s.bySIM) && len(r.BySim)+len(s.bySIM) > 0 {
		c.fail("%s: bytes_by_sim differs from the generator's (%d and %d SIMs)", name, len(r.BySim), len(s.bySIM))
	}
	return r
}

// window checks the usage read name of the window it reports (since,
// until) against the generator, and returns the window and the fewest
// requests that read it whole period by period.
func (c *checker) window(name string, z *size, grouped bool) (since, until time.Time, fewest int64) {
	var r read
	if !c.decode(name, &r) {
		return
	}
	if r.Since == nil || r.Until == nil {
		c.fail("%s: no window", name)
		return
	}
	var err1, err2 error
	since, err1 = time.Parse(time.RFC3339Nano, *r.Since)
	until, err2 = time.Parse(time.RFC3339Nano, *r.Until)
	if err1 != nil || err2 != nil {
		c.fail("%s: window %s to %s", name, *r.Since, *r.Until)
		return
	}
	c.usage(name, usage(z.fleet, since, until, grouped))
	fewest, err := coverPages(z.fleet, since, until, grouped)
	if err != nil {
		c.fail("%s: %v", name, err)
	}
	return since.UTC(), until.UTC(), fewest
}
