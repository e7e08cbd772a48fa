package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// TestClientErrorsNameTheProvidersArguments: the client words its errors in
// its own terms; the diagnostic names the argument a user sets, as the
// messages did when the client named them itself.
func TestClientErrorsNameTheProvidersArguments(t *testing.T) {
	e := func(kind onomondo.ErrorKind, status int) *onomondo.Error {
		return &onomondo.Error{Kind: kind, Method: "GET", Endpoint: "/usage?filter=time:2025", Status: status, Page: 1, Attempts: 2,
			Timeout: time.Second, Err: errors.New("cause")}
	}
	cases := []struct {
		err  *onomondo.Error
		want string
	}{
		{e(onomondo.KindHTTP, 401), "Check the provider's api_key argument or the ONOMONDO_API_KEY environment variable: it must be the raw key"},
		{e(onomondo.KindHTTP, 400), "Check the data source's arguments (filters, limit, offset, group, next_page); a next_page cursor must come from a read with the same filters."},
		{e(onomondo.KindHTTP, 503), "retry later, or raise the provider's max_retries."},
		{e(onomondo.KindTimeout, 0), "got no complete answer within request_timeout (1s) in 2 attempt(s). Raise request_timeout, or lower limit so that each page is smaller."},
		{e(onomondo.KindTransport, 0), "Check the network, any HTTP(S)_PROXY settings, and the provider's base_url."},
		{e(onomondo.KindDecode, 200), "the body is not the JSON the provider expects: cause. Nothing was counted from this read. If it persists, a proxy or gateway may be answering in the API's place; check the provider's base_url and proxy settings."},
		{e(onomondo.KindRedirect, 302), "check the provider's base_url"},
		{e(onomondo.KindCanceled, 0), "(for example Terraform was interrupted)"},
	}
	for _, tc := range cases {
		var diags diag.Diagnostics
		addClientError(&diags, tc.err)
		if diags.ErrorsCount() != 1 || diags[0].Summary() != tc.err.Summary() || !strings.Contains(diags[0].Detail(), tc.want) {
			t.Errorf("kind %d, HTTP %d: %v\nwant the detail to say %q", tc.err.Kind, tc.err.Status, diags, tc.want)
		}
	}
}

// TestClientWarningsBecomeWarningDiagnostics: what a read noticed reaches
// the user as a Terraform warning, and a read cut at max_records without a
// cursor says why pagination.next_page is null.
func TestClientWarningsBecomeWarningDiagnostics(t *testing.T) {
	agg := newUsageAggregate(false)
	res := onomondo.ReadResult{
		Warnings:     []onomondo.Warning{{Summary: "Usage records just outside the period asked for", Detail: "1 record(s) lie outside"}},
		StoppedAtMax: true,
		Pagination:   onomondo.Pagination{HasMore: true},
	}
	_, diags := usageResults("usage-x", onomondo.UsageQuery{MaxRecords: 3}, agg, res)
	if diags.WarningsCount() != 2 || diags[0].Summary() != "Usage records just outside the period asked for" ||
		!strings.Contains(diags[1].Detail(), "pagination.next_page is null: the API's last page held more records than asked for") {
		t.Fatalf("diagnostics %v", diags)
	}
}

// TestBaseURLWithCredentialsNamesTheKeysPlace: the client refuses a base
// URL with credentials in its words; the provider adds where the key goes.
func TestBaseURLWithCredentialsNamesTheKeysPlace(t *testing.T) {
	_, err := onomondo.ParseBaseURL("https://user:secret@api.onomondo.com")
	if got := baseURLProblem(err); !strings.Contains(got, "must not contain credentials") ||
		!strings.Contains(got, "set the key in api_key or the ONOMONDO_API_KEY environment variable") || strings.Contains(got, "secret") {
		t.Errorf("baseURLProblem = %q", got)
	}
	_, err = onomondo.ParseBaseURL("ftp://api.onomondo.com")
	if got := baseURLProblem(err); strings.Contains(got, "api_key") {
		t.Errorf("a URL without credentials: %q", got)
	}
}
