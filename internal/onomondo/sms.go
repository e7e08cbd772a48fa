package onomondo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// GET /sms/usage/ and GET /sms/usage/{sim_id}: the SMS log, one day at a
// time (timestamp=YYYY-MM-DD), offset paged (limit, offset) over a list
// that grows while it is read. The package documentation (doc.go) sums up
// what Onomondo's SMS page shows; the answer:
//
//	{"data": [{"time", "sim_id", "iccid", "direction", "status",
//	           "retries_left", "id", "session_id", "network": {"mcc", "mnc"}}],
//	 "pagination": {"count", "limit", "offset", "total"}}
//
// Why a day is read the way it is (ReadSMSDay):
//
//   - The API's default order is DESC, newest first. A message that arrives
//     during a read then takes offset 0 and pushes every message one offset
//     on: the next page repeats a message, and with a deletion one is
//     skipped. The client asks for order=ASC, oldest first: new messages
//     join the end of the list, and the offsets already read keep their
//     messages.
//   - Each message id is counted once: an id seen before in the same day's
//     read is skipped (a message came twice because offsets moved); the
//     same id with other content is a message that changed under the read.
//   - pagination.total may only grow from page to page (messages arrive);
//     when it falls, messages were deleted, offsets moved back and one may
//     have been skipped. When the read ends, the distinct messages read must
//     be exactly the last page's total: fewer means a message arrived at an
//     offset already read (out of time order) and was skipped.
//   - Cursor paging (pagination.has_more and next_page, which the SMS docs
//     do not show but the usage endpoints use) does not move under new
//     messages: a repeat there is skipped and the read goes on.
//   - A message without an id cannot be told from a repeat: when offsets
//     move, it may come twice and be counted twice, while the message that
//     moved it in is missed, and the count still matches the total. So it
//     is counted only when the read of its day saw no offset move: the same
//     pagination.total on every page (and, as always, as many distinct
//     messages as the total). Otherwise the day is read again; and when the
//     answers carry no total at all (cursor paging included), nothing could
//     show a move, so such a day is an error.
//
// A day whose read breaks one of these rules is read again from its start
// (the caller's restart drops what it had of the day), at most
// maxSMSDayReads times in all; then the read fails with the reason. It is
// never passed on partially: the caller counts a day once ReadSMSDay
// returns nil.

// SMS is one message of the SMS log. Every field is optional: a string the
// API left out or sent as null is "", retries_left left out or null is
// nil. The content of messages is not returned by the API.
type SMS struct {
	// Time is RFC 3339 in UTC (the API's milliseconds dropped, as for the
	// SIM times) when it could be read, else as sent.
	Time string
	// At is the exact time, zero when it was absent or could not be read.
	At          time.Time
	SimID       string
	ICCID       string
	Direction   string // "incoming" or "outgoing", as sent
	Status      string // such as "success", as sent
	RetriesLeft *int64
	ID          string
	SessionID   string
	MCC, MNC    string // strings: "06" keeps its zero
}

// SMSQuery is the read of one day of SMS usage.
type SMSQuery struct {
	// SIM selects GET /sms/usage/{SIM}, a 9-digit SIM id; "" reads
	// GET /sms/usage/, every SIM of the organisation.
	SIM string
	// Day is the UTC day, YYYY-MM-DD, sent as timestamp.
	Day string
}

// SMSDayResult sums up the read of one day.
type SMSDayResult struct {
	Pages    int   // pages of the read that counted
	Requests int   // pages requested, every read of the day included
	Messages int64 // messages passed on, each once
	Repeats  int64 // messages that came again (same id, same content) and were skipped
	Rereads  int   // times the day was read again from its start
	// Total is the last page's pagination.total, -1 when the API sent none.
	Total int64
	// OutsideDay counts the messages whose time lies outside the UTC day
	// asked for, by at most SMSDaySlack (the API may apply timestamp in
	// another time zone); FirstOutside is the first of them, only its ID
	// (quoted, redacted and shortened, for a message) and its time.
	OutsideDay   int
	FirstOutside SMS
	// UnreadTimes counts the messages whose time was absent or in no known
	// form.
	UnreadTimes int
}

