package fakeapi

import "net/http"

// Error codes of the API's {"error":"<code>"} bodies.
const (
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeRateLimited      = "rate_limit_exceeded"
	CodeFilterRequired   = "filter_required"
	CodeInvalidFilter    = "invalid_filter"
	CodeInvalidLimit     = "invalid_limit"
	CodeInvalidOffset    = "invalid_offset"
	CodeInvalidGroup     = "invalid_group"
	CodeInvalidNextPage  = "invalid_next_page"
	CodeSIMNotFound      = "sim_id_not_found" // GET /usage/{sim_id}
	CodeSIMNotFoundSims  = "sim_not_found"    // GET /sims/{id}
	CodeTagNotFound      = "tag_not_found"
	CodeInternalError    = "internal_server_error"
)

// apiError is an error answer: an HTTP status and an error code.
type apiError struct {
	status int
	code   string
}

func badRequest(code string) *apiError { return &apiError{http.StatusBadRequest, code} }

var (
	errNotFound         = &apiError{http.StatusNotFound, CodeNotFound}
	errMethodNotAllowed = &apiError{http.StatusMethodNotAllowed, CodeMethodNotAllowed}
	errUnauthorized     = &apiError{http.StatusUnauthorized, CodeUnauthorized}
	errForbidden        = &apiError{http.StatusForbidden, CodeForbidden}
	errSIMNotFound      = &apiError{http.StatusNotFound, CodeSIMNotFound}
	errSIMNotFoundSims  = &apiError{http.StatusNotFound, CodeSIMNotFoundSims}
	errTagNotFound      = &apiError{http.StatusNotFound, CodeTagNotFound}
	errInvalidNextPage  = badRequest(CodeInvalidNextPage)
)
