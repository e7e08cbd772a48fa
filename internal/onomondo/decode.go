package onomondo

// Decoding the API's answers.
//
// Every answer is decoded with github.com/go-json-experiment/json, the
// module that mirrors Go 1.27's encoding/json/v2 ("encoding/json/v2" and
// "encoding/json/jsontext" in the standard library). When go.mod moves to
// Go 1.27 only the import paths change: the API is the same.
//
// A usage page is streamed: its jsontext.Decoder reads the body as it
// arrives, and each record is unmarshaled on its own into a reused Record,
// so a page never exists twice in memory and a bad record is named by its
// position.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// maxPageBody bounds one page's body. A page of 1000 records is about
// 300 KiB; anything near this size is not a usage page. (A variable only so
// that a test can lower it.)
var maxPageBody int64 = 64 << 20

// pageTooLargeError stops reading a body that cannot be a usage page.
type pageTooLargeError struct{ limit int64 }

func (e *pageTooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %d MiB, far more than a page of %d records", e.limit>>20, MaxPageSize)
}

func isPageTooLarge(err error) bool {
	var e *pageTooLargeError
	return errors.As(err, &e)
}

// errTooManyRecords stops a page that holds more records than it may.
var errTooManyRecords = errors.New("the page holds more records than it may")

// errEmptyBody is a body with nothing in it (or only white space).
var errEmptyBody = errors.New("the body is empty")

// maxPageRecords bounds the records of one page a read accepts: ten times
// the most the API sends in one answer (MaxPageSize). A server may send
// more than the limit asked for, and such a page is read (see ReadUsage);
// one this large is not a page of the API.
const maxPageRecords = 10 * MaxPageSize

// pageOptions are the options of a usage page's decoder: invalid UTF-8 in
// a string becomes U+FFFD (as in SIM answers: a label or an operator name
// is no reason to lose a total), and ids sent as JSON numbers are read as
// text (idAsText).
var pageOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), json.WithUnmarshalers(json.UnmarshalFromFunc(idAsText)))

// pageDecoder decodes usage pages. It keeps its jsontext.Decoder (its
// buffer and its cache of repeated strings: SIM ids, ICCIDs, countries) and
// its record slice from page to page, and is pooled between reads.
type pageDecoder struct {
	dec     jsontext.Decoder
	records []Record
	max     int // records this page may hold
	seed    maphash.Seed
	redact  redactor // takes the API key out of the records and of values quoted in errors
}

var pageDecoderPool = sync.Pool{New: func() any { return newPageDecoder() }}

// pageDecoder takes a decoder from the pool for a read with c.
func (c *Client) pageDecoder() *pageDecoder {
	d, ok := pageDecoderPool.Get().(*pageDecoder)
	if !ok {
		d = newPageDecoder()
	}
	d.redact = c.redact
	return d
}

func newPageDecoder() *pageDecoder { return &pageDecoder{seed: maphash.MakeSeed()} }

// maxKeptRecords bounds the record slice a pooled decoder keeps.
const maxKeptRecords = 4 * MaxPageSize

// release returns d to the pool.
func (d *pageDecoder) release() {
	d.redact = redactor{}
	if cap(d.records) > maxKeptRecords {
		d.records = nil
	}
	d.dec.Reset(bytes.NewReader(nil)) // drop the body
	pageDecoderPool.Put(d)
}

// DecodeUsagePage decodes one usage page from r with the rules of the
// client's reads, with a pooled decoder as a read uses. Exported for tests,
// benchmarks and fuzzing.
func DecodeUsagePage(r io.Reader) (Page[Record], error) {
	d, ok := pageDecoderPool.Get().(*pageDecoder)
	if !ok {
		d = newPageDecoder()
	}
	defer d.release()
	p, err := d.decode(r, MaxPageSize)
	p.Items = slices.Clone(p.Items) // the pooled decoder's slice is reused
	return p, err
}

// decode reads one usage page from body. The returned items alias the
// decoder's record slice and are valid until the next call.
//
// The page must be a JSON object; "usage" (a list of records, or null) and
// "pagination" are read, any other key is skipped, and a key that repeats
// is an error. A record must be an object with "bytes" (see ByteCount); a
// record that is null, or whose bytes are absent or null, is an error that
// names its position: counting it as 0 would be a silently wrong total.
// country_code is lower-cased, as the filter and the docs use it. A page
// holding more than maxRecords records is refused as soon as the record
// after the last allowed one starts, so a runaway answer costs neither time
// nor memory.
func (d *pageDecoder) decode(body io.Reader, maxRecords int) (Page[Record], error) {
	d.dec.Reset(&capReader{r: body, limit: maxPageBody}, pageOptions)
	if want := min(maxRecords, MaxPageSize); cap(d.records) < want {
		d.records = make([]Record, 0, want) // once: growing would copy every record
	}
	d.records = d.records[:0]
	d.max = maxRecords
	p, err := d.page()
	if err != nil {
		return Page[Record]{}, describeJSONError(err)
	}
	return p, nil
}

func (d *pageDecoder) page() (Page[Record], error) {
	dec := &d.dec
	var p Page[Record]
	tok, err := dec.ReadToken()
	if err != nil {
		return p, err
	}
	if tok.Kind() != '{' {
		return p, fmt.Errorf("the body is a JSON %s, expected an object", kindName(tok.Kind()))
	}
	sawUsage, sawPagination := false, false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return p, err
		}
		switch name.String() {
		case "usage":
			sawUsage = true
			if err := d.readRecords(); err != nil {
				return p, err
			}
		case "pagination":
			sawPagination = true
			if err := readPagination(dec, &p); err != nil {
				return p, err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return p, err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing '}'
		return p, err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		if err == nil || isSyntax(err) {
			return p, fmt.Errorf("unexpected data after the JSON object, at byte %d", dec.InputOffset())
		}
		return p, err // the body broke off
	}
	if !sawUsage && !sawPagination {
		return p, errors.New(`the JSON object has neither a "usage" list nor "pagination"`)
	}
	p.Items = d.records
	p.Pagination = sawPagination
	p.Digest = d.digest()
	return p, nil
}

