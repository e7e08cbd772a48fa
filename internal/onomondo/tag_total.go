package onomondo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// TagTotal is the answer of GET /usage/tag-total/{tag_id}.
//
// No public source shows this endpoint's body, so it is decoded leniently:
// a number under one of TotalKeys, or a "usage" list of records whose bytes
// are summed. Raw always holds the answer unchanged.
type TagTotal struct {
	Bytes int64
	Found bool   // false when the answer held no total in a known shape
	From  string // where the total came from: a key, or "usage[]"
	Raw   json.RawMessage
}

// TotalKeys are the keys, in order of preference, that may hold a tag's
// total bytes as a number.
var TotalKeys = []string{"total_bytes", "bytes", "total", "usage"}

// maxTagTotalBody bounds the tag total answer kept in memory and in state.
const maxTagTotalBody = 8 << 20

// GetTagTotal reads the total usage of every SIM carrying a tag.
func (c *Client) GetTagTotal(ctx context.Context, tagID string) (TagTotal, error) {
	r := request{path: "/usage/tag-total/" + url.PathEscape(tagID), resource: "tag " + strconv.Quote(tagID)}
	var out TagTotal
	err := c.do(ctx, r, func(_ int, _ http.Header, body io.Reader) error {
		raw, err := io.ReadAll(io.LimitReader(body, maxTagTotalBody+1))
		if err != nil {
			return err
		}
		if len(raw) > maxTagTotalBody {
			return fmt.Errorf("the answer is larger than %d MiB", maxTagTotalBody>>20)
		}
		out, err = DecodeTagTotal(raw)
		return err
	})
	return out, err
}

// DecodeTagTotal decodes a tag total answer leniently; see TagTotal.
//
// It refuses, rather than guesses: a body that is not a JSON object, a
// candidate key holding something other than a whole non-negative number
// or a list of records, and candidate keys that disagree.
func DecodeTagTotal(raw []byte) (TagTotal, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return TagTotal{}, errors.New("the body is empty")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		return TagTotal{}, fmt.Errorf("the body is not a JSON object: %v", describeJSONError(err))
	}
	if obj == nil {
		return TagTotal{}, errors.New("the body is JSON null, not an object")
	}
	out := TagTotal{Raw: json.RawMessage(append([]byte(nil), trimmed...))}
	for _, key := range TotalKeys {
		v, ok := obj[key]
		if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			continue
		}
		n, from, err := totalFrom(key, v)
		if err != nil {
			return TagTotal{}, err
		}
		if out.Found && n != out.Bytes {
			return TagTotal{}, fmt.Errorf("%q says %d bytes but %q says %d: the total is ambiguous", out.From, out.Bytes, from, n)
		}
		if !out.Found {
			out.Bytes, out.Found, out.From = n, true, from
		}
	}
	return out, nil
}

func totalFrom(key string, v json.RawMessage) (int64, string, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		if key != "usage" {
			return 0, "", fmt.Errorf("%q is a list, expected a number", key)
		}
		var recs []Record
		if err := json.Unmarshal(v, &recs); err != nil {
			return 0, "", fmt.Errorf("the \"usage\" list is not a list of usage records: %v", describeJSONError(err))
		}
		var sum int64
		for _, r := range recs {
			if r.Bytes.Valid {
				if sum+r.Bytes.Value < sum {
					return 0, "", errors.New("the \"usage\" records' bytes overflow a 64-bit total")
				}
				sum += r.Bytes.Value
			}
		}
		return sum, "usage[]", nil
	}
	var n OptInt64
	if err := n.UnmarshalJSON(v); err != nil {
		return 0, "", fmt.Errorf("%q: %v", key, relabel(err))
	}
	return n.Value, key, nil
}

// relabel rewords OptInt64's message, written for a record's "bytes", for
// another key.
func relabel(err error) error {
	return errors.New(string(bytes.ReplaceAll([]byte(err.Error()), []byte(`field "bytes" is`), []byte("the value is"))))
}
