package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// readDirect runs a data source's Read as the framework would, with client
// as the provider's (nil: a provider that could not be configured) and the
// given arguments (every other one null). It returns the diagnostics and
// whether any state was set.
func readDirect(t *testing.T, ds datasource.DataSource, client *onomondo.Client, args map[string]tftypes.Value) (diag.Diagnostics, bool) {
	t.Helper()
	ctx := context.Background()
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := args[name]; ok {
			vals[name] = v
		}
	}
	if c, ok := ds.(datasource.DataSourceWithConfigure); ok && client != nil {
		var cr datasource.ConfigureResponse
		c.Configure(ctx, datasource.ConfigureRequest{ProviderData: client}, &cr)
	}
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}}
	resp := &datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, req, resp)
	return resp.Diagnostics, !resp.State.Raw.IsNull()
}

// failingClient is a client whose every request is answered 500.
func failingClient(t *testing.T) *onomondo.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		_, _ = w.Write([]byte(`{"error":"internal_server_error"}`))
	}))
	t.Cleanup(ts.Close)
	c, err := onomondo.New(onomondo.Config{BaseURL: ts.URL, APIKey: testAPIKey, MaxRetries: 0, RateLimiter: onomondo.NewRateLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadsEndWithOneErrorAndNothingElse: a data source whose provider could
// not be configured, or whose read fails, ends with exactly one error: no
// state (nothing partial) and no warning that would mislead (a tag "with no
// total", SIM times "not converted").
func TestReadsEndWithOneErrorAndNothingElse(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cases := []struct {
		name string
		ds   func() datasource.DataSource
		args map[string]tftypes.Value
	}{
		{"onomondo_usage", NewUsageDataSource, map[string]tftypes.Value{"time": str("2025-03")}},
		{"onomondo_sim_usage", NewSimUsageDataSource, map[string]tftypes.Value{"sim_id": str("000000042")}},
		{"onomondo_tag_usage", NewTagUsageDataSource, map[string]tftypes.Value{"tag_id": str("3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")}},
		{"onomondo_sims", NewSimsDataSource, nil},
		{"onomondo_sim", NewSimDataSource, map[string]tftypes.Value{"sim_id": str("000000042")}},
	}
	for _, tc := range cases {
		for _, how := range []struct {
			name   string
			client func(t *testing.T) *onomondo.Client
			want   string
		}{
			{"not configured", func(*testing.T) *onomondo.Client { return nil }, "Onomondo provider not configured"},
			{"read fails", failingClient, "Onomondo API server error"},
		} {
			t.Run(tc.name+"/"+how.name, func(t *testing.T) {
				diags, stateSet := readDirect(t, tc.ds(), how.client(t), tc.args)
				if diags.ErrorsCount() != 1 || diags.Errors()[0].Summary() != how.want {
					t.Errorf("diagnostics %v, want one error %q", diags, how.want)
				}
				if diags.WarningsCount() != 0 || stateSet {
					t.Errorf("warnings %v, state set %t: want neither after the error", diags.Warnings(), stateSet)
				}
			})
		}
	}
}

// answering is a client whose every request is answered 200 with body.
func answering(t *testing.T, body string) *onomondo.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	c, err := onomondo.New(onomondo.Config{BaseURL: ts.URL, APIKey: testAPIKey, RateLimiter: onomondo.NewRateLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSIMReadsWarnAboutWhatTheyCannotMap: a SIM without an id is listed
// but in none of the maps keyed by id, and a time in no known form is kept
// as sent; each says so in a warning.
func TestSIMReadsWarnAboutWhatTheyCannotMap(t *testing.T) {
	diags, set := readDirect(t, NewSimsDataSource(), answering(t, `{"sims":[{"iccid":"89457387300000000421"},{"id":"000000042"}],"pagination":{"has_more":false}}`), nil)
	if !set || diags.HasError() || diags.WarningsCount() != 1 || diags.Warnings()[0].Summary() != "SIMs without an id" {
		t.Errorf("onomondo_sims: %v", diags)
	}
	diags, set = readDirect(t, NewSimDataSource(), answering(t, `{"id":"000000042","online_at":"yesterday"}`),
		map[string]tftypes.Value{"sim_id": tftypes.NewValue(tftypes.String, "000000042")})
	if !set || diags.HasError() || diags.WarningsCount() != 1 || diags.Warnings()[0].Summary() != "Some SIM times were not converted" {
		t.Errorf("onomondo_sim: %v", diags)
	}
}
