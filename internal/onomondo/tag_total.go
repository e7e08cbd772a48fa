package onomondo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onomondo/terraform-provider-onomondo/internal/bytesize"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// TagTotal is the answer of GET /usage/tag-total/{tag_id}.
//
// No public source shows this endpoint's body, so it is decoded leniently:
// a number under one of TotalKeys, or a "usage" list of records whose bytes
// are summed, following its pagination through every page like a usage
// read (a record repeated at a page boundary counted once). Raw always
// holds the first answer unchanged.
//
// Two readings are decided here:
//
//   - A "unit" member beside the number says what it counts. "B", "byte"
//     and "bytes" are bytes; kB/KB, MB, GB, TB, PB, EB are powers of 1000
//     and KiB, MiB, GiB, TiB, PiB, EiB powers of 1024, as parse_bytes reads
//     them (internal/bytesize): Onomondo's own byte counts of limits set in
//     MB are round powers of ten (a 10 MB limit is "total": 10000000). A
//     unit in neither list (bits, "%", a typo) is an error: the number is
//     never taken for bytes.
//   - Beside a "usage" list, "total" equal to the list's length or to the
//     answer's "count" is a count of records (as in the offset-paged
//     answers of /sims and /tags), not bytes: the list is summed.
type TagTotal struct {
	Bytes int64
	Found bool   // false when the answer held no total in a known shape
	From  string // where the total came from: a key, or "usage[]"
	Pages int    // answers read (more than 1 only for a paged "usage" list)
	Raw   jsontext.Value
}

// TotalKeys are the keys, in order of preference, that may hold a tag's
// total bytes as a number.
var TotalKeys = []string{"total_bytes", "bytes", "total", "usage"}

// maxTagTotalBody bounds the tag total answer kept in memory and in state.
const maxTagTotalBody = 8 << 20

// GetTagTotal reads the total usage of every SIM carrying a tag.
func (c *Client) GetTagTotal(ctx context.Context, tagID string) (TagTotal, error) {
	path := "/usage/tag-total/" + url.PathEscape(tagID)
	resource := "tag " + strconv.Quote(tagID)
	dec := c.pageDecoder()
	defer dec.release()

	var out TagTotal
	listed := false
	fetch := func(ctx context.Context, at Position, _ int, page int) (Page[Record], error) {
		r := request{path: path, resource: resource, page: page}
		if at.Cursor != "" {
			r.query = "next_page=" + escapeValue(at.Cursor)
		}
		var p Page[Record]
		err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
			if page > 1 {
				var err error
				p, err = dec.decode(body, maxPageRecords)
				return err
			}
			raw, err := readJSONBody(body, maxTagTotalBody)
			if err != nil {
				return err
			}
			out, p, listed, err = decodeTagTotal(raw, dec)
			return err
		})
		return p, err
	}
	var sum int64
	var seen boundary
	visit := func(page int, recs []Record) (int, error) {
		recs, err := seen.next(ctx, c.log, page, recs)
		if err != nil {
			return 0, err
		}
		for i := range recs {
			if sum+recs[i].Bytes.Value < sum {
				return 0, errors.New(`the "usage" records' bytes overflow a 64-bit total`)
			}
			sum += recs[i].Bytes.Value
		}
		return len(recs), nil
	}
	res, err := paginate(ctx, "", 0, 0, maxReadPages, fetch, visit)
	fail := func(err error) error {
		var e *Error
		if errors.As(err, &e) {
			if e.Endpoint == "" {
				e.Method, e.Endpoint, e.Resource = http.MethodGet, path, resource
			}
			return c.redact.seal(e)
		}
		return c.redact.seal(&Error{Kind: KindDecode, Method: http.MethodGet, Endpoint: path, Resource: resource, Page: res.Pages, Err: err})
	}
	if err != nil {
		return TagTotal{}, fail(err)
	}
	out.Pages = res.Pages
	if listed {
		if out.Found && out.Bytes != sum {
			return TagTotal{}, fail(fmt.Errorf("%q says %d bytes but the \"usage\" records add up to %d: the total is ambiguous", out.From, out.Bytes, sum))
		}
		out.Bytes, out.Found, out.From = sum, true, "usage[]"
	}
	return out, nil
}

// DecodeTagTotal decodes one tag total answer leniently; see TagTotal. A
// "usage" list is summed as far as this answer goes (GetTagTotal follows
// its pages).
//
// It refuses, rather than guesses: a body that is not a JSON object, a
// candidate key holding something other than a whole non-negative number
// (or, for "usage", a list of records), and candidate keys that disagree.
func DecodeTagTotal(raw []byte) (TagTotal, error) {
	out, p, listed, err := decodeTagTotal(raw, newPageDecoder())
	if err != nil || !listed {
		return out, err
	}
	var sum int64
	for _, r := range p.Items {
		if sum+r.Bytes.Value < sum {
			return TagTotal{}, errors.New(`the "usage" records' bytes overflow a 64-bit total`)
		}
		sum += r.Bytes.Value
	}
	if out.Found && out.Bytes != sum {
		return TagTotal{}, fmt.Errorf("%q says %d bytes but the \"usage\" records add up to %d: the total is ambiguous", out.From, out.Bytes, sum)
	}
	out.Bytes, out.Found, out.From, out.Pages = sum, true, "usage[]", 1
	return out, nil
}