// SMSDaySlack is how far outside the UTC day asked for a message may lie
// and still be read as the API's own day in another time zone (UTC-12 to
// UTC+14). A message further out is an error: the API did not apply
// timestamp.
const SMSDaySlack = 14 * time.Hour

// maxSMSDayReads bounds the reads of one day: the first and two more.
const maxSMSDayReads = 3

// maxSMSDayPages bounds the pages of one read of one day (a million
// messages a day at 1000 a page is 1000 pages). A variable for its test.
var maxSMSDayPages = 5000

// maxSMSBody bounds one answer: a page of 1000 messages is about 400 KiB.
const maxSMSBody = 64 << 20

// errDayMoved is a read of a day that the list's changes made inexact: the
// day is read again.
type errDayMoved struct{ reason string }

func (e *errDayMoved) Error() string { return e.reason }

// ReadSMSDay reads every message of one day, oldest first, and hands each
// page's new messages to visit (a slice visit may keep). When the day must
// be read again (see the rules above), restart is called first, and the
// day's messages come again from the start: the caller drops what visit
// had of the day. On error nothing of the day may be counted.
func (c *Client) ReadSMSDay(ctx context.Context, q SMSQuery, visit func(msgs []SMS) error, restart func()) (SMSDayResult, error) {
	day, err := time.Parse(time.DateOnly, q.Day)
	if err != nil {
		return SMSDayResult{}, fmt.Errorf("day %q is not YYYY-MM-DD", q.Day)
	}
	var res SMSDayResult
	for read := 1; ; read++ {
		r := smsDayRead{c: c, q: q, from: day, seen: map[uint64]uint64{}}
		pages, err := r.run(ctx, visit)
		res.Requests += r.requests
		var moved *errDayMoved
		if errors.As(err, &moved) {
			if read < maxSMSDayReads {
				c.log.Info(ctx, "Onomondo API: reading the SMS of "+q.Day+" again ("+moved.reason+")", map[string]any{"path": r.last.path, "read": read})
				res.Rereads++
				restart()
				continue
			}
			return res, c.redact.seal(pagingErrorAt(r.last, fmt.Errorf("%s. The day was read %d times and changed under every read, so it cannot be counted exactly", moved.reason, read)))
		}
		if err != nil {
			return res, c.redact.seal(err)
		}
		res.Pages, res.Messages, res.Repeats, res.Total = pages, r.counted, r.repeats, r.total
		res.OutsideDay, res.FirstOutside, res.UnreadTimes = r.outside, r.firstOutside, r.unread
		return res, nil
	}
}

// smsDayRead is one read of one day.
type smsDayRead struct {
	c    *Client
	q    SMSQuery
	from time.Time // start of the UTC day
	// seen maps a hash of each message id read to a hash of its content:
	// two 64-bit numbers per message of the day, dropped with the read.
	seen     map[uint64]uint64
	idless   int64
	repeats  int64
	counted  int64
	total    int64 // the latest page's total; -1 without one
	moved    bool  // the total changed between two pages
	noTotal  bool  // a page came without a total
	cursor   bool  // the answers paged by cursor
	requests int
	last     request

	outside      int
	firstOutside SMS
	unread       int
}

