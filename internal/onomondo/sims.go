package onomondo

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
)

// GET /sims and GET /sims/{id}: the SIMs of the organisation, with their
// labels, tags, data limits and network. These endpoints are not in the
// contract we were given; the package documentation (doc.go) sums up what
// public clients and Onomondo's docs show, and where they disagree: answers
// are paged either by cursor
// ({"sims":[...],"pagination":{"has_more","next_page"}}) or by offset
// ({"count","limit","offset","total","sims":[...]}). Each answer is taken
// for what it is (see decodeSIMsPage).

// SIM is one SIM as GET /sims and GET /sims/{id} describe it. Every field is
// optional: a string the API left out or sent as null is "", a bool or
// number left out or null is nil. Byte counts are read like a usage
// record's bytes (ByteCount): whole numbers, or strings of digits. Unknown
// keys are ignored; the top-level "usage" number, whose meaning is
// undocumented, is not read.
type SIM struct {
	ID               string // 9 digits, zero padded
	ICCID            string
	Label            string
	Activated        *bool
	Online           *bool
	OnlineAt         string // RFC 3339 in UTC when the API's time could be read, else as sent
	IMEI             string
	NetworkWhitelist string
	Tags             []SIMTag
	DataLimit        *DataLimit // nil: the SIM has no data limit (absent or null)
	Network          SIMNetwork // every field "" while the SIM is offline
}

// SIMTag is a tag a SIM carries.
type SIMTag struct {
	ID   string // UUID
	Name string
}

// DataLimit is a SIM's data limit and its use in the current period.
type DataLimit struct {
	Total *int64 // bytes allowed in a period
	// Used is the bytes used in the current period; nil when the API sends
	// null, which public clients have seen.
	Used   *int64
	Type   string // such as "monthly"
	Period string // such as "202401"
	// AlertThreshold is the headroom below Total, in bytes, at which
	// Onomondo sends a usage alert (the alert fires when Used reaches
	// Total - AlertThreshold); nil when absent or null, as on accounts
	// without the package that shows it. Read like a byte count.
	AlertThreshold *int64
	ResetsAt       string // RFC 3339 in UTC when it could be read, else as sent
}

// SIMNetwork is the network a SIM is attached to.
type SIMNetwork struct {
	Name        string // operator, such as "Telenor Norge"
	Country     string // such as "Norway"
	CountryCode string // ISO 3166-1 alpha-2, lower case (the API sends it upper case)
	MCC, MNC    string // strings: "01" keeps its zero
}

// SIMQuery is one read of GET /sims.
type SIMQuery struct {
	// Filters in the order they are sent, each as filter[]=key:value. Keys
	// the API knows: "online", "activated" (true or false), "connector" and
	// "network_whitelist".
	Filters []Filter
}

// SIMList is the result of a complete read of GET /sims.
type SIMList struct {
	SIMs []SIM // in the API's order
	// Pages is how many pages were read; ByOffset tells whether the API
	// paged by offset (count/limit/offset/total) rather than by cursor.
	Pages    int
	ByOffset bool
	// UnreadTimes counts the times (online_at, data_limit.resets_at) in
	// neither RFC 3339 nor the API's "YYYY-MM-DD HH:MM:SS": they are kept as
	// sent.
	UnreadTimes int
}

// maxSIMsBody bounds one answer of the SIM endpoints: a page of 1000 SIMs
// is about 1 MiB.
const maxSIMsBody = 64 << 20

// simsResource names what a 403 on the SIM list is about.
const simsResource = "the SIMs of this organisation"

// maxSIMPages caps the pages of one SIM list: 10,000 pages are 10 million
// SIMs at 1000 a page (200,000 at the 20 a page of Onomondo's docs
// example), far beyond any organisation. A variable only so that a test
// can lower it.
var maxSIMPages = 10_000

// ListSIMs reads every page of GET /sims. Pages are requested with the
// largest page size and the filters re-sent on every page, followed by
// cursor or by offset as each answer says. A SIM listed twice (on one page
// or on two) stops the read: the API went back on itself.
//
// Two answers are read rather than refused: a bare {"sims": [...]} whose
// second page repeats the first exactly comes from a server that ignores
// offset and sent the whole list at once, so the first page is the list;
// and an offset-paged list whose total changes mid-read (a SIM added or
// removed, which shifts every offset after it, so that a SIM would be
// skipped or listed twice) is read again from the start, once. If it
// changes again, the read fails.
func (c *Client) ListSIMs(ctx context.Context, q SIMQuery) (SIMList, error) {
	out, err := c.listSIMs(ctx, q)
	var changed *listChangedError
	if errors.As(err, &changed) {
		c.log.Info(ctx, "Onomondo API: the SIM list changed while it was read; reading it again from the start", map[string]any{"page": changed.page, "total": changed.now, "first_total": changed.first})
		out, err = c.listSIMs(ctx, q)
		if errors.As(err, &changed) {
			err = changed.err
		}
	}
	if err != nil {
		return SIMList{}, c.redact.seal(err)
	}
	return out, nil
}

