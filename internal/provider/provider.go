// Package provider implements the onomondo Terraform provider: the provider
// block, the usage and SIM data sources and the byte-size functions. HTTP lives in
// package onomondo; this package turns its results into Terraform values.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// Environment variables the provider block falls back to.
const (
	EnvAPIKey  = "ONOMONDO_API_KEY"
	EnvBaseURL = "ONOMONDO_BASE_URL"
)

// Compile-time checks that the provider implements what Terraform calls.
var (
	_ provider.Provider              = &OnomondoProvider{}
	_ provider.ProviderWithFunctions = &OnomondoProvider{}
)

// OnomondoProvider is the onomondo provider.
type OnomondoProvider struct {
	// version is "dev" for local builds and the release version otherwise.
	version string
}

// providerModel is the provider block.
type providerModel struct {
	APIKey         types.String `tfsdk:"api_key"`
	BaseURL        types.String `tfsdk:"base_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// New returns a constructor of the provider for a given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &OnomondoProvider{version: version}
	}
}

// Metadata names the provider "onomondo".
func (p *OnomondoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "onomondo"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *OnomondoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `onomondo` provider reads the usage data of [Onomondo](https://onomondo.com) IoT SIMs " +
			"through the Onomondo API, for thresholds in `check` blocks, postconditions and policy checks on plans.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Onomondo API key, the raw key (`onok_...`) without a `Bearer ` prefix; it is sent in the " +
					"`Authorization` header. Falls back to the `" + EnvAPIKey + "` environment variable. Required in one of the two. " +
					"Sensitive: never logged or stored in state. Keep it out of version control; prefer the environment variable: a value passed " +
					"through a Terraform variable is still saved in plan files and printed by `terraform show -json`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{apiKeyValidator{}},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Onomondo API. Falls back to the `" + EnvBaseURL + "` environment variable, " +
					"then to `" + onomondo.DefaultBaseURL + "`. Must be an absolute `https://` URL; plain `http://` is accepted only " +
					"for a loopback host (`127.0.0.1`, `::1`, `localhost`), such as a local fake API, so the key never travels unencrypted.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after a connection error, a timeout or a "+
					"5xx answer (except 501), with exponential backoff and jitter. Default `%d`; `0` disables retries. Waiting out a "+
					"`429` until the announced rate-limit reset does not count against it.", onomondo.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time allowed for one HTTP attempt, the whole answer included, as a Go duration string such as " +
					"`\"30s\"` or `\"2m\"`. Default `\"60s\"`. Between `1s` and `30m`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{min: time.Second, max: 30 * time.Minute}},
			},
		},
	}
}

// Configure builds the one API client that every data source shares.
func (p *OnomondoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if cfg.APIKey.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Unknown API key",
			"api_key depends on a value that is known only after apply, but the usage data sources need it to read at plan time. "+
				"Set api_key from a variable or the "+EnvAPIKey+" environment variable instead.")
	}
	if cfg.BaseURL.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Unknown base URL",
			"base_url depends on a value that is known only after apply. Set it from a variable or the "+EnvBaseURL+" environment variable.")
	}
	if cfg.MaxRetries.IsUnknown() || cfg.RequestTimeout.IsUnknown() {
		resp.Diagnostics.AddError("Unknown provider setting",
			"max_retries and request_timeout must be known at plan time; set them from variables or literals.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := cfg.APIKey.ValueString()
	if cfg.APIKey.IsNull() {
		apiKey = os.Getenv(EnvAPIKey)
		if err := checkAPIKey(apiKey); err != nil && apiKey != "" {
			resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Invalid API key in "+EnvAPIKey, err.Error())
			return
		}
	}
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Onomondo API key",
			"The provider needs an Onomondo API key. Set the "+EnvAPIKey+" environment variable (recommended), "+
				"or api_key in the provider \"onomondo\" block from a sensitive variable. Keys are created in the Onomondo app under API keys.")
		return
	}

	baseURL := cfg.BaseURL.ValueString()
	if cfg.BaseURL.IsNull() {
		baseURL = os.Getenv(EnvBaseURL)
		if baseURL != "" {
			if _, err := onomondo.ParseBaseURL(baseURL); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid base URL in "+EnvBaseURL, baseURLProblem(err))
				return
			}
		}
	}

	maxRetries := onomondo.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	timeout := onomondo.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		timeout, _ = time.ParseDuration(cfg.RequestTimeout.ValueString()) // checked by its validator
	}

	client, err := onomondo.New(onomondo.Config{
		BaseURL:        baseURL,
		APIKey:         apiKey,
		MaxRetries:     maxRetries,
		RequestTimeout: timeout,
		UserAgent:      fmt.Sprintf("terraform-provider-onomondo/%s terraform/%s", p.version, req.TerraformVersion),
		Logger:         tflogLogger{},
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Onomondo API client", err.Error())
		return
	}
	resp.DataSourceData = client
}

// Resources: the provider has none yet.
func (p *OnomondoProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

// DataSources lists the data sources.
func (p *OnomondoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewUsageDataSource,
		NewSimUsageDataSource,
		NewTagUsageDataSource,
		NewSimsDataSource,
		NewSimDataSource,
		NewSmsUsageDataSource,
	}
}

// Functions lists the provider-defined functions.
func (p *OnomondoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewParseBytesFunction,
		NewFormatBytesFunction,
		NewProjectBytesFunction,
		NewTopFunction,
	}
}

// checkAPIKey catches the usual ways a key is pasted wrong. It never echoes
// the key.
func checkAPIKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("the API key is empty: set api_key or the %s environment variable to your key", EnvAPIKey)
	case strings.HasPrefix(strings.ToLower(key), "bearer "):
		return fmt.Errorf("the API key starts with \"Bearer \": Onomondo expects the raw key (onok_...) in the Authorization header; remove the prefix")
	case strings.TrimSpace(key) != key:
		return fmt.Errorf("the API key has leading or trailing whitespace (a newline from file()?); wrap it in trimspace()")
	case strings.ContainsAny(key, " \t\r\n"):
		return fmt.Errorf("the API key contains whitespace; copy the key again")
	}
	return nil
}
