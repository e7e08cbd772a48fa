package onomondo

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onomondo/terraform-provider-onomondo/internal/bytesize"
)

// The fuzz targets below decode arbitrary bodies the way the client does and
// check the results against a reference written in this file: it unmarshals
// the whole document at once (the client streams it record by record),
// applies the record rules on its own, and works out each "bytes" value
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

// acceptable says whether a record's "bytes" number must be accepted:
// exactly a whole number from 0 to MaxInt64, however it is written (1000,
// 1000.0, 1e3).
func (n fzNumber) acceptable() bool { return n.isNumber && n.fits }

// fzRefBytes is the reference reading of a "bytes" value (a JSON number or
// a string of decimal digits); ok is false when it must be refused. null
// comes back as ok with null set.
func fzRefBytes(v jsontext.Value) (value int64, null, ok bool) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) != nil || s == "" || strings.Trim(s, "0123456789") != "" {
			return 0, false, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, false, err == nil
	}
	n := fzParseNumber(v)
	if n.null {
		return 0, true, true
	}
	return n.value, false, n.acceptable()
}

// fzRefRecord is a record as the reference decodes it: the whole document
// at once, with "bytes" and the ids that may come as numbers kept raw.
type fzRefRecord struct {
	Time        string          `json:"time"`
	BillID      string          `json:"bill_id"`
	SimID       jsontext.Value  `json:"sim_id"`
	ICCID       jsontext.Value  `json:"iccid"`
	SessionID   string          `json:"session_id"`
	Bytes       *jsontext.Value `json:"bytes"` // nil when absent or null
	CountryCode string          `json:"country_code"`
	NetworkType string          `json:"network_type"`
	Network     struct {
		MCC jsontext.Value `json:"mcc"`
		MNC jsontext.Value `json:"mnc"`
	} `json:"network"`
}

// fzRefOptions: invalid UTF-8 in a string reads as U+FFFD.
var fzRefOptions = jsontext.AllowInvalidUTF8(true)

// fzRefID reads an id that may come as a JSON string (or null) or as a JSON
// number of digits alone: at most maxDigits significant digits, padded
// with zeros to width.
func fzRefID(v jsontext.Value, width, maxDigits int) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", true
	}
	if v[0] == '"' {
		var s string
		return s, json.Unmarshal(v, &s, fzRefOptions) == nil
	}
	digits := string(v)
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(strings.TrimLeft(digits, "0")) > maxDigits {
		return "", false
	}
	for len(digits) < width {
		digits = "0" + digits
	}
	return digits, true
}

type fzRefPage struct {
	Usage      []*fzRefRecord `json:"usage"` // a nil element: a null record
	Pagination *pagination    `json:"pagination"`
}

// fzRefDecodeUsagePage is the reference for DecodeUsagePage: the document
// unmarshaled at once, then the record rules applied on their own. ok says
// whether the body must be accepted; want is the page then.
func fzRefDecodeUsagePage(data []byte) (want Page[Record], ok bool) {
	var top map[string]jsontext.Value
	if json.Unmarshal(data, &top, fzRefOptions) != nil || top == nil {
		return want, false
	}
	_, hasUsage := top["usage"]
	_, hasPagination := top["pagination"]
	if !hasUsage && !hasPagination {
		return want, false
	}
	var p fzRefPage
	if json.Unmarshal(data, &p, fzRefOptions) != nil {
		return want, false
	}
	for _, r := range p.Usage {
		if r == nil || r.Bytes == nil {
			return want, false
		}
		n, null, ok := fzRefBytes(*r.Bytes)
		if !ok || null {
			return want, false
		}
		simID, ok1 := fzRefID(r.SimID, 9, 9)
		iccid, ok2 := fzRefID(r.ICCID, 0, 22)
		mcc, ok3 := fzRefID(r.Network.MCC, 3, 3)
		mnc, ok4 := fzRefID(r.Network.MNC, 0, 3)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return want, false
		}
		want.Items = append(want.Items, Record{
			Time: r.Time, BillID: r.BillID, SimID: simID, ICCID: iccid,
			SessionID: r.SessionID, Bytes: Bytes(n), CountryCode: strings.ToLower(r.CountryCode),
			NetworkType: r.NetworkType, Network: Network{MCC: mcc, MNC: mnc},
		})
	}
	if pg := p.Pagination; pg != nil {
		if pg.HasMore != nil {
			want.HasMore, want.HasMoreSet = *pg.HasMore, true
		}
		if pg.NextPage != nil {
			want.Next = *pg.NextPage
		}
	}
	want.Pagination = hasPagination
	return want, true
}

