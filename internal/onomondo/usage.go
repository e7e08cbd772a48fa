package onomondo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	dec := c.pageDecoder()
	defer dec.release()

	var last request // the latest page's request, which a paging error is about
	fetch := func(ctx context.Context, at Position, limit, page int) (Page[Record], error) {
		r := request{
			path:     q.path(),
			query:    q.encode(at.Cursor, limit, page == 1),
			resource: q.resource(),
			page:     page,
		}
		last = r
		asked := limit
		if asked <= 0 {
			asked = MaxPageSize
		}
		var p Page[Record]
		err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
			var derr error
			p, derr = dec.decode(body, asked)
			if errors.Is(derr, errTooManyRecords) {
				return pagingError(page, fmt.Errorf("page %d held more than the %d records asked for", page, asked))
			}
			return derr
		})
		return p, err
	}
	res, err := paginate(ctx, q.NextPage, q.Limit, q.MaxRecords, fetch, visit)
	var e *Error
	if errors.As(err, &e) && e.Endpoint == "" {
		e.Method = http.MethodGet
		e.Endpoint = last.endpoint()
	}
	return res, err
}
