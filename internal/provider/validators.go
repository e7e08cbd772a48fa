package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/validate"
)

// stringCheck adapts a plain-Go check from package validate into a framework
// validator: a known value that fails gets an error on its attribute at plan
// time; null and unknown values are left alone (Terraform defers the read).
type stringCheck struct {
	description string
	check       func(string) error
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value for "+req.Path.String(), err.Error())
	}
}

func timeValidator() validator.String {
	return stringCheck{"must be a usage period: YYYY, YYYY-MM or YYYY-MM-DD, a real date", validate.Time}
}

func simIDValidator() validator.String {
	return stringCheck{"must be a 9-digit SIM id", validate.SimID}
}

func simIDOrICCIDValidator() validator.String {
	return stringCheck{"must be a 9-digit SIM id or an 18-22 digit ICCID", validate.SimIDOrICCID}
}

func countryCodeValidator() validator.String {
	return stringCheck{"must be an ISO 3166-1 alpha-2 country code", validate.CountryCode}
}

func tagIDValidator() validator.String {
	return stringCheck{"must be a tag UUID", validate.UUID}
}

func tagNameValidator() validator.String {
	return stringCheck{"must be a tag name", validate.TagName}
}

func cursorValidator() validator.String {
	return stringCheck{"must be a cursor from pagination.next_page", validate.Cursor}
}

// apiKeyValidator refuses a configured key that is empty, has a Bearer
// prefix or stray whitespace. Its messages never include the key.
type apiKeyValidator struct{}

func (apiKeyValidator) Description(context.Context) string {
	return "must be the raw Onomondo API key, without a Bearer prefix"
}
func (v apiKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (apiKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkAPIKey(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API key", err.Error())
	}
}

// baseURLValidator applies onomondo.ParseBaseURL.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute https URL, or http to a loopback host"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := onomondo.ParseBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base URL", baseURLProblem(err))
	}
}

// baseURLProblem words a base URL the client refuses, with the provider's
// way to set the key when the URL carried credentials.
func baseURLProblem(err error) string {
	if errors.Is(err, onomondo.ErrCredentialsInURL) {
		return err.Error() + ": set the key in api_key or the " + EnvAPIKey + " environment variable"
	}
	return err.Error()
}

// durationValidator checks a Go duration string within bounds.
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a Go duration string between %s and %s", v.min, v.max)
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a duration: use a number with a unit, such as \"30s\", \"90s\" or \"2m\"", s))
		return
	}
	if d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Duration out of range",
			fmt.Sprintf("%q is outside the allowed range %s to %s", s, v.min, v.max))
	}
}
