package onomondo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below decode arbitrary bodies the way the client does and
// check the results against a reference decoder written in this file: it
// decodes the same JSON with encoding/json but works out each "bytes" value
// exactly from its decimal text, with no floating point. Seed corpora live in
// testdata/fuzz/<FuzzName>/; the f.Add seeds repeat the most important.

// fzSamplePage is the usage answer shown in the API notes.
const fzSamplePage = `{
  "usage": [
    {
      "time": "2020-02-03 07:49:13",
      "bill_id": "7c5f95c7-c0ff-352e-93e2-5370a6d37b42",
      "sim_id": "000002273",
      "iccid": "89457387300000022734",
      "session_id": "eff9c0b2-16b1-3eb3-aab2-692d7a2ec60e",
      "bytes": 1424843,
      "country_code": "dk",
      "network_type": "3G",
      "network": { "mcc": "238", "mnc": "66" }
    }
  ],
  "pagination": { "has_more": true, "next_page": "MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA==" }
}`

// fzNumber is the exact reading of one JSON value given for "bytes".
type fzNumber struct {
	null     bool
	isNumber bool
	whole    bool  // the exact value is a whole number
	neg      bool  // the exact value is below zero
	fits     bool  // whole, not negative and at most MaxInt64: value holds it
	value    int64 // the value when fits
}

// fzParseNumber reads a JSON value exactly. For a number it splits the
// decimal text into digits D and a power of ten E (value = D * 10^E) and
// decides wholeness and range on the digits, so no rounding is involved.
func fzParseNumber(b []byte) fzNumber {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return fzNumber{null: true}
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return fzNumber{}
	}
	n := fzNumber{isNumber: true}
	sign := s[0] == '-'
	s = strings.TrimPrefix(s, "-")
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	e := 0
	if exp != "" {
		expNeg := exp[0] == '-'
		exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if len(exp) > 9 {
			e = 1e9 // saturate: far beyond any int64 or float64 range
		} else if exp != "" {
			e, _ = strconv.Atoi(exp)
		}
		if expNeg {
			e = -e
		}
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	e -= len(frac)
	if digits == "" { // zero, however written
		n.whole, n.fits = true, true
		return n
	}
	trimmed := strings.TrimRight(digits, "0")
	e += len(digits) - len(trimmed)
	digits = trimmed
	n.neg = sign
	n.whole = e >= 0
	if !n.whole || n.neg || len(digits)+e > 19 {
		return n
	}
	v, err := strconv.ParseInt(digits+strings.Repeat("0", e), 10, 64)
	if err == nil {
		n.fits, n.value = true, v
	}
	return n
}

// acceptable says whether OptInt64 must accept the number: exactly a whole
// number from 0 to MaxInt64, however it is written (1000, 1000.0, 1e3).
// null is accepted as absent.
func (n fzNumber) acceptable() bool {
	if n.null {
		return true
	}
	return n.isNumber && n.fits
}

// fzBadBytes counts "bytes" values the reference saw that OptInt64 must
// refuse. A fuzz function runs one input at a time in each process.
var fzBadBytes int

// fzRefBytes is the reference decoding of "bytes": it keeps the last value
// (as encoding/json does for a repeated key) and counts every refusal.
type fzRefBytes struct {
	set bool
	num fzNumber
}

func (r *fzRefBytes) UnmarshalJSON(b []byte) error {
	n := fzParseNumber(b)
	if !n.acceptable() {
		fzBadBytes++
	}
	*r = fzRefBytes{set: !n.null, num: n}
	return nil
}

type fzRefRecord struct {
	Time        string     `json:"time"`
	BillID      string     `json:"bill_id"`
	SimID       string     `json:"sim_id"`
	ICCID       string     `json:"iccid"`
	SessionID   string     `json:"session_id"`
	Bytes       fzRefBytes `json:"bytes"`
	CountryCode string     `json:"country_code"`
	NetworkType string     `json:"network_type"`
	Network     Network    `json:"network"`
}

type fzRefUsagePage struct {
	Usage      []fzRefRecord   `json:"usage"`
	Pagination *pagePagination `json:"pagination"`
}

// fzRefDecodeUsagePage is the reference for DecodeUsagePage: ok says
// whether the body must be accepted.
func fzRefDecodeUsagePage(data []byte) (fzRefUsagePage, bool) {
	var p fzRefUsagePage
	fzBadBytes = 0
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil || fzBadBytes > 0 {
		return p, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return p, false
	}
	return p, p.Pagination != nil || len(p.Usage) > 0
}

