package onomondo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ReadUsage reads every page of GET /usage (or GET /usage/{sim_id} when
// q.SIM is set) and hands the records to visit page by page. The slice
// passed to visit is reused for the next page: copy what you keep.
//
// Filters, limit and group are re-sent with next_page on every page; offset
// goes on the first request only. A retried page is passed on once.
//
// Every record is checked against what q asks for (recordCheck): one of
// another country or SIM, or clearly outside the period, ends the read
// with an error; one just outside the period is counted and reported in
// the result's Warnings. A record that repeats one of the page before is
// skipped (boundary). A 204 answer, or a 200 with an empty body, to the
// first request of a read is a page without records (a period without
// usage); to a later one, after a page that said more follow, an error.
func (c *Client) ReadUsage(ctx context.Context, q UsageQuery, visit func(records []Record) error) (ReadResult, error) {
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return ReadResult{}, fmt.Errorf("the page size (Limit) must be between 1 and %d, got %d", MaxPageSize, q.Limit)
	}
	if q.MaxRecords < 0 {
		return ReadResult{}, fmt.Errorf("MaxRecords must be 0 (no maximum) or more, got %d", q.MaxRecords)
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
		var p Page[Record]
		// A read's first page may be empty (no usage in the period); a later
		// one follows a page that said more follow, and an empty answer
		// there would end the read short without a word.
		emptyOK := page == 1 && q.NextPage == ""
		err := c.do(ctx, r, func(status int, _ http.Header, body io.Reader) error {
			if status == http.StatusNoContent {
				p = Page[Record]{}
				if !emptyOK {
					return errors.New("there is no content (HTTP 204), although the page before said more follow")
				}
				return nil
			}
			var derr error
			p, derr = dec.decode(body, maxPageRecords)
			switch {
			case errors.Is(derr, errEmptyBody) && !emptyOK:
				derr = fmt.Errorf("%w, although the page before said more follow", derr)
			case errors.Is(derr, errEmptyBody):
				p, derr = Page[Record]{}, nil
			case errors.Is(derr, errTooManyRecords):
				derr = pagingError(page, fmt.Errorf("page %d held more than %d records, ten times the most the API sends in one answer", page, maxPageRecords))
			}
			return derr
		})
		return p, err
	}
	check := newRecordCheck(q)
	var seen boundary
	res, err := paginate(ctx, q.NextPage, q.Limit, q.MaxRecords, maxReadPages, fetch, func(page int, recs []Record) (int, error) {
		recs, err := seen.next(ctx, c.log, page, recs)
		if err != nil {
			return 0, err
		}
		if err := check.page(page, recs); err != nil {
			return 0, err
		}
		if len(recs) == 0 {
			return 0, nil
		}
		return len(recs), visit(recs)
	})
	var e *Error
	if errors.As(err, &e) && e.Endpoint == "" {
		e.Method = http.MethodGet
		e.Endpoint = last.endpoint()
	}
	if err != nil {
		return res, c.redact.seal(err)
	}
	res.Warnings = c.redact.warnings(append(res.Warnings, check.near.warning()...))
	return res, nil
}