// listChangedError is an offset-paged SIM list whose total changed between
// pages.
type listChangedError struct {
	page       int
	first, now int64
	err        *Error // the paging error to fail with if reading again does not help
}

func (e *listChangedError) Error() string { return e.err.Error() }

// listSIMs is one read of GET /sims from the start (see ListSIMs).
func (c *Client) listSIMs(ctx context.Context, q SIMQuery) (SIMList, error) {
	var out SIMList
	seen := map[string]int{} // SIM id (or ICCID) -> page
	var last request         // the latest page's request, which a paging error is about
	var firstDigest uint64   // of page 1's SIMs
	var firstTotal *int64    // of page 1, when offset-paged with a total
	fetch := func(ctx context.Context, at Position, limit, page int) (Page[SIM], error) {
		r := request{path: "/sims", query: q.encode(at, limit), resource: simsResource, page: page}
		last = r
		var ans simsPage
		err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
			data, err := readJSONBody(body, maxSIMsBody)
			if err != nil {
				return err
			}
			ans, err = decodeSIMsPage(data, c.apiKey)
			return err
		})
		if err != nil {
			return Page[SIM]{}, err
		}
		p := Page[SIM]{Items: ans.sims, HasMore: ans.hasMore, HasMoreSet: ans.hasMoreSet, Next: ans.next, Pagination: ans.pagination, Digest: ans.digest}
		if page == 1 {
			out.ByOffset, firstDigest, firstTotal = ans.byOffset, ans.digest, ans.total
		}
		switch {
		case ans.bare && page > 1 && !out.ByOffset:
			// A page without any paging member in a cursor-paged read: the
			// paging loop's rule for a missing "pagination" applies.
		case ans.bare && page == 2 && ans.digest != 0 && ans.digest == firstDigest:
			// A server that ignores offset sent the whole list on page 1.
			return Page[SIM]{ByOffset: true}, nil
		case ans.byOffset:
			// A changed total is a list that changed, unless the page is
			// page 1 again (a server that starts over: the check for SIMs
			// listed twice below says so).
			if firstTotal != nil && ans.total != nil && *ans.total != *firstTotal && ans.digest != firstDigest {
				return p, &listChangedError{page: page, first: *firstTotal, now: *ans.total, err: pagingErrorAt(r, fmt.Errorf(
					"page %d says the list holds %d SIMs, page 1 said %d, and it changed again when read from the start: SIMs are being added or removed, which shifts the offsets; retry later",
					page, *ans.total, *firstTotal))}
			}
			p.ByOffset = true
			p.HasMore, p.NextOffset, err = offsetPage(at, limit, len(ans.sims), ans.offset, ans.limit, ans.total)
			if err != nil {
				return p, pagingErrorAt(r, err)
			}
		}
		for _, s := range ans.sims {
			key := s.ID
			if key == "" {
				key = s.ICCID
			}
			if key == "" {
				continue
			}
			if prev, ok := seen[key]; ok {
				where := fmt.Sprintf("page %d", prev)
				if prev == page {
					where = "this page"
				}
				return p, pagingErrorAt(r, fmt.Errorf("page %d lists SIM %q again, already listed on %s", page, key, where))
			}
			seen[key] = page
		}
		out.UnreadTimes += ans.unreadTimes
		return p, nil
	}
	res, err := paginate(ctx, "", MaxPageSize, 0, maxSIMPages, fetch, func(_ int, items []SIM) (int, error) {
		out.SIMs = append(out.SIMs, items...)
		return len(items), nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Endpoint == "" {
			e.Method, e.Endpoint = http.MethodGet, last.endpoint()
		}
		return SIMList{}, err
	}
	out.Pages = res.Pages
	return out, nil
}