// fzCheckRecord compares a decoded record with the reference's.
func fzCheckRecord(t *testing.T, i int, got Record, want fzRefRecord) {
	t.Helper()
	wantBytes := OptInt64{}
	if want.Bytes.set {
		wantBytes = OptInt64{Value: want.Bytes.num.value, Valid: true}
	}
	w := Record{
		Time: want.Time, BillID: want.BillID, SimID: want.SimID, ICCID: want.ICCID,
		SessionID: want.SessionID, Bytes: wantBytes, CountryCode: want.CountryCode,
		NetworkType: want.NetworkType, Network: want.Network,
	}
	if got != w {
		t.Fatalf("record %d = %+v, reference decodes %+v", i, got, w)
	}
}

// FuzzOptInt64 feeds OptInt64 the JSON values encoding/json hands it: it
// must accept exactly the whole numbers fzNumber.acceptable allows, with
// their exact value, and null as absent.
func FuzzOptInt64(f *testing.F) {
	for _, s := range []string{
		"1424843", "0", "-0", "null", "1e3", "1000.0", "1E+3", "9007199254740992.0",
		"9007199254740992e0", "9223372036854775807", "9223372036854775808", "-1", "1.5",
		"0.0e-5", `"1424843"`, "true", "{}", "[1]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := bytes.TrimSpace([]byte(s))
		if !json.Valid(b) {
			return // encoding/json never passes invalid JSON to UnmarshalJSON
		}
		o := OptInt64{Value: 42, Valid: true} // a previous value must not survive
		err := o.UnmarshalJSON(b)
		n := fzParseNumber(b)
		if (err == nil) != n.acceptable() {
			t.Fatalf("OptInt64.UnmarshalJSON(%s) = %+v, %v; want accepted=%v", b, o, err, n.acceptable())
		}
		switch {
		case err != nil:
			if !strings.Contains(err.Error(), `"bytes"`) {
				t.Fatalf("OptInt64.UnmarshalJSON(%s): error %q does not name the field", b, err)
			}
		case n.null:
			if o != (OptInt64{}) {
				t.Fatalf("OptInt64.UnmarshalJSON(null) = %+v, want absent", o)
			}
		case o != (OptInt64{Value: n.value, Valid: true}):
			t.Fatalf("OptInt64.UnmarshalJSON(%s) = %+v, want %d", b, o, n.value)
		}
	})
}

// fzWireRecord is Record as the API writes it, to re-encode decoded pages.
type fzWireRecord struct {
	Time        string  `json:"time"`
	BillID      string  `json:"bill_id"`
	SimID       string  `json:"sim_id"`
	ICCID       string  `json:"iccid"`
	SessionID   string  `json:"session_id"`
	Bytes       *int64  `json:"bytes"`
	CountryCode string  `json:"country_code"`
	NetworkType string  `json:"network_type"`
	Network     Network `json:"network"`
}

func fzEncodePage(t *testing.T, p Page[Record]) []byte {
	t.Helper()
	recs := make([]fzWireRecord, len(p.Items))
	for i, r := range p.Items {
		recs[i] = fzWireRecord{
			Time: r.Time, BillID: r.BillID, SimID: r.SimID, ICCID: r.ICCID,
			SessionID: r.SessionID, CountryCode: r.CountryCode,
			NetworkType: r.NetworkType, Network: r.Network,
		}
		if r.Bytes.Valid {
			v := r.Bytes.Value
			recs[i].Bytes = &v
		}
	}
	next := p.Next
	b, err := json.Marshal(map[string]any{
		"usage":      recs,
		"pagination": pagePagination{HasMore: p.HasMore, NextPage: &next},
	})
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", p, err)
	}
	return b
}

func fzSamePage(a, b Page[Record]) bool {
	return a.HasMore == b.HasMore && a.Next == b.Next && slices.Equal(a.Items, b.Items)
}

func fzSameResult(a Page[Record], aErr error, b Page[Record], bErr error) bool {
	if aErr != nil || bErr != nil {
		return aErr != nil && bErr != nil && aErr.Error() == bErr.Error()
	}
	return fzSamePage(a, b)
}

