package onomondo

import (
	"context"
	"fmt"
)

// Page is one page of a paged list, as the answer stated it. A cursor-paged
// answer (pagination.has_more and next_page) sets HasMore and Next. An
// offset-paged answer (count, limit, offset, total) sets ByOffset, and
// HasMore with NextOffset, the offset where the next page starts (see
// offsetPage).
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

	ByOffset   bool
	NextOffset int64
}

// Position is where a page starts: at the cursor Cursor ("" for the first
// page of a cursor-paged read), or, once an answer was offset-paged, at
// Offset.
type Position struct {
	Cursor string
	Offset int64
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
// An offset-paged answer says itself whether more follow (HasMore) and
// where (NextOffset, see offsetPage); fetch gets the next page's Position,
// a cursor or an offset.
//
// It refuses to loop: a cursor seen before, a page whose items repeat an
// earlier page's (fresh cursors over the same records), an offset that does
// not advance, a read that switches between cursor and offset paging, a
// page with more items than asked for, or a run of empty pages that claim
// more are errors that name the page. The repeat check keeps one digest per
// page, not the items.
func paginate[T any](
	ctx context.Context,
	start string,
	pageSize int,
	maxItems int64,
	fetch func(ctx context.Context, at Position, limit int, page int) (Page[T], error),
	visit func(items []T) error,
) (ReadResult, error) {
	var res ReadResult
	at := Position{Cursor: start}
	byOffset := false // how page 1 was paged
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
		p, err := fetch(ctx, at, limit, page)
		if err != nil {
			return res, err
		}
		res.Pages = page
		if page == 1 {
			byOffset = p.ByOffset
		} else if err := samePaging(page, byOffset, p.ByOffset); err != nil {
			return res, err
		}
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
		if p.ByOffset {
			if p.NextOffset <= at.Offset {
				return res, pagingError(page, fmt.Errorf("page %d (offset %d) says more follow from offset %d: the read would not advance", page, at.Offset, p.NextOffset))
			}
			at = Position{Offset: p.NextOffset}
			res.Pagination = Pagination{HasMore: true}
			continue
		}
		if empty >= maxEmptyPages {
			return res, pagingError(page, fmt.Errorf("%d pages in a row held no records but gave a next_page cursor", empty))
		}
		seen[p.Next] = page
		at = Position{Cursor: p.Next}
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
	case p.ByOffset:
		return p.HasMore, nil
	case p.Next != "":
		return true, nil
	case p.HasMore:
		return false, pagingError(page, fmt.Errorf("page %d says has_more but gives no next_page cursor", page))
	case !p.Pagination && len(p.Items) >= asked:
		return false, pagingError(page, fmt.Errorf("page %d holds the %d records asked for but no \"pagination\": the API does not say whether more follow", page, asked))
	}
	return false, nil
}

// samePaging refuses a read whose answers switch between cursor and offset
// paging: the position of the next page would be guesswork.
func samePaging(page int, first, now bool) error {
	if first == now {
		return nil
	}
	style := map[bool]string{false: "cursor paging (pagination.next_page)", true: "offset paging (count/limit/offset/total)"}
	return pagingError(page, fmt.Errorf("page %d uses %s but page 1 used %s", page, style[now], style[first]))
}

// offsetPage works out, from an offset-paged answer, whether more follow and
// where: asked is the position and page size the request asked for, n the
// items the answer held, and offset, limit and total its fields (nil when
// absent or null). With a total, the read goes on until offset+n reaches
// it. Without one, it goes on while pages come back full, a full page
// being as large as the answer's limit (or the one asked for, if smaller);
// and when the answer does not even say its limit, until a page comes back
// empty: a server may serve fewer than asked for, so a short page proves
// nothing (askedLimit 0 is the API's default of MaxPageSize).
//
// An answer that contradicts the request or itself is an error: an offset
// other than the one asked for, more items than the total, or an empty
// page while the total says more follow (the read would be short).
func offsetPage(asked Position, askedLimit, n int, offset, limit, total *int64) (hasMore bool, next int64, err error) {
	if offset != nil && *offset != asked.Offset {
		return false, 0, fmt.Errorf("the answer is for offset %d, but offset %d was asked for", *offset, asked.Offset)
	}
	next = asked.Offset + int64(n)
	switch {
	case total != nil && next > *total:
		return false, 0, fmt.Errorf("the answer holds %d items from offset %d, more than its total of %d", n, asked.Offset, *total)
	case total != nil && next < *total && n == 0:
		return false, 0, fmt.Errorf("the page at offset %d is empty, but the answer's total says %d: the read would be incomplete", asked.Offset, *total)
	case total != nil:
		return next < *total, next, nil
	case limit == nil || *limit <= 0:
		return n > 0, next, nil
	}
	size := int64(askedLimit)
	if size <= 0 {
		size = MaxPageSize
	}
	return int64(n) >= min(size, *limit), next, nil
}

func pagingError(page int, err error) *Error {
	return &Error{Kind: KindPaging, Page: page, Err: err}
}