// GetSIM reads one SIM, by its 9-digit id or its ICCID, from
// GET /sims/{id}. The answer must be that SIM: one naming another SIM, or
// none, is an error.
func (c *Client) GetSIM(ctx context.Context, idOrICCID string) (SIM, int, error) {
	r := request{path: "/sims/" + url.PathEscape(idOrICCID), resource: "SIM " + strconv.Quote(idOrICCID)}
	var out SIM
	unread := 0
	err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
		data, err := readJSONBody(body, maxSIMsBody)
		if err != nil {
			return err
		}
		out, unread, err = decodeSIMAnswer(data, idOrICCID, c.apiKey)
		return err
	})
	if err != nil {
		return SIM{}, 0, c.redact.seal(err)
	}
	return out, unread, nil
}

// encode builds the query of one page: every filter as filter[]=key:value
// (the form the SIM clients send, even for one filter), limit, then the
// position: next_page for a cursor, offset for an offset past the first.
func (q SIMQuery) encode(at Position, limit int) string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(escapeValue(v))
	}
	for _, f := range q.Filters {
		add("filter[]", f.Key+":"+f.Value)
	}
	if limit > 0 {
		add("limit", strconv.Itoa(limit))
	}
	switch {
	case at.Cursor != "":
		add("next_page", at.Cursor)
	case at.Offset > 0:
		add("offset", strconv.FormatInt(at.Offset, 10))
	}
	return b.String()
}

// pagingErrorAt is a paging error on request r.
func pagingErrorAt(r request, err error) *Error {
	e := pagingError(r.page, err)
	e.Method, e.Endpoint = http.MethodGet, r.endpoint()
	return e
}

// simsPage is one decoded answer of GET /sims.
type simsPage struct {
	sims        []SIM
	pagination  bool // the answer had a "pagination" object
	bare        bool // the answer had no paging member at all
	byOffset    bool
	hasMore     bool   // cursor paging
	hasMoreSet  bool   // cursor paging: the answer had a has_more
	next        string // cursor paging
	offset      *int64 // offset paging: the answer's offset, limit and total
	limit       *int64
	total       *int64
	unreadTimes int
	digest      uint64 // of the SIMs by value; 0 for none
}

// simsPageJSON is the JSON of both answer styles.
type simsPageJSON struct {
	SIMs       []simJSON `json:"sims"`
	Pagination *struct {
		HasMore  *bool   `json:"has_more"`
		NextPage *string `json:"next_page"`
	} `json:"pagination"`
	Count  optCount `json:"count"`
	Limit  optCount `json:"limit"`
	Offset optCount `json:"offset"`
	Total  optCount `json:"total"`
}

// decodeSIMsPage decodes one answer of GET /sims and decides its paging
// style: a "pagination" object means cursor paging; otherwise any of
// count, limit, offset or total means offset paging; a bare {"sims":[...]}
// is read as offset paging without a total (more follow until a page comes
// back empty), except after cursor-paged pages, where it is a page without
// "pagination" (see ListSIMs). An object with neither "sims" nor any paging
// member is not a SIM list.
func decodeSIMsPage(data []byte, secret string) (simsPage, error) {
	var j simsPageJSON
	if err := unmarshalLenient(data, &j, secret); err != nil {
		return simsPage{}, err
	}
	var p simsPage
	r := newRedactor(secret)
	p.sims = make([]SIM, len(j.SIMs))
	for i := range j.SIMs {
		p.sims[i], p.unreadTimes = j.SIMs[i].sim(p.unreadTimes)
		r.sim(&p.sims[i])
	}
	p.digest = simsDigest(p.sims)
	offsetKeys := j.Count.v != nil || j.Limit.v != nil || j.Offset.v != nil || j.Total.v != nil
	switch {
	case j.Pagination != nil:
		p.pagination = true
		if j.Pagination.HasMore != nil {
			p.hasMore, p.hasMoreSet = *j.Pagination.HasMore, true
		}
		if j.Pagination.NextPage != nil {
			p.next = *j.Pagination.NextPage
		}
	case offsetKeys || j.SIMs != nil:
		p.byOffset, p.bare = true, !offsetKeys
		p.offset, p.limit, p.total = j.Offset.v, j.Limit.v, j.Total.v
	default:
		return simsPage{}, errors.New(`the JSON object has no "sims" list and no paging members ("pagination", or "count"/"limit"/"offset"/"total")`)
	}
	return p, nil
}

// simsDigestSeed seeds the digests of SIM pages.
var simsDigestSeed = maphash.MakeSeed()

// simsDigest identifies a page's SIMs by value (0 for none), so that a page
// repeating an earlier one is told even when its SIMs carry no id.
func simsDigest(sims []SIM) uint64 {
	if len(sims) == 0 {
		return 0
	}
	b, err := json.Marshal(sims)
	if err != nil { // cannot happen: SIM holds only strings, numbers, bools and slices of them
		return 0
	}
	return maphash.Bytes(simsDigestSeed, b) | 1
}

