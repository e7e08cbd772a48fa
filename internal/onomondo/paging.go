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
	// Sent is how many items the answer held when fetch dropped some it
	// had read before (0: len(Items)); a page is full by what was sent.
	Sent int

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
	// Warnings are what the read noticed that did not stop it, worded for
	// a user (and redacted like errors).
	Warnings []Warning
}

// Warning is something a read noticed that did not stop it: its totals are
// right, but the user should know (records just outside the period asked
// for, a page larger than asked for cut at MaxRecords).
type Warning struct {
	Kind    WarningKind
	Summary string
	Detail  string
}

// WarningKind says what a Warning is about, for a caller that handles some
// itself.
type WarningKind int

const (
	// WarningOutsidePeriod: records just outside the period of the time
	// filter were counted (the API may filter in another time zone).
	WarningOutsidePeriod WarningKind = iota + 1
	// WarningPageCut: a page larger than asked for was cut at MaxRecords.
	WarningPageCut
)

// maxEmptyPages bounds how many pages in a row the API may send that add
// no record (empty, or only repeats of the page before) while claiming
// more, before the read is stopped as a paging loop.
const maxEmptyPages = 10

// maxReadPages caps the pages of one usage read (or tag total): 100,000
// pages are 100 million records at 1000 a page, and 2 h 47 min of requests
// at the API's 600 a minute, more than any Terraform read can wait for. A
// read with MaxRecords needs fewer (every maxEmptyPages pages add a
// record, or the loop guard stops it). A variable only so that a test can
// lower it.
var maxReadPages = 100_000

// paginate is the one paging loop of the client. It calls fetch for each
// page, starting at cursor start, and hands each page's items to visit only
// once the page has been read completely, so a retried page is never counted
// twice; visit says how many of them it took (it may skip repeats). It
// stops early, exactly at maxItems (0: no cap), by asking the last page for
// only the items still wanted.
//
// How a page says whether more follow, for every reading the evidence allows:
//
//   - a non-empty next_page means another page, whether has_more is true or
//     absent; has_more false with a non-empty next_page contradicts itself,
//     and the read goes on (a cursor is the stronger statement; the guards
//     below stop it if the cursor leads nowhere new);
//   - no next_page (absent, null or "") with has_more true is an error; with
//     has_more false it is the last page;
//   - a page that says neither (no "pagination", "pagination": null or {},
//     next_page null or "" without has_more) is the last page only if it is
//     short: a full page must say where the next one is, or the read would
//     end silently after it. A page is full when it holds as many items as
//     asked for, or as many as the largest page of this read that said more
//     follow (a server may serve fewer than asked for).
//
// A page with more items than asked for is read: the answer is
// unambiguous. Only with maxItems does that matter: the items beyond
// maxItems are not taken, the read stops there, and since the page's cursor
// lies past the items left out, no cursor is returned (a warning says so).
//
// An offset-paged answer says itself whether more follow (HasMore) and
// where (NextOffset, see offsetPage); fetch gets the next page's Position,
// a cursor or an offset.
//
// It refuses to loop: a cursor seen before, a page whose items repeat an
// earlier page's (fresh cursors over the same records), a read that
// switches between cursor and offset paging, a
// run of pages that add nothing while claiming more, or more than maxPages
// pages are errors that name the page. The repeat check keeps one digest
// per page, not the items.
func paginate[T any](
	ctx context.Context,
	start string,
	pageSize int,
	maxItems int64,
	maxPages int,
	fetch func(ctx context.Context, at Position, limit int, page int) (Page[T], error),
	visit func(page int, items []T) (int, error),
) (ReadResult, error) {
	var res ReadResult
	at := Position{Cursor: start}
	byOffset := false // how page 1 was paged
	seen := map[string]int{}
	if start != "" {
		seen[start] = 0
	}
	digests := map[uint64]int{}
	empty, served := 0, 0
	for page := 1; ; page++ {
		if page > maxPages {
			return res, pagingError(page-1, fmt.Errorf("the read reached %d pages, the most one read may take, and the API still says more follow: narrow the read (a shorter period, more filters)", maxPages))
		}
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
		more, err := morePages(p, asked, served, page)
		if err != nil {
			return res, err
		}
		if more {
			served = max(served, p.held())
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
		items, cut := p.Items, false
		if maxItems > 0 && int64(len(items)) > maxItems-res.Records {
			items, cut = items[:maxItems-res.Records], true
		}
		taken := 0
		if len(items) > 0 {
			if taken, err = visit(page, items); err != nil {
				return res, err
			}
			res.Records += int64(taken)
		}
		if taken > 0 {
			empty = 0
		} else {
			empty++
		}
		if cut {
			res.StoppedAtMax = true
			res.Pagination = Pagination{HasMore: true}
			res.Warnings = append(res.Warnings, oversizedPageWarning(page, len(p.Items), asked, len(items)))
			return res, nil
		}
		if !more {
			res.Pagination = Pagination{}
			return res, nil
		}
		if empty >= maxEmptyPages {
			return res, pagingError(page, fmt.Errorf("%d pages in a row held no records to count (none, or only repeats of the page before) but said more follow", empty))
		}
		if p.ByOffset { // offsetPage says more follow only after items: NextOffset advances
			at = Position{Offset: p.NextOffset}
			res.Pagination = Pagination{HasMore: true}
			continue
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

// oversizedPageWarning says that a page held more records than asked for,
// of which only those up to the read's maximum were taken.
func oversizedPageWarning(page, held, asked, taken int) Warning {
	return Warning{
		Kind:    WarningPageCut,
		Summary: "Onomondo API page larger than asked for",
		Detail: fmt.Sprintf("Page %d held %d records although %d were asked for. The first %d were counted, up to the most records "+
			"the read was to take; the page's next_page cursor lies past the records left out, so no cursor is given to continue from: "+
			"a read from it would skip them. To read on, read without a maximum of records.", page, held, asked, taken),
	}
}

// morePages says whether another page follows p (see paginate), or why
// the answer cannot be trusted. asked is the page size asked for, served
// the largest page of the read so far that said more follow.
func morePages[T any](p Page[T], asked, served, page int) (bool, error) {
	switch {
	case p.ByOffset:
		return p.HasMore, nil
	case p.Next != "":
		return true, nil
	case p.HasMore:
		return false, pagingError(page, fmt.Errorf("page %d says has_more but gives no next_page cursor", page))
	case p.HasMoreSet: // has_more: false, no cursor: the last page, as the API writes it
		return false, nil
	}
	n := p.held()
	var full string
	switch {
	case n >= asked:
		full = fmt.Sprintf("the %d records asked for", asked)
	case served > 0 && n >= served:
		full = fmt.Sprintf("%d records, as many as earlier pages of this read that said more follow", n)
	default:
		return false, nil // a short page: the last
	}
	if !p.Pagination {
		return false, pagingError(page, fmt.Errorf("page %d holds %s but no \"pagination\": the API does not say whether more follow", page, full))
	}
	return false, pagingError(page, fmt.Errorf("page %d holds %s but its \"pagination\" has neither a next_page nor has_more: false: the API does not say whether more follow", page, full))
}

// held is how many items the answer held.
func (p Page[T]) held() int { return max(p.Sent, len(p.Items)) }

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