// FuzzByteCount feeds ParseByteCount arbitrary JSON values: it must accept
// exactly the whole numbers fzNumber.acceptable allows and strings of
// decimal digits, with their exact value, null as null, and nothing else.
func FuzzByteCount(f *testing.F) {
	for _, s := range []string{
		"1424843", "0", "-0", "null", "1e3", "1000.0", "1E+3", "9007199254740992.0",
		"9007199254740992e0", "9223372036854775807", "9223372036854775808", "-1", "1.5",
		"0.0e-5", `"1424843"`, `"007"`, `""`, `"12.5"`, `"-3"`, `"1e3"`, `" 1"`,
		`"99999999999999999999"`, "true", "{}", "[1]", "1e999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if !jsontext.Value(b).IsValid() {
			return
		}
		got, err := ParseByteCount(b)
		want, null, ok := fzRefBytes(b)
		if (err == nil) != ok {
			t.Fatalf("ParseByteCount(%s) = %+v, %v; want accepted=%v", b, got, err, ok)
		}
		switch {
		case err != nil:
			if got != (ByteCount{}) {
				t.Fatalf("ParseByteCount(%s) failed (%v) but returned %+v", b, err, got)
			}
		case null:
			if !got.Null() || got.Present() || got.Value != 0 {
				t.Fatalf("ParseByteCount(null) = %+v, want null", got)
			}
		case got != Bytes(want):
			t.Fatalf("ParseByteCount(%s) = %+v, want %d", b, got, want)
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
	Bytes       int64   `json:"bytes"`
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
			SessionID: r.SessionID, Bytes: r.Bytes.Value, CountryCode: r.CountryCode,
			NetworkType: r.NetworkType, Network: r.Network,
		}
	}
	page := map[string]any{"usage": recs}
	if p.Pagination {
		pg := map[string]any{"next_page": p.Next}
		if p.HasMoreSet {
			pg["has_more"] = p.HasMore
		}
		page["pagination"] = pg
	}
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", p, err)
	}
	return b
}

func fzSamePage(a, b Page[Record]) bool {
	return a.HasMore == b.HasMore && a.HasMoreSet == b.HasMoreSet && a.Next == b.Next &&
		a.Pagination == b.Pagination && len(a.Items) == len(b.Items) && slices.Equal(a.Items, b.Items)
}

