package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// TestSimTerraformValueIsTheModels: `sims` built directly is, SIM for SIM,
// the value the framework makes of newSimModel (what onomondo_sim stores):
// for every SIM of the fake's fleet, and for SIMs with nothing, or every
// field, set.
func TestSimTerraformValueIsTheModels(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	c, err := onomondo.New(onomondo.Config{BaseURL: url, APIKey: testAPIKey, RateLimiter: onomondo.NewRateLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListSIMs(context.Background(), onomondo.SIMQuery{})
	if err != nil || len(list.SIMs) != len(srv.Fleet().SIMs) {
		t.Fatalf("%d SIMs, %v", len(list.SIMs), err)
	}
	i64 := func(v int64) *int64 { return &v }
	yes, no := true, false
	sims := append(list.SIMs,
		onomondo.SIM{},
		onomondo.SIM{ID: "000000001", ICCID: "89457387300000000017", Label: "gw", Activated: &yes, Online: &no,
			OnlineAt: "2025-03-01T00:00:00Z", IMEI: "1", NetworkWhitelist: "Global",
			Tags:      []onomondo.SIMTag{{ID: "t1", Name: "a"}, {ID: "t2"}},
			DataLimit: &onomondo.DataLimit{Total: i64(3), Used: i64(2), Type: "monthly", Period: "202503", AlertThreshold: i64(1), ResetsAt: "2025-04-01T00:00:00Z"},
			Network:   onomondo.SIMNetwork{Name: "n", Country: "c", CountryCode: "dk", MCC: "238", MNC: "01"}},
		onomondo.SIM{ID: "000000002", DataLimit: &onomondo.DataLimit{Total: i64(3)}},
	)
	states := map[string]bool{}
	for i := range sims {
		obj, diags := types.ObjectValueFrom(context.Background(), simAttrTypes, newSimModel(sims[i]))
		if diags.HasError() {
			t.Fatal(diags)
		}
		want, err := obj.ToTerraformValue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := simTerraformValue(&sims[i]); !got.Equal(want) {
			t.Fatalf("SIM %d:\n got %s\nwant %s", i, got, want)
		}
		if sims[i].DataLimit != nil {
			states[readLimit(sims[i].DataLimit).state] = true
		}
	}
	if !states["ok"] || !states["alert"] || !states["blocked"] || !states[""] {
		t.Fatalf("the SIMs reach the limit states %v, not ok, alert, blocked and unknown: the test proves less than it says", states)
	}
}

// BenchmarkSimsValue: `sims` of 20,000 SIMs built directly (direct) against
// through the framework's model (model: newSimModel, ObjectValueFrom, then
// the list's conversion to tftypes, as State.Set does it).
func BenchmarkSimsValue(b *testing.B) {
	i64 := func(v int64) *int64 { return &v }
	yes := true
	sims := make([]onomondo.SIM, 20_000)
	for i := range sims {
		sims[i] = onomondo.SIM{ID: fmt.Sprintf("%09d", i+1), ICCID: fmt.Sprintf("894573873%011d", i+1), Label: "gw", Activated: &yes, Online: &yes,
			OnlineAt: "2025-03-01T00:00:00Z", NetworkWhitelist: "Global", Tags: []onomondo.SIMTag{{ID: "t1", Name: "a"}},
			DataLimit: &onomondo.DataLimit{Total: i64(100e6), Used: i64(int64(i) * 10_000), Type: "monthly", Period: "202503", AlertThreshold: i64(10e6)},
			Network:   onomondo.SIMNetwork{Name: "n", Country: "c", CountryCode: "dk", MCC: "238", MNC: "01"}}
	}
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = simsTerraformValue(sims)
		}
	})
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			elems := make([]attr.Value, len(sims))
			for i := range sims {
				obj, diags := types.ObjectValueFrom(ctx, simAttrTypes, newSimModel(sims[i]))
				if diags.HasError() {
					b.Fatal(diags)
				}
				elems[i] = obj
			}
			if _, err := types.ListValueMust(simObjectType, elems).ToTerraformValue(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
