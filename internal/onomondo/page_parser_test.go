package onomondo

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

// parseFast must agree with encoding/json on every body it accepts, and
// give up (so encoding/json decides) on anything else. These tests decode
// each body both ways and compare everything, including the interned
// strings' values and the pagination pointer.

// fastSeeds are bodies on both sides of what parseFast accepts.
var fastSeeds = []string{
	fzSamplePage,
	`{"usage":[{"time":"2025-01-01 00:00:00","bill_id":"b","sim_id":"000000001","iccid":"89","session_id":"s","bytes":12,"country_code":"dk","network_type":"4G","network":{"mcc":"238","mnc":"06"}}],"pagination":{"has_more":true,"next_page":"Y3Vyc29y"}}`,
	// key order, whitespace, unknown keys of every type, nested unknowns
	" \t\r\n{ \"pagination\" : { \"next_page\" : \"x\" , \"has_more\" : false , \"extra\": [1, -2.5e+3, {\"a\": null}] } ,\n \"usage\" : [ { \"bytes\" : 0 , \"up\": 5, \"down\": 7, \"tags\": [\"a\", \"\\u00e6\\n\"], \"meta\": {\"x\": {\"y\": [true, false, null]}} } ] , \"total\": 12 } \n",
	// nulls: strings and network keep their value, bytes becomes absent
	`{"usage":[{"sim_id":"a","sim_id":null,"bytes":5,"bytes":null,"network":{"mcc":"1"},"network":null,"network":{"mnc":"2"}}],"pagination":null}`,
	`{"usage":[{"sim_id":"a","sim_id":"b","time":null,"network_type":null}],"pagination":{"has_more":null,"next_page":null}}`,
	`{"usage":[{"bytes":null}],"pagination":{"has_more":true,"next_page":"a","next_page":null}}`,
	// empty shapes
	`{"usage":[],"pagination":{"has_more":false}}`,
	`{"usage":[{}],"pagination":{}}`,
	`{"usage":[]}`,
	`{"pagination":{}}`,
	`{}`,
	`{"other":1}`,
	`null`,
	`[]`,
	``,
	`   `,
	// keys that only fold to a field, escaped keys, non-ASCII keys
	`{"USAGE":[{"bytes":1}]}`,
	`{"usage":[{"SIM_ID":"x","bytes":1}]}`,
	`{"usage":[{"network":{"MCC":"1"}}]}`,
	`{"usage":[{"bytes":1}],"pagination":{"Has_More":true,"next_page":"c"}}`,
	`{"\u0075sage":[{"bytes":1}]}`,
	"{\"usage\":[{\"\u017fim_id\":\"x\",\"bytes\":1}]}",
	"{\"usage\":[{\"sim_id\":\"x\",\"bytes\":1,\"\u212a\":1}]}",
	// values parseFast hands over: escapes, non-ASCII, invalid UTF-8
	`{"usage":[{"sim_id":"a\"b","bytes":1}]}`,
	`{"usage":[{"sim_id":"\u00e6","bytes":1}]}`,
	"{\"usage\":[{\"sim_id\":\"\xff\",\"bytes\":1}]}",
	"{\"usage\":[{\"sim_id\":\"\u00e6\u00f8\u00e5\",\"bytes\":1}]}",
	"{\"usage\":[{\"sim_id\":\"a\tb\",\"bytes\":1}]}",
	// numbers
	`{"usage":[{"bytes":0},{"bytes":999999999999999999},{"bytes":9223372036854775807},{"bytes":9223372036854775808}]}`,
	`{"usage":[{"bytes":1.0},{"bytes":1e3},{"bytes":-1},{"bytes":-0},{"bytes":01},{"bytes":1.},{"bytes":.5}]}`,
	`{"usage":[{"bytes":"12"}]}`,
	`{"usage":[{"bytes":true}]}`,
	`{"usage":[{"bytes":{}}]}`,
	`{"usage":[{"bytes":[1]}]}`,
	`{"usage":[{"bytes":12x}]}`,
	`{"usage":[{"bytes":1}],"n":-}`,
	`{"usage":[{"bytes":1}],"n":1e}`,
	`{"usage":[{"bytes":1}],"n":[1,]}`,
	`{"usage":[{"bytes":1}],"n":{"a":1,}}`,
	`{"usage":[{"bytes":1}],"n":"\x"}`,
	`{"usage":[{"bytes":1}],"n":"\u12"}`,
	`{"usage":[{"bytes":1}],"n":tru}`,
	`{"usage":[{"bytes":1}],"n":nullx}`,
	// wrong types
	`{"usage":{}}`,
	`{"usage":null}`,
	`{"usage":[null]}`,
	`{"usage":[1]}`,
	`{"usage":[{"sim_id":1}]}`,
	`{"usage":[{"network":"x"}]}`,
	`{"usage":[{"network":{"mcc":2}}]}`,
	`{"usage":[{"bytes":1}],"pagination":{"has_more":"yes"}}`,
	`{"usage":[{"bytes":1}],"pagination":{"next_page":5}}`,
	`{"usage":[{"bytes":1}],"pagination":[]}`,
	// repeated top-level keys: encoding/json merges; parseFast hands over
	`{"usage":[{"sim_id":"a","bytes":1}],"usage":[{"bytes":2}]}`,
	`{"pagination":{"has_more":true,"next_page":"a"},"pagination":{"has_more":false},"usage":[{"bytes":1}]}`,
	// syntax errors and trailing data
	`{"usage":[{"bytes":1}]`,
	`{"usage":[{"bytes":1}]}}`,
	`{"usage":[{"bytes":1}]} {}`,
	`{"usage":[{"bytes":1}]} x`,
	`{"usage":[{"bytes":1},]}`,
	`{"usage":[{"bytes":1}],}`,
	`{"usage" [{"bytes":1}]}`,
	`{"usage":[{"bytes":1} {"bytes":2}]}`,
	`{"usage":[{"bytes":1}]}` + "\x00",
	`{'usage':[]}`,
	`<html><body>502</body></html>`,
	`{"usage":[{"bytes":1}],"deep":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	`{"usage":[{"bytes":1}],"deep":` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `}`,
}

// checkFastAgrees decodes data with parseFast and with encoding/json and
// fails t if parseFast accepted something encoding/json decodes otherwise.
func checkFastAgrees(t *testing.T, data []byte) {
	t.Helper()
	var fast pageDecoder
	fast.reset()
	ok := fast.parseFast(data)

	var ref usagePage
	refPage, refErr := decodeUsagePage(bytes.NewReader(data), &ref)
	if !ok {
		return // encoding/json decides: nothing to compare
	}
	if refErr != nil {
		t.Fatalf("parseFast accepted %q, encoding/json says %v", data, refErr)
	}
	got := fast.page.result()
	if len(got.Items) != len(refPage.Items) || (len(got.Items) > 0 && !reflect.DeepEqual(got.Items, refPage.Items)) ||
		got.HasMore != refPage.HasMore || got.Next != refPage.Next {
		t.Fatalf("parseFast(%q) = %+v\nencoding/json gives %+v", data, got, refPage)
	}
	if (fast.page.Pagination == nil) != (ref.Pagination == nil) {
		t.Fatalf("parseFast(%q): pagination %v, encoding/json %v", data, fast.page.Pagination, ref.Pagination)
	}
	if fast.page.Pagination != nil && (fast.page.Pagination.NextPage == nil) != (ref.Pagination.NextPage == nil) {
		t.Fatalf("parseFast(%q): next_page pointer %v, encoding/json %v", data, fast.page.Pagination.NextPage, ref.Pagination.NextPage)
	}
	if (got.Items == nil) != (refPage.Items == nil) {
		t.Fatalf("parseFast(%q): items nil %t, encoding/json nil %t", data, got.Items == nil, refPage.Items == nil)
	}
}

func TestParseFastAgreesWithEncodingJSON(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		checkFastAgrees(t, []byte(s))
		var d pageDecoder
		d.reset()
		if d.parseFast([]byte(s)) {
			accepted++
		}
	}
	if accepted < 10 {
		t.Fatalf("parseFast accepted only %d of the seeds: the fast path is not being exercised", accepted)
	}
}

// TestParseFastTakesTheAPIShape: the pages the API (and the fake) send
// must not fall back to encoding/json, or the fast path is pointless.
func TestParseFastTakesTheAPIShape(t *testing.T) {
	for _, s := range fastSeeds[:3] {
		var d pageDecoder
		d.reset()
		if !d.parseFast([]byte(s)) {
			t.Fatalf("parseFast gave up on %q", s)
		}
	}
}

// TestDecodeSameResultEitherPath: decode (fast path with fallback) gives
// the result and the error message of encoding/json for every seed, from a
// fresh and from a reused decoder.
func TestDecodeSameResultEitherPath(t *testing.T) {
	reused := &pageDecoder{}
	for _, s := range fastSeeds {
		var ref usagePage
		want, wantErr := decodeUsagePage(strings.NewReader(s), &ref)
		for _, d := range []*pageDecoder{{}, reused} {
			if _, err := d.decode(strings.NewReader(fzSamplePage)); err != nil {
				t.Fatal(err)
			}
			got, err := d.decode(strings.NewReader(s))
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("decode(%q) error %v, encoding/json %v", s, err, wantErr)
			}
			if err == nil && !fzSamePage(got, want) {
				t.Fatalf("decode(%q) = %+v, encoding/json %+v", s, got, want)
			}
		}
	}
}

// TestInternedStringsAreCopies: interned values must not alias the body
// buffer, which the next page overwrites.
func TestInternedStringsAreCopies(t *testing.T) {
	d := &pageDecoder{}
	p, err := d.decode(strings.NewReader(fastSeeds[1]))
	if err != nil {
		t.Fatal(err)
	}
	first := p.Items[0]
	other := strings.NewReplacer("000000001", "000000002", "dk", "se", "238", "240", "2025", "2024").Replace(fastSeeds[1])
	if _, err := d.decode(strings.NewReader(other)); err != nil {
		t.Fatal(err)
	}
	if first.SimID != "000000001" || first.CountryCode != "dk" || first.Network.MCC != "238" || first.Time != "2025-01-01 00:00:00" {
		t.Fatalf("a record of the first page changed when the next was decoded: %+v", first)
	}
}

func FuzzParseFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastAgrees(t, data)
	})
}

// TestDecodeBrokenBodySameAsStreaming: a body that breaks off gives the
// error encoding/json gives when it reads the same broken body itself.
func TestDecodeBrokenBodySameAsStreaming(t *testing.T) {
	broken := func(prefix string) io.Reader {
		return io.MultiReader(strings.NewReader(prefix), errReader{io.ErrUnexpectedEOF})
	}
	for _, prefix := range []string{"", "{", fzSamplePage[:120], fzSamplePage, fzSamplePage + "\n", "<html>", `{"usage":[1`} {
		var ref usagePage
		_, wantErr := decodeUsagePage(broken(prefix), &ref)
		_, err := (&pageDecoder{}).decode(broken(prefix))
		if err == nil || wantErr == nil || err.Error() != wantErr.Error() {
			t.Fatalf("decode of %q then a broken connection: %v; encoding/json reading it: %v", prefix, err, wantErr)
		}
	}
}