// run reads the day once through the client's paging loop and checks the
// result against the last page's total.
func (r *smsDayRead) run(ctx context.Context, visit func([]SMS) error) (int, error) {
	r.total = -1
	res, err := paginate(ctx, "", MaxPageSize, 0, maxReadPages, r.fetch, func(_ int, msgs []SMS) (int, error) {
		return len(msgs), visit(msgs)
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Endpoint == "" {
			e.Method, e.Endpoint = http.MethodGet, r.last.endpoint()
		}
		return res.Pages, err
	}
	distinct := int64(len(r.seen)) + r.idless
	switch {
	case r.idless > 0 && r.noTotal:
		return res.Pages, pagingErrorAt(r.last, fmt.Errorf("%d message(s) of %s have no id and the answers give no pagination.total, so nothing shows whether offsets moved and one of them was read twice", r.idless, r.q.Day))
	case r.idless > 0 && r.moved:
		// (A message with an id that came twice while the total stayed
		// the same leaves the count below the total: the next case.)
		return res.Pages, &errDayMoved{fmt.Sprintf("offsets moved during the read (pagination.total changed) and %d message(s) have no id, so one of them may have been read twice", r.idless)}
	case r.total >= 0 && distinct < r.total:
		return res.Pages, &errDayMoved{fmt.Sprintf("%d distinct messages were read but the last page's pagination.total says %d: a message arrived at an offset already read (not at the end of the list) and was skipped", distinct, r.total)}
	case r.noTotal && r.repeats > 0 && !r.cursor:
		return res.Pages, &errDayMoved{fmt.Sprintf("%d message(s) came twice because offsets moved during the read, and the answers give no pagination.total to prove that none was skipped", r.repeats)}
	}
	return res.Pages, nil
}

// fetch requests one page and keeps the messages not read before.
func (r *smsDayRead) fetch(ctx context.Context, at Position, limit, page int) (Page[SMS], error) {
	if page > maxSMSDayPages {
		return Page[SMS]{}, pagingErrorAt(r.last, fmt.Errorf("the read of %s reached %d pages without an end", r.q.Day, maxSMSDayPages))
	}
	rq := request{path: r.q.path(), query: r.q.encode(at, limit), resource: r.q.resource(), page: page}
	r.last = rq
	r.requests++
	var ans smsPage
	var pageChecks dayChecks
	err := r.c.do(ctx, rq, func(_ int, _ http.Header, body io.Reader) error {
		data, err := readJSONBody(body, maxSMSBody)
		if err != nil {
			return err
		}
		if ans, err = decodeSMSPage(data, r.c.apiKey); err != nil {
			return err
		}
		// Set here and only counted once the request is done: a retried
		// attempt decodes and checks its page afresh.
		pageChecks, err = r.check(ans.msgs)
		return err
	})
	if err != nil {
		return Page[SMS]{}, err
	}
	if r.outside == 0 && pageChecks.outside > 0 {
		r.firstOutside = pageChecks.first
	}
	r.outside += pageChecks.outside
	r.unread += pageChecks.unread
	if len(ans.msgs) > limit {
		return Page[SMS]{}, pagingErrorAt(rq, fmt.Errorf("page %d held %d messages, more than the %d asked for", page, len(ans.msgs), limit))
	}
	p := Page[SMS]{HasMore: ans.hasMore, HasMoreSet: ans.hasMoreSet, Next: ans.next, Pagination: ans.cursor, Sent: len(ans.msgs)}
	r.cursor = ans.cursor
	if ans.total != nil {
		if r.total >= 0 && *ans.total < r.total {
			return p, &errDayMoved{fmt.Sprintf("pagination.total fell from %d to %d on page %d: messages were deleted during the read, so later offsets moved back and one may have been skipped", r.total, *ans.total, page)}
		}
		r.moved = r.moved || (r.total >= 0 && *ans.total != r.total)
		r.total = *ans.total
	} else {
		r.noTotal = true
	}
	if !ans.cursor {
		p.ByOffset = true
		if p.HasMore, p.NextOffset, err = offsetPage(at, limit, len(ans.msgs), ans.offset, ans.limit, ans.total); err != nil {
			return p, pagingErrorAt(rq, err)
		}
	}
	p.Items = make([]SMS, 0, len(ans.msgs))
	for _, m := range ans.msgs {
		if m.ID == "" {
			r.idless++
			p.Items = append(p.Items, m)
			continue
		}
		id, content := hashSMS(m)
		prev, ok := r.seen[id]
		switch {
		case !ok:
			r.seen[id] = content
			p.Items = append(p.Items, m)
		case prev == content:
			r.repeats++
		default:
			return p, &errDayMoved{fmt.Sprintf("message %s came again on page %d with other content (its status or retries changed during the read)", r.shown(m.ID), page)}
		}
	}
	if len(p.Items) == 0 && len(ans.msgs) > 0 {
		return p, pagingErrorAt(rq, fmt.Errorf("page %d (offset %d) holds only messages already read: the API does not seem to apply offset", page, at.Offset))
	}
	r.counted += int64(len(p.Items))
	return p, nil
}

// dayChecks counts what check found on one page.
type dayChecks struct {
	outside int // messages outside the UTC day, within SMSDaySlack
	first   SMS // the first of them
	unread  int // messages without a readable time
}

// check refuses a page whose messages are not what was asked for: another
// SIM than the path's, or a time further than SMSDaySlack outside the day.
// It counts the messages outside the UTC day but within the slack, and
// those without a readable time.
func (r *smsDayRead) check(msgs []SMS) (dayChecks, error) {
	var c dayChecks
	to := r.from.AddDate(0, 0, 1)
	for i, m := range msgs {
		switch {
		case r.q.SIM != "" && m.SimID != "" && m.SimID != r.q.SIM:
			return c, fmt.Errorf("message %d of the page (id %s) is of SIM %s, not of SIM %q asked for", i+1, r.shown(m.ID), r.shown(m.SimID), r.q.SIM)
		case m.At.IsZero():
			c.unread++
		case m.At.Before(r.from.Add(-SMSDaySlack)) || !m.At.Before(to.Add(SMSDaySlack)):
			return c, fmt.Errorf("message %d of the page (id %s) is from %s, more than %d hours outside the day %s asked for: the API did not apply timestamp", i+1, r.shown(m.ID), m.At.Format(time.RFC3339), int(SMSDaySlack.Hours()), r.q.Day)
		case m.At.Before(r.from) || !m.At.Before(to):
			if c.outside == 0 {
				c.first = SMS{ID: r.shown(m.ID), Time: m.At.Format(time.RFC3339Nano), At: m.At}
			}
			c.outside++
		}
	}
	return c, nil
}

// shown is a server string as a message quotes it: the API key redacted
// (a proxy may echo it anywhere), then shortened, then quoted.
func (r *smsDayRead) shown(s string) string {
	return strconv.Quote(r.c.redact.cut(s, 60))
}

// hashSMS returns a hash of m's id and one of its content.
func hashSMS(m SMS) (id, content uint64) {
	h := fnv.New64a()
	_, _ = io.WriteString(h, m.ID)
	id = h.Sum64()
	h.Reset()
	retries := "null"
	if m.RetriesLeft != nil {
		retries = strconv.FormatInt(*m.RetriesLeft, 10)
	}
	for _, s := range []string{m.Time, m.SimID, m.ICCID, m.Direction, m.Status, retries, m.SessionID, m.MCC, m.MNC} {
		_, _ = io.WriteString(h, s)
		_, _ = h.Write([]byte{0})
	}
	return id, h.Sum64()
}

func (q SMSQuery) path() string {
	return "/sms/usage/" + url.PathEscape(q.SIM)
}

func (q SMSQuery) resource() string {
	if q.SIM == "" {
		return "the SMS usage of this organisation"
	}
	return "SIM " + strconv.Quote(q.SIM)
}

// encode builds the query of one page: timestamp, order=ASC, limit, and
// the position (offset past the first page, or a cursor).
func (q SMSQuery) encode(at Position, limit int) string {
	s := "timestamp=" + url.QueryEscape(q.Day) + "&order=ASC&limit=" + strconv.Itoa(limit)
	switch {
	case at.Cursor != "":
		s += "&next_page=" + url.QueryEscape(at.Cursor)
	case at.Offset > 0:
		s += "&offset=" + strconv.FormatInt(at.Offset, 10)
	}
	return s
}

// smsPage is one decoded answer.
type smsPage struct {
	msgs                 []SMS
	offset, limit, total *int64 // offset paging; nil when absent
	cursor               bool   // the answer paged by cursor (has_more, next_page)
	hasMore, hasMoreSet  bool   // has_more, and whether the answer had it
	next                 string
}

type smsPagingJSON struct {
	Count    optCount `json:"count"`
	Limit    optCount `json:"limit"`
	Offset   optCount `json:"offset"`
	Total    optCount `json:"total"`
	HasMore  *bool    `json:"has_more"`
	NextPage *string  `json:"next_page"`
}

func (p *smsPagingJSON) byOffset() bool {
	return p.Count.v != nil || p.Limit.v != nil || p.Offset.v != nil || p.Total.v != nil
}

type smsPageJSON struct {
	Data          []smsJSON      `json:"data"`
	Pagination    *smsPagingJSON `json:"pagination"`
	smsPagingJSON `json:",inline"`
}

type smsJSON struct {
	Time        string `json:"time"`
	SimID       string `json:"sim_id"`
	ICCID       string `json:"iccid"`
	Direction   string `json:"direction"`
	Status      string `json:"status"`
	RetriesLeft optInt `json:"retries_left"`
	ID          string `json:"id"`
	SessionID   string `json:"session_id"`
	Network     *struct {
		MCC string `json:"mcc"`
		MNC string `json:"mnc"`
	} `json:"network"`
}

// decodeSMSPage decodes one answer, leniently as lenient.go describes. Its
// paging is what the answer shows: count/limit/offset/total (in
// "pagination", as documented, or at the top level) mean offset paging;
// has_more/next_page alone mean cursor paging; an answer with neither, or
// with "pagination" null or empty, is read on by offset until a page comes
// back empty. An object with no "data" list and no paging member is not an
// SMS page.
func decodeSMSPage(data []byte, secret string) (smsPage, error) {
	var j smsPageJSON
	if err := unmarshalLenient(data, &j, secret); err != nil {
		return smsPage{}, err
	}
	var p smsPage
	paging := &j.smsPagingJSON
	switch pg := j.Pagination; {
	case pg != nil && pg.byOffset():
		paging = pg
	case pg != nil && (pg.NextPage != nil || pg.HasMore != nil):
		p.cursor = true
		p.hasMore, p.hasMoreSet = pg.HasMore != nil && *pg.HasMore, pg.HasMore != nil
		if pg.NextPage != nil {
			p.next = *pg.NextPage
		}
	case j.Data == nil && pg == nil && !paging.byOffset():
		return smsPage{}, errors.New(`the JSON object has no "data" list and no "pagination"`)
	}
	if !p.cursor {
		p.offset, p.limit, p.total = paging.Offset.v, paging.Limit.v, paging.Total.v
	}
	p.msgs = make([]SMS, len(j.Data))
	r := newRedactor(secret)
	for i := range j.Data {
		p.msgs[i] = j.Data[i].sms()
		r.sms(&p.msgs[i])
	}
	return p, nil
}

func (j *smsJSON) sms() SMS {
	m := SMS{SimID: j.SimID, ICCID: j.ICCID, Direction: j.Direction, Status: j.Status, RetriesLeft: j.RetriesLeft.v, ID: j.ID, SessionID: j.SessionID}
	m.Time, _ = normalTime(j.Time, 0)
	m.At, _ = parseAPITime(j.Time) // zero when it cannot be read
	if j.Network != nil {
		m.MCC, m.MNC = j.Network.MCC, j.Network.MNC
	}
	return m
}

// optInt is a whole number that may be negative, absent or null (nil); a
// string of such a number is read as the number.
type optInt struct {
	v *int64
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (o *optInt) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	val, err := d.ReadValue()
	if err != nil {
		return err
	}
	text := string(val)
	switch val.Kind() {
	case 'n':
		o.v = nil
		return nil
	case '"':
		text = strings.Trim(text, `"`)
	case '0':
	default:
		return &valueError{text: string(val), what: "a JSON " + kindName(val.Kind()), expected: "a whole number"}
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return &valueError{text: string(val), what: "not a whole number", expected: "a whole number"}
	}
	o.v = &n
	return nil
}