// readRecords reads the value of "usage" into d.records.
func (d *pageDecoder) readRecords() error {
	dec := &d.dec
	switch k := dec.PeekKind(); k {
	case 'n':
		_, err := dec.ReadToken()
		return err
	case '[':
	default:
		return fmt.Errorf(`"usage" is a JSON %s, expected a list of records`, kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		pos := len(d.records) + 1
		switch k := dec.PeekKind(); k {
		case '{':
		case 'n':
			return fmt.Errorf("record %d of the page is null instead of a usage record", pos)
		case 0: // an error: ReadToken reports it
			_, err := dec.ReadToken()
			return err
		default:
			return fmt.Errorf("record %d of the page is a JSON %s, expected an object", pos, kindName(k))
		}
		if len(d.records) >= d.max {
			return errTooManyRecords
		}
		d.records = append(d.records, Record{})
		r := &d.records[len(d.records)-1]
		if err := json.UnmarshalDecode(dec, r); err != nil {
			var bce *byteCountError
			if errors.As(err, &bce) {
				return fmt.Errorf(`record %d of the page: "bytes" %s`, pos, bce.message(d.redact))
			}
			var ve *valueError
			if errors.As(err, &ve) {
				return fmt.Errorf(`record %d of the page: %q %s`, pos, ve.field, ve.message(d.redact))
			}
			if isIOorSyntax(err) {
				return err
			}
			return fmt.Errorf("record %d of the page: %v", pos, trimJSONPrefix(err))
		}
		d.redact.record(r)
		switch {
		case r.Bytes.Null():
			return fmt.Errorf(`record %d of the page has "bytes": null instead of a number of bytes`, pos)
		case !r.Bytes.Present():
			return fmt.Errorf(`record %d of the page has no "bytes"`, pos)
		}
		r.CountryCode = lowerASCII(r.CountryCode)
	}
	_, err := dec.ReadToken() // the closing ']'
	return err
}

// pagination is the JSON shape of a page's "pagination". The evidence shows
// {"has_more": true, "next_page": "..."} and {"has_more": false}; each key
// may be absent, and an absent, null or empty next_page all mean none.
type pagination struct {
	HasMore  *bool   `json:"has_more"`
	NextPage *string `json:"next_page"`
}

func readPagination(dec *jsontext.Decoder, p *Page[Record]) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	var pg pagination
	if err := json.UnmarshalDecode(dec, &pg); err != nil {
		if isIOorSyntax(err) {
			return err
		}
		return fmt.Errorf(`"pagination": %v`, trimJSONPrefix(err))
	}
	if pg.HasMore != nil {
		p.HasMore = *pg.HasMore
		p.HasMoreSet = true
	}
	if pg.NextPage != nil {
		p.Next = *pg.NextPage
	}
	return nil
}

// digest is a hash of the page's records, by value, so the paging loop can
// tell a page that repeats an earlier one (fresh cursors, same records) in
// memory that grows with the pages, not the records. An empty page has
// digest 0.
func (d *pageDecoder) digest() uint64 {
	if len(d.records) == 0 {
		return 0
	}
	var h maphash.Hash
	h.SetSeed(d.seed)
	var n [8]byte
	for i := range d.records {
		r := &d.records[i]
		for _, s := range [...]string{r.Time, r.BillID, r.SimID, r.ICCID, r.SessionID, r.CountryCode, r.NetworkType, r.Network.MCC, r.Network.MNC} {
			_, _ = h.WriteString(s)
			_ = h.WriteByte(0)
		}
		binary.LittleEndian.PutUint64(n[:], uint64(r.Bytes.Value))
		_, _ = h.Write(n[:])
	}
	return h.Sum64() | 1 // never 0
}

// lowerASCII lower-cases s without allocating when it has no upper case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// capReader reads at most limit bytes, then fails with a pageTooLargeError.
type capReader struct {
	r     io.Reader
	limit int64
	read  int64
}

func (c *capReader) Read(p []byte) (int, error) {
	left := c.limit - c.read
	if left <= 0 {
		return 0, &pageTooLargeError{limit: c.limit}
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// isIOorSyntax reports whether err is a syntax error or a read error, which
// describeJSONError words for the whole body rather than for a record.
func isIOorSyntax(err error) bool {
	return isSyntax(err) || errors.Is(err, io.ErrUnexpectedEOF) || isPageTooLarge(err) || !isSemantic(err)
}

func isSyntax(err error) bool {
	var syn *jsontext.SyntacticError
	return errors.As(err, &syn)
}

func isSemantic(err error) bool {
	var sem *json.SemanticError
	return errors.As(err, &sem)
}

// describeJSONError words a decoding error for a user.
func describeJSONError(err error) error {
	var syn *jsontext.SyntacticError
	switch {
	case isPageTooLarge(err):
		var e *pageTooLargeError
		errors.As(err, &e)
		return e
	case errors.Is(err, errTooManyRecords):
		return errTooManyRecords
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON ends early (truncated)")
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d: %v", syn.ByteOffset, trimJSONPrefix(syn.Err))
	}
	return trimJSONPrefix(err)
}

// trimJSONPrefix drops the library's "json: " / "jsontext: " prefix.
func trimJSONPrefix(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, p := range []string{"json: ", "jsontext: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
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