// decodeSIMAnswer decodes the answer of GET /sims/{asked}: the SIM object
// itself, or the same wrapped as {"sim": {...}}. It returns how many of its
// times were kept as sent. secret is redacted from quoted values.
func decodeSIMAnswer(data []byte, asked, secret string) (SIM, int, error) {
	var j struct {
		simJSON `json:",inline"`
		Sim     *simJSON `json:"sim"`
	}
	if err := unmarshalLenient(data, &j, secret); err != nil {
		return SIM{}, 0, err
	}
	src := &j.simJSON
	if src.ID == "" && src.ICCID == "" && j.Sim != nil {
		src = j.Sim
	}
	s, unread := src.sim(0)
	newRedactor(secret).sim(&s)
	switch {
	case s.ID == "" && s.ICCID == "":
		return SIM{}, 0, errors.New(`the answer names no SIM (no "id" and no "iccid")`)
	case !s.is(asked):
		return SIM{}, 0, fmt.Errorf("the answer describes SIM %q (ICCID %q), not the SIM asked for", s.ID, s.ICCID)
	}
	return s, unread, nil
}

// is reports whether s is the SIM named by idOrICCID. An ICCID may be given
// with or without its check digit.
func (s SIM) is(idOrICCID string) bool {
	switch {
	case idOrICCID == s.ID || idOrICCID == s.ICCID:
		return true
	case len(idOrICCID) < 18 || s.ICCID == "":
		return false
	}
	return strings.HasPrefix(s.ICCID, idOrICCID) || strings.HasPrefix(idOrICCID, s.ICCID)
}

// simJSON is a SIM as the API sends it.
type simJSON struct {
	ID               string    `json:"id"`
	ICCID            string    `json:"iccid"`
	Label            string    `json:"label"`
	Activated        *bool     `json:"activated"`
	Online           *bool     `json:"online"`
	OnlineAt         string    `json:"online_at"`
	IMEI             string    `json:"imei"`
	NetworkWhitelist string    `json:"network_whitelist"`
	Tags             []tagJSON `json:"tags"`
	DataLimit        *struct {
		Total          ByteCount `json:"total"`
		Used           ByteCount `json:"used"`
		Type           string    `json:"type"`
		Period         string    `json:"period"`
		AlertThreshold ByteCount `json:"alert_threshold"`
		ResetsAt       string    `json:"resets_at"`
	} `json:"data_limit"`
	Network *struct {
		Name        string `json:"name"`
		Country     string `json:"country"`
		CountryCode string `json:"country_code"`
		MCC         string `json:"mcc"`
		MNC         string `json:"mnc"`
	} `json:"network"`
}

// tagJSON is a tag as a SIM lists it; "can_write" and "color" are not read.
type tagJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// sim converts j, with times in RFC 3339 UTC and the country code in lower
// case; unread counts the times that could not be converted (kept as sent).
func (j *simJSON) sim(unread int) (SIM, int) {
	s := SIM{
		ID:               j.ID,
		ICCID:            j.ICCID,
		Label:            j.Label,
		Activated:        j.Activated,
		Online:           j.Online,
		IMEI:             j.IMEI,
		NetworkWhitelist: j.NetworkWhitelist,
	}
	if j.Tags != nil {
		s.Tags = make([]SIMTag, len(j.Tags))
		for i, t := range j.Tags {
			s.Tags[i] = SIMTag(t)
		}
	}
	s.OnlineAt, unread = normalTime(j.OnlineAt, unread)
	if d := j.DataLimit; d != nil {
		s.DataLimit = &DataLimit{
			Total:          countPtr(d.Total),
			Used:           countPtr(d.Used),
			Type:           d.Type,
			Period:         d.Period,
			AlertThreshold: countPtr(d.AlertThreshold),
		}
		s.DataLimit.ResetsAt, unread = normalTime(d.ResetsAt, unread)
	}
	if n := j.Network; n != nil {
		s.Network = SIMNetwork{
			Name:        n.Name,
			Country:     n.Country,
			CountryCode: strings.ToLower(n.CountryCode),
			MCC:         n.MCC,
			MNC:         n.MNC,
		}
	}
	return s, unread
}

// normalTime converts an API time to RFC 3339 in UTC; a time it cannot
// read is kept as sent and counted in unread.
func normalTime(s string, unread int) (string, int) {
	if s == "" {
		return "", unread
	}
	out, ok := RFC3339Time(s)
	if !ok {
		unread++
	}
	return out, unread
}
