package onomondo

import (
	"bytes"
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
	dec, ok := pageDecoderPool.Get().(*pageDecoder)
	if !ok {
		dec = &pageDecoder{}
	}
	defer pageDecoderPool.Put(dec)

	fetch := func(ctx context.Context, at Position, limit, page int) (Page[Record], error) {
		r := request{
			path:     q.path(),
			query:    q.encode(at.Cursor, limit, page == 1),
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

// pageDecoder decodes usage pages, reusing its buffers across pages.
type pageDecoder struct {
	page usagePage
	body []byte // the page being decoded
	// interned holds the values of the fields that repeat from record to
	// record (sim_id, iccid, country_code, network_type, mcc, mnc), so a
	// read allocates each distinct value once, not once per record.
	interned map[string]string
}

var pageDecoderPool = sync.Pool{New: func() any { return &pageDecoder{} }}

// Bounds on what a pooled decoder keeps between pages and reads.
const (
	maxKeptBody     = 4 << 20
	maxInternedStrs = 1 << 14
)

// maxPageBody bounds one page's body. A page of 1000 records is about
// 400 KiB; anything near this size is not a usage page.
const maxPageBody = 64 << 20

// errPageTooLarge stops reading a body that cannot be a usage page.
var errPageTooLarge = fmt.Errorf("the answer is larger than %d MiB, far more than a page of %d records", maxPageBody>>20, MaxPageSize)

// decode reads one usage page from body. The returned items alias the
// decoder's buffer and are valid until the next call.
//
// The body is read completely, then parsed by parseFast, which handles the
// shape the API sends (any key order, unknown keys, whitespace, nulls)
// without reflection and with few allocations. Anything parseFast is not
// sure about (escapes or non-ASCII bytes in a value it keeps, a number it
// would have to round, a wrong type, a syntax error, a repeated top-level
// key...) is decoded again by encoding/json, so that every answer, and
// every error message, is exactly what encoding/json makes of the body.
func (d *pageDecoder) decode(body io.Reader) (Page[Record], error) {
	data, rerr := readBody(body, d.body[:0])
	if cap(data) <= maxKeptBody {
		d.body = data[:0]
	} else {
		d.body = nil
	}
	d.reset()
	if rerr != nil {
		// The body broke off: encoding/json words it, from the bytes that
		// arrived followed by the reader's error, exactly as when it read
		// the body itself.
		return decodeUsagePage(io.MultiReader(bytes.NewReader(data), errReader{rerr}), &d.page)
	}
	if d.parseFast(data) {
		return d.page.result(), nil
	}
	d.reset()
	return decodeUsagePage(bytes.NewReader(data), &d.page)
}

// reset empties the page, keeping its record buffer, zeroed, so a field
// absent from this page's record never shows the previous page's value.
func (d *pageDecoder) reset() {
	buf := d.page.Usage[:cap(d.page.Usage)]
	clear(buf)
	d.page.Usage = buf[:0]
	d.page.Pagination = nil
}

// errReader returns err on every read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readBody reads r to its end, appending to buf.
func readBody(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) == 0 {
		buf = make([]byte, 0, 64<<10)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > maxPageBody {
			return buf, errPageTooLarge
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			return buf, err
		}
	}
}

// DecodeUsagePage decodes one usage page from r. It is the decoder the client
// uses, exported for tests and fuzzing.
func DecodeUsagePage(r io.Reader) (Page[Record], error) {
	var d pageDecoder
	return d.decode(r)
}

// decodeUsagePage decodes one page with encoding/json: the reference
// behaviour, and the fallback of parseFast.
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
	return up.result(), nil
}

// result is the page of a successfully decoded answer.
func (up *usagePage) result() Page[Record] {
	p := Page[Record]{Items: up.Usage}
	if up.Pagination != nil {
		p.HasMore = up.Pagination.HasMore
		if up.Pagination.NextPage != nil {
			p.Next = *up.Pagination.NextPage
		}
	}
	return p
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
