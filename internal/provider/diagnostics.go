package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// clientTerms name the client's settings as a Terraform user sets them:
// the client words its errors in its own terms (onomondo.DefaultTerms), and
// the provider adds its argument names here.
var clientTerms = onomondo.Terms{
	Self:           "the provider",
	APIKey:         "the provider's api_key argument or the " + EnvAPIKey + " environment variable",
	BaseURL:        "the provider's base_url",
	MaxRetries:     "the provider's max_retries",
	RequestTimeout: "request_timeout",
	PageSize:       "limit",
	Arguments:      "the data source's arguments (filters, limit, offset, group, next_page)",
	Interrupted:    "Terraform was interrupted",
}

// addClientError turns a client error into an error diagnostic. The wording
// lives with the error type (onomondo.Error.Summary and DetailIn) so every
// surface says the same thing; the provider only names its arguments.
func addClientError(diags *diag.Diagnostics, err error) {
	var e *onomondo.Error
	if errors.As(err, &e) {
		diags.AddError(e.Summary(), e.DetailIn(clientTerms))
		return
	}
	diags.AddError("Onomondo usage read failed", err.Error())
}

// addClientWarnings turns what a read noticed into warning diagnostics.
func addClientWarnings(diags *diag.Diagnostics, ws []onomondo.Warning) {
	for _, w := range ws {
		diags.AddWarning(w.Summary, w.Detail)
	}
}

// clientFrom takes the shared API client from the provider's Configure.
// Before the provider is configured (validation), it returns nil, false
// without a diagnostic.
func clientFrom(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) (*onomondo.Client, bool) {
	if req.ProviderData == nil {
		return nil, false
	}
	c, ok := req.ProviderData.(*onomondo.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			"The onomondo provider passed its data sources something other than its API client. This is a bug in the provider; please report it.")
		return nil, false
	}
	return c, true
}

// notConfigured is the diagnostic of a read without a configured client.
func notConfigured(diags *diag.Diagnostics) {
	diags.AddError("Onomondo provider not configured",
		"The data source has no API client: the provider \"onomondo\" block could not be configured. See the provider's errors above.")
}