func FuzzDecodeUsagePage(f *testing.F) {
	for _, s := range []string{
		fzSamplePage,
		`{"usage":[{"time":"2020-02-03 07:49:13","sim_id":"000002273","bytes":0}],"pagination":{"has_more":false}}`,
		`{"usage":[],"pagination":{"has_more":false,"next_page":null}}`,
		`{"usage":[{"bytes":"1424843"}],"pagination":{"has_more":false}}`,
		`{"usage":[{"bytes":9223372036854775807},{"bytes":9223372036854775808}]}`,
		`{"usage":[{"bytes":1.2e3},{"bytes":1000.0},{"bytes":9007199254740992.0}]}`,
		`{"usage":[{"bytes":-1}]}`,
		`{"usage":[{"time":"2025-01-01 00:00:00","bytes":null,"network":{"mcc":"238","mnc":"06"}}]}`,
		`{"error":"sim_id_not_found"}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		fzSamplePage[:120],
		fzSamplePage + ` {}`,
		`{"usage":[{"sim_id":"\u00e6\u00f8\u00e5 \ud83d\ude00 <&>","bytes":1}]}`,
		`{"USAGE":[{"Bytes":7,"SIM_ID":"000002273"}],"Pagination":{"Has_More":false}}`,
		`{"usage":[{"bytes":1,"bytes":null,"sim_id":"a","sim_id":"b"}],"usage":[{}],"pagination":{"has_more":true},"pagination":null}`,
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeUsagePage(bytes.NewReader(data))
		ref, refOK := fzRefDecodeUsagePage(data)
		if (err == nil) != refOK {
			t.Fatalf("DecodeUsagePage(%q) = %+v, %v; the reference says accepted=%v", data, p, err, refOK)
		}

		// Whatever path the decoder takes, its answer and its error message
		// are exactly those of plain encoding/json (decodeUsagePage).
		std, stdErr := decodeUsagePage(bytes.NewReader(data), &usagePage{})
		if !fzSameResult(p, err, std, stdErr) {
			t.Fatalf("DecodeUsagePage(%q) = %+v, %v; encoding/json gives %+v, %v", data, p, err, std, stdErr)
		}

		// The client's pooled decoder reuses its buffers: a page decoded
		// after others must not show anything of the ones before.
		dec := &pageDecoder{}
		for i, body := range [][]byte{[]byte(fzSamplePage), data, data, []byte(fzSamplePage)} {
			got, gerr := dec.decode(bytes.NewReader(body))
			want, werr := p, err
			if i == 0 || i == 3 {
				want, werr = DecodeUsagePage(strings.NewReader(fzSamplePage))
			}
			if !fzSameResult(got, gerr, want, werr) {
				t.Fatalf("decode #%d with a reused decoder gives %+v, %v; a fresh one %+v, %v", i+1, got, gerr, want, werr)
			}
		}

		if err != nil {
			if p.Items != nil || p.HasMore || p.Next != "" {
				t.Fatalf("DecodeUsagePage(%q) failed (%v) but returned %+v", data, err, p)
			}
			return
		}
		if len(p.Items) != len(ref.Usage) {
			t.Fatalf("%d records, reference decodes %d", len(p.Items), len(ref.Usage))
		}
		for i, r := range p.Items {
			if r.Bytes.Valid && r.Bytes.Value < 0 {
				t.Fatalf("record %d has bytes %d < 0", i, r.Bytes.Value)
			}
			if !r.Bytes.Valid && r.Bytes.Value != 0 {
				t.Fatalf("record %d has absent bytes with value %d", i, r.Bytes.Value)
			}
			fzCheckRecord(t, i, r, ref.Usage[i])
		}
		// If HasMore is false, Next may be anything: no check on it.

		again, err := DecodeUsagePage(bytes.NewReader(fzEncodePage(t, p)))
		if err != nil {
			t.Fatalf("re-encoded page %s does not decode: %v", fzEncodePage(t, p), err)
		}
		if !fzSamePage(p, again) {
			t.Fatalf("re-encoding changes the page:\n got %+v\nwant %+v", again, p)
		}
	})
}

// fzTotalKeys is TotalKeys as documented, in order of preference.
var fzTotalKeys = []string{"total_bytes", "bytes", "total", "usage"}

// fzRefTagTotal is the reference for DecodeTagTotal: ok says whether the
// body must be accepted, and want is the answer then (Raw aside).
func fzRefTagTotal(raw []byte) (want TagTotal, ok bool) {
	trimmed := bytes.TrimSpace(raw)
	var obj map[string]json.RawMessage
	if len(trimmed) == 0 || json.Unmarshal(trimmed, &obj) != nil || obj == nil {
		return TagTotal{}, false // empty, not JSON, or not an object (null)
	}
	for _, key := range fzTotalKeys {
		v, present := obj[key]
		if !present || fzParseNumber(v).null {
			continue
		}
		var n int64
		var from string
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '[' {
			if key != "usage" {
				return TagTotal{}, false
			}
			var recs []fzRefRecord
			fzBadBytes = 0
			if json.Unmarshal(v, &recs) != nil || fzBadBytes > 0 {
				return TagTotal{}, false
			}
			for _, r := range recs {
				if !r.Bytes.set {
					continue
				}
				if n > math.MaxInt64-r.Bytes.num.value {
					return TagTotal{}, false
				}
				n += r.Bytes.num.value
			}
			from = "usage[]"
		} else {
			num := fzParseNumber(v)
			if !num.acceptable() {
				return TagTotal{}, false
			}
			n, from = num.value, key
		}
		if want.Found && n != want.Bytes {
			return TagTotal{}, false // ambiguous
		}
		if !want.Found {
			want = TagTotal{Bytes: n, Found: true, From: from}
		}
	}
	return want, true
}

func FuzzDecodeTagTotal(f *testing.F) {
	for _, s := range []string{
		`{"tag_id":"3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f","bytes":123}`,
		`{"total_bytes":77,"bytes":77,"total":77,"usage":77}`,
		`{"bytes":10,"total":11}`,
		`{"usage":[{"bytes":10},{"bytes":5},{"sim_id":"000002273"}],"pagination":{"has_more":false}}`,
		`{"usage":[{"bytes":9223372036854775807},{"bytes":1}]}`,
		`{"bytes":"12"}`,
		`{"bytes":1e3,"total":1000}`,
		`{"bytes":null,"total":null}`,
		`{"tag_id":"x","sims":3}`,
		`[1,2]`,
		`<html><body>Service Unavailable</body></html>`,
		" \n\t{\"bytes\": 5}\r\n ",
		`{"bytes":5`,
		`null`, // was accepted as "no total" before it was refused
		"",
	} {
		f.Add([]byte(s))
	}
	from := map[string]bool{"total_bytes": true, "bytes": true, "total": true, "usage": true, "usage[]": true}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeTagTotal(data)
		want, wantOK := fzRefTagTotal(data)
		if err != nil {
			if wantOK {
				t.Fatalf("DecodeTagTotal(%q) failed (%v); the reference decodes %+v", data, err, want)
			}
			if got.Found || got.Bytes != 0 || got.From != "" || got.Raw != nil {
				t.Fatalf("DecodeTagTotal(%q) failed (%v) but returned %+v", data, err, got)
			}
			return
		}
		if trimmed := bytes.TrimSpace(data); !bytes.Equal(got.Raw, trimmed) {
			t.Fatalf("DecodeTagTotal(%q).Raw = %q, want the trimmed body %q", data, got.Raw, trimmed)
		}
		if !json.Valid(got.Raw) || got.Raw[0] != '{' {
			t.Fatalf("DecodeTagTotal(%q) accepted a body that is not a JSON object: Raw = %q", data, got.Raw)
		}
		if got.Found {
			if got.Bytes < 0 || !from[got.From] {
				t.Fatalf("DecodeTagTotal(%q) = %+v: bad Bytes or From", data, got)
			}
		} else if got.Bytes != 0 || got.From != "" {
			t.Fatalf("DecodeTagTotal(%q) = %+v: a total that was not found", data, got)
		}
		if !wantOK {
			t.Fatalf("DecodeTagTotal(%q) = %+v; the reference refuses the body", data, got)
		}
		if got.Found != want.Found || got.Bytes != want.Bytes || got.From != want.From {
			t.Fatalf("DecodeTagTotal(%q) = {Found:%v Bytes:%d From:%q}, reference {Found:%v Bytes:%d From:%q}",
				data, got.Found, got.Bytes, got.From, want.Found, want.Bytes, want.From)
		}
	})
}

func FuzzRFC3339Time(f *testing.F) {
	for _, s := range []string{
		"2020-02-03 07:49:13", "2020-02-03T07:49:13Z", "2020-02-03T09:49:13+02:00",
		"2020-02-03T07:49:13.123456789Z", "2020-02-03 07:49:13.5", "2024-02-29 23:59:59",
		"2023-02-29 00:00:00", "2020-02-03 24:00:00", "0001-01-01T00:30:00+01:00",
		"9999-12-31 23:59:59", "2020-02-03", "yesterday", "",
		// In UTC these fall outside years 0000-9999, which RFC 3339 cannot
		// write: they used to come back as "-0001-12-31T23:50:00Z", true.
		"0000-01-01T0:00:00+00:10", "9999-12-31T23:59:59-00:01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := RFC3339Time(s)
		if !ok {
			if out != s {
				t.Fatalf("RFC3339Time(%q) = %q, false: a refused value must come back unchanged", s, out)
			}
			return
		}
		if s == "" {
			t.Fatalf("RFC3339Time(\"\") = %q, true", out)
		}
		if !strings.HasSuffix(out, "Z") {
			t.Fatalf("RFC3339Time(%q) = %q: not UTC (no Z)", s, out)
		}
		got, err := time.Parse(time.RFC3339, out)
		if err != nil {
			t.Fatalf("RFC3339Time(%q) = %q, which is not RFC 3339: %v", s, out, err)
		}
		in, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			in, err = time.Parse(time.RFC3339Nano, s)
		}
		if err != nil {
			t.Fatalf("RFC3339Time(%q) = %q, true, but the input is neither format: %v", s, out, err)
		}
		if d := in.Sub(got); d < 0 || d >= time.Second {
			t.Fatalf("RFC3339Time(%q) = %q, %v away from the input instant", s, out, d)
		}
		if again, ok := RFC3339Time(out); !ok || again != out {
			t.Fatalf("RFC3339Time(%q) = %q, %v: not a fixed point", out, again, ok)
		}
	})
}
