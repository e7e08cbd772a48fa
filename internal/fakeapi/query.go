package fakeapi

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Query parameter names of the usage endpoints.
const (
	paramFilter      = "filter"
	paramFilterArray = "filter[]"
	paramLimit       = "limit"
	paramOffset      = "offset"
	paramNextPage    = "next_page"
	paramGroup       = "group"
)

// Paging bounds.
const (
	MaxLimit     = 1000 // largest accepted limit, and the default
	DefaultLimit = MaxLimit
)

// usageQuery is a validated usage request.
type usageQuery struct {
	hasTime  bool
	from, to time.Time // [from, to) when hasTime
	timeSpec string    // the time filter as sent, for cache keys
	simID    string    // sim_id filter, "" if none
	country  string    // country_code filter, lower case, "" if none
	limit    int
	offset   int
	grouped  bool   // group=hours
	cursor   string // next_page, "" if none
}

// parseUsageQuery validates the query of GET /usage (simEndpoint false) or
// GET /usage/{sim_id} (simEndpoint true). Unknown parameters are ignored.
func parseUsageQuery(v url.Values, simEndpoint bool) (usageQuery, *apiError) {
	q := usageQuery{limit: DefaultLimit}
	if err := q.parseFilters(v, simEndpoint); err != nil {
		return q, err
	}
	var aerr *apiError
	if q.limit, q.offset, aerr = parseLimitOffset(v); aerr != nil {
		return q, aerr
	}
	if vals, ok := v[paramGroup]; ok {
		if len(vals) != 1 || vals[0] != "hours" {
			return q, badRequest(CodeInvalidGroup)
		}
		q.grouped = true
	}
	if vals, ok := v[paramNextPage]; ok {
		if len(vals) != 1 {
			return q, errInvalidNextPage
		}
		// An empty next_page is the same as none: clients that decode the
		// last page's absent cursor as "" may send it back.
		q.cursor = vals[0]
	}
	return q, nil
}

// parseLimitOffset reads limit (1..MaxLimit, default DefaultLimit) and
// offset (0 or more, default 0).
func parseLimitOffset(v url.Values) (limit, offset int, aerr *apiError) {
	limit = DefaultLimit
	if vals, ok := v[paramLimit]; ok {
		n, ok := parseDigits(vals)
		if !ok || n < 1 || n > MaxLimit {
			return 0, 0, badRequest(CodeInvalidLimit)
		}
		limit = n
	}
	if vals, ok := v[paramOffset]; ok {
		n, ok := parseDigits(vals)
		if !ok {
			return 0, 0, badRequest(CodeInvalidOffset)
		}
		offset = n
	}
	return limit, offset, nil
}

// rawFilters returns the filter terms of a query: filter=key:value (exactly
// one) or filter[]=key:value (one or more), never both.
func rawFilters(v url.Values) ([]string, *apiError) {
	single, hasSingle := v[paramFilter]
	multi, hasMulti := v[paramFilterArray]
	switch {
	case hasSingle && hasMulti:
		return nil, badRequest(CodeInvalidFilter)
	case hasSingle:
		if len(single) != 1 {
			return nil, badRequest(CodeInvalidFilter)
		}
		return single, nil
	}
	return multi, nil
}

// parseFilters reads the filters of a usage query.
func (q *usageQuery) parseFilters(v url.Values, simEndpoint bool) *apiError {
	raw, aerr := rawFilters(v)
	if aerr != nil {
		return aerr
	}
	if len(raw) == 0 {
		if simEndpoint {
			return nil
		}
		return badRequest(CodeFilterRequired)
	}
	seen := make(map[string]bool, len(raw))
	for _, f := range raw {
		key, val, ok := strings.Cut(f, ":")
		if !ok || seen[key] {
			return badRequest(CodeInvalidFilter)
		}
		seen[key] = true
		switch key {
		case "time":
			from, to, ok := parseTimeFilter(val)
			if !ok {
				return badRequest(CodeInvalidFilter)
			}
			q.hasTime, q.from, q.to, q.timeSpec = true, from, to, val
		case "sim_id":
			if simEndpoint || len(val) != 9 || !allDigits(val) {
				return badRequest(CodeInvalidFilter)
			}
			q.simID = val
		case "country_code":
			if len(val) != 2 || !isLetter(val[0]) || !isLetter(val[1]) {
				return badRequest(CodeInvalidFilter)
			}
			q.country = strings.ToLower(val)
		default:
			return badRequest(CodeInvalidFilter)
		}
	}
	return nil
}

// parseTimeFilter parses YYYY, YYYY-MM or YYYY-MM-DD into the UTC interval
// [from, to) it covers.
func parseTimeFilter(s string) (from, to time.Time, ok bool) {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	default:
		return from, to, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		dash := i == 4 || i == 7
		if dash && c != '-' || !dash && (c < '0' || c > '9') {
			return from, to, false
		}
	}
	from, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return from, to, false
	}
	switch len(s) {
	case 4:
		to = from.AddDate(1, 0, 0)
	case 7:
		to = from.AddDate(0, 1, 0)
	default:
		to = from.AddDate(0, 0, 1)
	}
	return from, to, true
}

// parseDigits parses a parameter given exactly once as a plain decimal
// number (no sign, no spaces) that fits an int.
func parseDigits(vals []string) (int, bool) {
	if len(vals) != 1 || vals[0] == "" || !allDigits(vals[0]) {
		return 0, false
	}
	n, err := strconv.Atoi(vals[0])
	return n, err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// validPathSIMID reports whether a /usage/{sim_id} path segment is shaped
// like a SIM ID (9 digits) or an ICCID (18-22 digits).
func validPathSIMID(s string) bool {
	return allDigits(s) && (len(s) == 9 || len(s) >= 18 && len(s) <= 22)
}
