package onomondo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// ReadUsage reads every page of GET /usage (or GET /usage/{sim_id} when
// q.SimID is set) and hands the records to visit page by page. The slice
// passed to visit is reused for the next page: copy what you keep.
//
// Filters, limit and group are re-sent with next_page on every page; offset
// goes on the first request only. A retried page is passed on once.
func (c *Client) ReadUsage(ctx context.Context, q UsageQuery, visit func(records []Record) error) (ReadResult, error) {
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return ReadResult{}, fmt.Errorf("limit must be between 1 and %d, got %d", MaxPageSize, q.Limit)
	}
	if q.MaxRecords < 0 {
		return ReadResult{}, fmt.Errorf("max_records must be 1 or more, got %d", q.MaxRecords)
	}
	dec := pageDecoderPool.Get().(*pageDecoder)
	defer pageDecoderPool.Put(dec)

	fetch := func(ctx context.Context, cursor string, limit, page int) (Page[Record], error) {
		r := request{
			path:     q.path(),
			query:    q.encode(cursor, limit, page == 1),
			resource: q.resource(),
			page:     page,
		}
		var p Page[Record]
		err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
			var derr error
			p, derr = dec.decode(body)
			return derr
		})
		return p, err
	}
	res, err := paginate(ctx, q.NextPage, q.Limit, q.MaxRecords, fetch, visit)
	var e *Error
	if errors.As(err, &e) && e.Endpoint == "" {
		e.Method = http.MethodGet
		e.Endpoint = q.path()
	}
	return res, err
}

// usagePage is the JSON shape of a usage answer.
type usagePage struct {
	Usage      []Record        `json:"usage"`
	Pagination *pagePagination `json:"pagination"`
}

type pagePagination struct {
	HasMore  bool    `json:"has_more"`
	NextPage *string `json:"next_page"`
}

// pageDecoder decodes usage pages, reusing its record buffer across pages.
type pageDecoder struct {
	page usagePage
}

var pageDecoderPool = sync.Pool{New: func() any { return &pageDecoder{} }}

// decode reads one usage page from body. The returned items alias the
// decoder's buffer and are valid until the next call.
func (d *pageDecoder) decode(body io.Reader) (Page[Record], error) {
	// Reuse the record buffer, zeroed, so a field absent from this page's
	// record never shows the previous page's value.
	buf := d.page.Usage[:cap(d.page.Usage)]
	clear(buf)
	d.page.Usage = buf[:0]
	d.page.Pagination = nil
	return decodeUsagePage(body, &d.page)
}

// DecodeUsagePage decodes one usage page from r. It is the decoder the client
// uses, exported for tests and fuzzing.
func DecodeUsagePage(r io.Reader) (Page[Record], error) {
	var up usagePage
	return decodeUsagePage(r, &up)
}

func decodeUsagePage(r io.Reader, up *usagePage) (Page[Record], error) {
	dec := json.NewDecoder(r)
	if err := dec.Decode(up); err != nil {
		return Page[Record]{}, describeJSONError(err)
	}
	// Anything but whitespace after the object means a corrupted answer.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Page[Record]{}, errors.New("unexpected data after the JSON object")
	}
	if up.Pagination == nil && len(up.Usage) == 0 {
		return Page[Record]{}, errors.New(`the JSON object has neither a "usage" list nor "pagination"`)
	}
	p := Page[Record]{Items: up.Usage}
	if up.Pagination != nil {
		p.HasMore = up.Pagination.HasMore
		if up.Pagination.NextPage != nil {
			p.Next = *up.Pagination.NextPage
		}
	}
	return p, nil
}

// describeJSONError words a JSON decoding error for a user.
func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON ends early (truncated)")
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return fmt.Errorf("%s is a JSON %s, expected %s", field, typ.Value, typ.Type)
	}
	return err
}

// parseErrorCode reads the API's `{"error": "<code>"}` error body.
func parseErrorCode(body []byte) (string, bool) {
	var e struct {
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
		return "", false
	}
	return *e.Error, true
}
