package onomondo

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Filter is one `filter` term of the usage endpoints, sent as `key:value`.
// Keys the API knows: "time", "sim_id" (GET /usage only) and "country_code".
type Filter struct {
	Key   string
	Value string
}

// UsageQuery describes one paged read of GET /usage or GET /usage/{sim_id}.
type UsageQuery struct {
	// SIM selects GET /usage/{SIM} (a 9-digit SIM id or an ICCID); empty
	// means GET /usage. (The sim_id filter of GET /usage is a Filter.)
	SIM string
	// Filters, sent in a fixed order whatever their order here: time,
	// sim_id, country_code, then any other key as given.
	Filters []Filter
	// Limit is the page size (1..1000); 0 leaves it to the API (1000).
	Limit int
	// Offset skips records; sent on the first request only. Nil: not sent.
	Offset *int64
	// Group is "" or "hours".
	Group string
	// NextPage starts the read from a cursor of an earlier read.
	NextPage string
	// MaxRecords stops the read after this many records; 0 reads all pages.
	// The last page asks for just the records still wanted, so the cursor it
	// returns is exactly where reading stopped.
	MaxRecords int64
}

// MaxPageSize is the most records the API returns in one page.
const MaxPageSize = 1000

// path is the endpoint path of the query, with the SIM id escaped.
func (q UsageQuery) path() string {
	if q.SIM == "" {
		return "/usage"
	}
	return "/usage/" + url.PathEscape(q.SIM)
}

// resource names what a 403 or 404 on this query is about.
func (q UsageQuery) resource() string {
	if q.SIM == "" {
		return "the usage matching these filters"
	}
	return "SIM " + strconv.Quote(q.SIM)
}

// encode builds the query string of one page request, exactly as the API
// expects it: one filter as `filter=key:value`, two or more as repeated
// `filter[]=key:value`; limit, offset, group and next_page only when set.
// Parameters are written in a fixed order so requests are reproducible.
func (q UsageQuery) encode(cursor string, limit int, first bool) string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k) // keys are fixed names; "filter[]" is sent literally
		b.WriteByte('=')
		b.WriteString(escapeValue(v))
	}
	filters := slices.Clone(q.Filters)
	slices.SortStableFunc(filters, func(a, b Filter) int { return filterRank(a.Key) - filterRank(b.Key) })
	switch len(filters) {
	case 0:
	case 1:
		add("filter", filters[0].Key+":"+filters[0].Value)
	default:
		for _, f := range filters {
			add("filter[]", f.Key+":"+f.Value)
		}
	}
	if limit > 0 {
		add("limit", strconv.Itoa(limit))
	}
	if first && q.Offset != nil {
		add("offset", strconv.FormatInt(*q.Offset, 10))
	}
	if q.Group != "" {
		add("group", q.Group)
	}
	if cursor != "" {
		add("next_page", cursor)
	}
	return b.String()
}

// filterRank orders the filters of a request: the documented keys first,
// in the order the API notes list them.
func filterRank(key string) int {
	switch key {
	case "time":
		return 0
	case "sim_id":
		return 1
	case "country_code":
		return 2
	}
	return 3
}

// escapeValue query-escapes a value but keeps ':' readable, as every client of
// the API writes `filter=time:2025-03` (':' is legal in a query).
func escapeValue(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "%3A", ":")
}