func FuzzDecodeUsagePage(f *testing.F) {
	for _, s := range []string{
		fzSamplePage,
		`{"usage":[{"time":"2020-02-03 07:49:13","sim_id":"000002273","bytes":0}],"pagination":{"has_more":false}}`,
		`{"usage":[],"pagination":{"has_more":false,"next_page":null}}`,
		`{"usage":[]}`,
		`{"usage":null}`,
		`{"usage":[{"bytes":"1424843","country_code":"DK"}],"pagination":{"next_page":"abc"}}`,
		`{"usage":[{"bytes":9223372036854775807},{"bytes":9223372036854775808}]}`,
		`{"usage":[{"bytes":1.2e3},{"bytes":1000.0},{"bytes":9007199254740992.0}]}`,
		`{"usage":[{"bytes":-1}]}`,
		`{"usage":[{"bytes":1},null]}`,
		`{"usage":[{"sim_id":"000002273"}]}`,
		`{"usage":[{"time":"2025-01-01 00:00:00","bytes":null,"network":{"mcc":"238","mnc":"06"}}]}`,
		`{"error":"sim_id_not_found"}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		fzSamplePage[:120],
		fzSamplePage + ` {}`,
		`{"usage":[{"sim_id":"\u00e6\u00f8\u00e5 \ud83d\ude00 <&>","bytes":1}]}`,
		`{"USAGE":[{"Bytes":7,"SIM_ID":"000002273"}],"Pagination":{"Has_More":false}}`,
		`{"usage":[{"bytes":1,"sim_id":"a","sim_id":"b"}],"pagination":{"has_more":true}}`,
		`{"usage":[{}],"usage":[{}]}`,
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeUsagePage(bytes.NewReader(data))
		want, ok := fzRefDecodeUsagePage(data)
		if (err == nil) != ok {
			t.Fatalf("DecodeUsagePage(%q) = %+v, %v; the reference says accepted=%v", data, p, err, ok)
		}
		if err != nil {
			if p.Items != nil || p.HasMore || p.Next != "" || p.Pagination {
				t.Fatalf("DecodeUsagePage(%q) failed (%v) but returned %+v", data, err, p)
			}
		} else if !fzSamePage(p, want) {
			t.Fatalf("DecodeUsagePage(%q) = %+v; the reference decodes %+v", data, p, want)
		}

		// The client's pooled decoder reuses its buffers: a page decoded
		// after others must not show anything of the ones before.
		sample, serr := DecodeUsagePage(strings.NewReader(fzSamplePage))
		if serr != nil {
			t.Fatal(serr)
		}
		dec := newPageDecoder()
		for i, body := range [][]byte{[]byte(fzSamplePage), data, data, []byte(fzSamplePage)} {
			got, gerr := dec.decode(bytes.NewReader(body), MaxPageSize)
			wantPage, wantErr := p, err
			if i == 0 || i == 3 {
				wantPage, wantErr = sample, nil
			}
			if (gerr == nil) != (wantErr == nil) || (gerr != nil && gerr.Error() != wantErr.Error()) || (gerr == nil && !fzSamePage(got, wantPage)) {
				t.Fatalf("decode #%d with a reused decoder gives %+v, %v; a fresh one %+v, %v", i+1, got, gerr, wantPage, wantErr)
			}
			if gerr == nil && got.Digest != dec.digest() {
				t.Fatal("digest is not a function of the records")
			}
		}
		if err != nil {
			return
		}
		for i, r := range p.Items {
			if !r.Bytes.Present() || r.Bytes.Value < 0 {
				t.Fatalf("record %d has bytes %+v", i, r.Bytes)
			}
			if r.CountryCode != strings.ToLower(r.CountryCode) {
				t.Fatalf("record %d has country_code %q, not lower case", i, r.CountryCode)
			}
		}
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
	var obj map[string]jsontext.Value
	if len(trimmed) == 0 || json.Unmarshal(trimmed, &obj) != nil || obj == nil {
		return TagTotal{}, false // empty, not JSON, or not an object (null)
	}
	unit, ok := fzRefUnit(obj["unit"])
	if !ok {
		return TagTotal{}, false
	}
	var listed []Record // the "usage" list, when it is one
	isList := false
	if v := bytes.TrimSpace(obj["usage"]); len(v) > 0 && v[0] == '[' {
		page, ok := fzRefDecodeUsagePage(trimmed)
		if !ok {
			return TagTotal{}, false
		}
		listed, isList = page.Items, true
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
			for _, r := range listed {
				if n > math.MaxInt64-r.Bytes.Value {
					return TagTotal{}, false
				}
				n += r.Bytes.Value
			}
			from = "usage[]"
		} else {
			if key == "total" && isList {
				// Beside a list, a total equal to its length or to "count"
				// counts records.
				if t, _, ok := fzRefBytes(v); ok {
					c, cnull, cok := fzRefBytes(obj["count"])
					if t == int64(len(listed)) || (obj["count"] != nil && cok && !cnull && c == t) {
						continue
					}
				}
			}
			num, ok := fzRefAmount(v, unit)
			if !ok {
				return TagTotal{}, false
			}
			n, from = num, key
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

// fzRefUnit reads a tag total's "unit": "" for bytes; ok false when it is
// not a unit of bytes.
func fzRefUnit(v jsontext.Value) (string, bool) {
	if v == nil || string(bytes.TrimSpace(v)) == "null" {
		return "", true
	}
	var u string
	if json.Unmarshal(v, &u) != nil {
		return "", false
	}
	u = strings.TrimSpace(u)
	if u == "B" || strings.EqualFold(u, "byte") || strings.EqualFold(u, "bytes") {
		return "", true
	}
	_, err := bytesize.Parse("1 " + u)
	return u, err == nil
}

// fzRefAmount reads a total in unit: without one, by the byte count rules;
// with one, a number (or a string of one) as bytesize reads it.
func fzRefAmount(v jsontext.Value, unit string) (int64, bool) {
	if unit == "" {
		n, null, ok := fzRefBytes(v)
		return n, ok && !null
	}
	text := string(bytes.TrimSpace(v))
	if strings.HasPrefix(text, `"`) {
		if json.Unmarshal(v, &text) != nil {
			return 0, false
		}
	} else if !fzParseNumber(v).isNumber {
		return 0, false
	}
	n, err := bytesize.Parse(text + " " + unit)
	return n, err == nil
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
		`{"total":5,"unit":"MB"}`,
		`{"total":"1.5","unit":"KiB"}`,
		`{"total":5,"unit":"furlongs"}`,
		`{"count":2,"total":2,"usage":[{"bytes":10},{"bytes":5}]}`,
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
		if !got.Raw.IsValid() || got.Raw[0] != '{' {
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
