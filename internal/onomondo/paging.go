package onomondo

import (
	"context"
	"fmt"
)

// Page is one page of a cursor-paged list, as the answer stated it.
type Page[T any] struct {
	Items []T
	// HasMore is pagination.has_more; HasMoreSet tells whether the key was
	// there at all.
	HasMore, HasMoreSet bool
	Next                string // cursor of the next page; "" when absent, null or empty
	// Pagination tells whether the answer had a "pagination" object.
	Pagination bool
	// Digest identifies the page's items by value (0 for an empty page), so
	// that a page repeating an earlier one can be told without keeping it.
	Digest uint64
}

// Pagination says where a read stopped. NextPage is "" when the read reached
// the end; otherwise a later read given NextPage continues exactly there.
type Pagination struct {
	HasMore  bool
	NextPage string
}

// ReadResult sums up a paged read.
type ReadResult struct {
	Pagination
	Pages   int
	Records int64
	// StoppedAtMax is true when the read stopped at MaxRecords with more
	// records left: its totals cover only the records read.
	StoppedAtMax bool
}

// maxEmptyPages bounds how many empty pages in a row the API may send while
// claiming has_more before the read is stopped as a paging loop.
const maxEmptyPages = 10

// paginate is the one paging loop of the client. It calls fetch for each
// page, starting at cursor start, and hands each page's items to visit only
// once the page has been read completely, so a retried page is never counted
// twice. It stops early, exactly at maxItems (0: no cap), by asking the last
// page for only the items still wanted.
//
// How a page says whether more follow, for every reading the evidence allows:
//
//   - a non-empty next_page means another page, whether has_more is true or
//     absent; has_more false with a non-empty next_page contradicts itself,
//     and the read goes on (a cursor is the stronger statement; the guards
//     below stop it if the cursor leads nowhere new);
//   - no next_page (absent, null or "") ends the read, unless has_more is
//     true: then it is an error;
//   - no "pagination" at all ends the read when the page holds fewer items
//     than asked for (an empty list included); a full page without it is an
//     error, since more may follow.
//
// It refuses to loop: a cursor seen before, a page whose items repeat an
// earlier page's (fresh cursors over the same records), a page with more
// items than asked for, or a run of empty pages that claim more are errors
// that name the page. The repeat check keeps one digest per page, not the
// items.
func paginate[T any](
	ctx context.Context,
	start string,
	pageSize int,
	maxItems int64,
	fetch func(ctx context.Context, cursor string, limit int, page int) (Page[T], error),
	visit func(items []T) error,
) (ReadResult, error) {
	var res ReadResult
	cursor := start
	seen := map[string]int{}
	if start != "" {
		seen[start] = 0
	}
	digests := map[uint64]int{}
	empty := 0
	for page := 1; ; page++ {
		limit := pageSize
		if maxItems > 0 {
			if limit <= 0 {
				limit = MaxPageSize
			}
			if left := maxItems - res.Records; left < int64(limit) {
				limit = int(left)
			}
		}
		p, err := fetch(ctx, cursor, limit, page)
		if err != nil {
			return res, err
		}
		res.Pages = page
		asked := limit
		if asked <= 0 {
			asked = MaxPageSize
		}
		if len(p.Items) > asked {
			return res, pagingError(page, fmt.Errorf("page %d held %d records, more than the %d asked for", page, len(p.Items), asked))
		}
		more, err := morePages(p, asked, page)
		if err != nil {
			return res, err
		}
		if prev, ok := seen[p.Next]; more && ok {
			where := fmt.Sprintf("page %d", prev)
			if prev == 0 {
				where = "the starting next_page"
			}
			return res, pagingError(page, fmt.Errorf("page %d returned the same next_page cursor as %s", page, where))
		}
		if p.Digest != 0 {
			if prev, ok := digests[p.Digest]; ok {
				return res, pagingError(page, fmt.Errorf("page %d holds the same %d records as page %d although its cursor was new: the API keeps answering the same page", page, len(p.Items), prev))
			}
			digests[p.Digest] = page
		}
		if len(p.Items) > 0 {
			if err := visit(p.Items); err != nil {
				return res, err
			}
			res.Records += int64(len(p.Items))
			empty = 0
		} else {
			empty++
		}
		if !more {
			res.Pagination = Pagination{}
			return res, nil
		}
		if empty >= maxEmptyPages {
			return res, pagingError(page, fmt.Errorf("%d pages in a row held no records but gave a next_page cursor", empty))
		}
		seen[p.Next] = page
		cursor = p.Next
		res.Pagination = Pagination{HasMore: true, NextPage: p.Next}
		if maxItems > 0 && res.Records >= maxItems {
			res.StoppedAtMax = true
			return res, nil
		}
	}
}

// morePages says whether another page follows p (see paginate), or why
// the answer cannot be trusted.
func morePages[T any](p Page[T], asked, page int) (bool, error) {
	switch {
	case p.Next != "":
		return true, nil
	case p.HasMore:
		return false, pagingError(page, fmt.Errorf("page %d says has_more but gives no next_page cursor", page))
	case !p.Pagination && len(p.Items) >= asked:
		return false, pagingError(page, fmt.Errorf("page %d holds the %d records asked for but no \"pagination\": the API does not say whether more follow", page, asked))
	}
	return false, nil
}

func pagingError(page int, err error) *Error {
	return &Error{Kind: KindPaging, Page: page, Err: err}
}
