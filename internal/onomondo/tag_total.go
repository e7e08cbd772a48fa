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

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// TagTotal is the answer of GET /usage/tag-total/{tag_id}.
//
// No public source shows this endpoint's body, so it is decoded leniently:
// a number under one of TotalKeys, or a "usage" list of records whose bytes
// are summed, following its pagination through every page like a usage
// read. Raw always holds the first answer unchanged.
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
				p, err = dec.decode(body, MaxPageSize)
				return err
			}
			raw, err := io.ReadAll(io.LimitReader(body, maxTagTotalBody+1))
			if err != nil {
				return err
			}
			if len(raw) > maxTagTotalBody {
				return fmt.Errorf("the answer is larger than %d MiB", maxTagTotalBody>>20)
			}
			out, p, listed, err = decodeTagTotal(raw, dec)
			return err
		})
		return p, err
	}
	var sum int64
	visit := func(recs []Record) error {
		for i := range recs {
			if sum+recs[i].Bytes.Value < sum {
				return errors.New(`the "usage" records' bytes overflow a 64-bit total`)
			}
			sum += recs[i].Bytes.Value
		}
		return nil
	}
	res, err := paginate(ctx, "", 0, 0, fetch, visit)
	fail := func(err error) error {
		var e *Error
		if errors.As(err, &e) {
			if e.Endpoint == "" {
				e.Method, e.Endpoint, e.Resource = http.MethodGet, path, resource
			}
			return e
		}
		return &Error{Kind: KindDecode, Method: http.MethodGet, Endpoint: path, Resource: resource, Page: res.Pages, Err: err}
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
	out.Raw = jsontext.Value(bytes.Clone(trimmed))
	out.Pages = 1
	for _, key := range TotalKeys {
		v, ok := obj[key]
		if !ok || v.Kind() == 'n' {
			continue
		}
		if v.Kind() == '[' {
			if key != "usage" {
				return TagTotal{}, p, false, fmt.Errorf("%q is a list, expected a number", key)
			}
			if p, err = dec.decode(bytes.NewReader(trimmed), MaxPageSize); err != nil {
				return TagTotal{}, p, false, fmt.Errorf("the \"usage\" list is not a list of usage records: %v", err)
			}
			listed = true
			continue
		}
		n, err := ParseByteCount(v)
		var bce *byteCountError
		if errors.As(err, &bce) {
			return TagTotal{}, p, false, fmt.Errorf("%q: %s", key, bce.message(dec.secret))
		}
		if err != nil {
			return TagTotal{}, p, false, fmt.Errorf("%q: %v", key, err)
		}
		if out.Found && n.Value != out.Bytes {
			return TagTotal{}, p, false, fmt.Errorf("%q says %d bytes but %q says %d: the total is ambiguous", out.From, out.Bytes, key, n.Value)
		}
		if !out.Found {
			out.Bytes, out.Found, out.From = n.Value, true, key
		}
	}
	return out, p, listed, nil
}