// decodeTagTotal reads the numeric candidates of one answer into a
// TagTotal and, when "usage" is a list, decodes the whole answer as a usage
// page (its records and pagination) with dec.
func decodeTagTotal(raw []byte, dec *pageDecoder) (out TagTotal, p Page[Record], listed bool, err error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return out, p, false, errors.New("the body is empty")
	}
	var obj map[string]jsontext.Value
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		return out, p, false, fmt.Errorf("the body is not a JSON object: %v", describeJSONError(err))
	}
	if obj == nil {
		return out, p, false, errors.New("the body is JSON null, not an object")
	}
	unit, err := totalUnit(obj["unit"], dec.redact)
	if err != nil {
		return TagTotal{}, p, false, err
	}
	answer := string(trimmed) // the answer as sent, kept for the user: the key taken out
	dec.redact.values(&answer)
	out.Raw = jsontext.Value(answer)
	out.Pages = 1
	if v := obj["usage"]; v.Kind() == '[' {
		if p, err = dec.decode(bytes.NewReader(trimmed), maxPageRecords); err != nil {
			return TagTotal{}, p, false, fmt.Errorf("the \"usage\" list is not a list of usage records: %v", err)
		}
		listed = true
	}
	for _, key := range TotalKeys {
		v, ok := obj[key]
		if !ok || v.Kind() == 'n' || (key == "usage" && listed) {
			continue
		}
		if v.Kind() == '[' {
			return TagTotal{}, p, false, fmt.Errorf("%q is a list, expected a number", key)
		}
		if key == "total" && listed && countsRecords(v, obj["count"], len(p.Items)) {
			continue // a count of the listed records, not bytes
		}
		n, err := totalBytes(v, unit, dec.redact)
		if err != nil {
			return TagTotal{}, p, false, fmt.Errorf("%q: %v", key, err)
		}
		if out.Found && n != out.Bytes {
			return TagTotal{}, p, false, fmt.Errorf("%q says %d bytes but %q says %d: the total is ambiguous", out.From, out.Bytes, key, n)
		}
		if !out.Found {
			out.Bytes, out.Found, out.From = n, true, key
		}
	}
	return out, p, listed, nil
}

// totalUnit reads the "unit" member of a tag total: "" for bytes (absent,
// null, "B", "byte" or "bytes"), else the unit as written.
func totalUnit(v jsontext.Value, r redactor) (string, error) {
	if v == nil || v.Kind() == 'n' {
		return "", nil
	}
	var u string
	if v.Kind() != '"' || json.Unmarshal(v, &u) != nil {
		return "", fmt.Errorf("\"unit\" is %s, expected a unit such as \"B\" or \"MB\"", r.cut(string(v), 40))
	}
	switch u = strings.TrimSpace(u); {
	case u == "B", strings.EqualFold(u, "byte"), strings.EqualFold(u, "bytes"):
		return "", nil
	}
	if _, err := bytesize.Parse("1 " + u); err != nil {
		return "", fmt.Errorf("\"unit\" %s is not a unit of bytes the provider knows (B, kB, MB, GB, TB, PB, EB or KiB, MiB, GiB, TiB, PiB, EiB): the total is refused rather than guessed", strconv.Quote(r.cut(u, 40)))
	}
	return u, nil
}

// totalBytes reads a total in unit ("" for bytes): a whole number of bytes
// by ParseByteCount's rules, or, with a unit, a decimal number (a JSON
// number or a string of one) as bytesize.Parse reads it with that unit.
func totalBytes(v jsontext.Value, unit string, r redactor) (int64, error) {
	if unit == "" {
		n, err := ParseByteCount(v)
		var bce *byteCountError
		if errors.As(err, &bce) {
			return 0, errors.New(bce.message(r))
		}
		return n.Value, err
	}
	text := string(v)
	if v.Kind() == '"' {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return 0, fmt.Errorf("%s is not a number", r.cut(text, 40))
		}
		text = s
	} else if v.Kind() != '0' {
		return 0, fmt.Errorf("%s is a JSON %s, expected a number", r.cut(text, 40), kindName(v.Kind()))
	}
	n, err := bytesize.Parse(text + " " + unit)
	if err != nil {
		return 0, fmt.Errorf("%s %s is not a whole number of bytes: %v", r.cut(text, 40), strconv.Quote(unit), err)
	}
	return n, nil
}

// countsRecords reports whether total, beside a "usage" list of n records,
// is a count of records: it equals n, or the answer's "count".
func countsRecords(total, count jsontext.Value, n int) bool {
	t, err := ParseByteCount(total)
	if err != nil || !t.Present() {
		return false
	}
	if t.Value == int64(n) {
		return true
	}
	c, err := ParseByteCount(count)
	return count != nil && err == nil && c.Present() && c.Value == t.Value
}
