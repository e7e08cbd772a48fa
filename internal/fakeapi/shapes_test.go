package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rawPage is a usage page decoded only as far as its top-level members:
// each record as its raw JSON, and the pagination object (if present) as
// its raw members.
type rawPage struct {
	usage         []json.RawMessage
	hasPagination bool
	pagination    map[string]json.RawMessage
}

// decodeRaw decodes a 200 page into a rawPage, refusing any top-level key
// other than usage and pagination.
func decodeRaw(t *testing.T, rec *httptest.ResponseRecorder) rawPage {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
		t.Fatalf("decode %s: %v", truncate(rec.Body.Bytes()), err)
	}
	var p rawPage
	for k, v := range top {
		switch k {
		case "usage":
			if err := json.Unmarshal(v, &p.usage); err != nil || p.usage == nil {
				t.Fatalf("usage %s: %v", truncate(v), err)
			}
		case "pagination":
			p.hasPagination = true
			if err := json.Unmarshal(v, &p.pagination); err != nil || p.pagination == nil {
				t.Fatalf("pagination %s: %v", v, err)
			}
		default:
			t.Fatalf("unexpected key %q", k)
		}
	}
	if _, ok := top["usage"]; !ok {
		t.Fatalf("no usage: %s", truncate(rec.Body.Bytes()))
	}
	return p
}

// paginationJSON returns the pagination member as sent, "" when absent.
func paginationJSON(t *testing.T, body string) string {
	t.Helper()
	i := strings.LastIndex(body, `,"pagination":`)
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(body[i+len(`,"pagination":`):], "}")
}

// cursorOf returns the next_page a normal page sends.
func cursorOf(t *testing.T, s http.Handler, target string) string {
	t.Helper()
	p := decodePage(t, get(t, s, target))
	if p.Pagination.NextPage == nil {
		t.Fatalf("%s is the last page", target)
	}
	return *p.Pagination.NextPage
}

const janPage = "/usage?filter=time:2025-01&limit=5"

// TestFaultRecordShapes breaks one record of a page in each way: bytes
// missing, bytes null, the record null, bytes a bad literal. Index is
// 0-based, negative from the end, clamped to the page.
func TestFaultRecordShapes(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	normal := decodeRaw(t, get(t, s, janPage))
	if len(normal.usage) != 5 {
		t.Fatal("want 5 records")
	}
	bytesMember := func(i int) string { return `,"bytes":` + strconv.FormatInt(f.Records[i].Bytes, 10) + `,` }

	type brk struct {
		name  string
		fault Fault
		want  func(rec string, i int) string // the broken record i
	}
	breaks := []brk{
		{"no bytes", Fault{Kind: FaultRecordNoBytes}, func(r string, i int) string {
			return strings.Replace(r, bytesMember(i), ",", 1)
		}},
		{"null bytes", Fault{Kind: FaultRecordNullBytes}, func(r string, i int) string {
			return strings.Replace(r, bytesMember(i), `,"bytes":null,`, 1)
		}},
		{"null record", Fault{Kind: FaultNullRecord}, func(string, int) string { return "null" }},
		{"string with a fraction", Fault{Kind: FaultBadBytes, RawBytes: `"12.5"`}, func(r string, i int) string {
			return strings.Replace(r, bytesMember(i), `,"bytes":"12.5",`, 1)
		}},
	}
	for _, b := range breaks {
		for _, idx := range []struct{ index, want int }{{0, 0}, {2, 2}, {4, 4}, {-1, 4}, {-5, 0}, {99, 4}, {-99, 0}} {
			fault := b.fault
			fault.Index, fault.Times = idx.index, 1
			s.InjectFault(fault)
			got := decodeRaw(t, get(t, s, janPage))
			if len(got.usage) != 5 || string(got.pagination["next_page"]) != string(normal.pagination["next_page"]) {
				t.Fatalf("%s index %d: page changed beyond the record: %+v", b.name, idx.index, got)
			}
			for i := range got.usage {
				want := string(normal.usage[i])
				if i == idx.want {
					want = b.want(want, i)
					if want == string(normal.usage[i]) {
						t.Fatalf("%s: expectation does not break anything", b.name)
					}
				}
				if string(got.usage[i]) != want {
					t.Fatalf("%s index %d: record %d\n got %s\nwant %s", b.name, idx.index, i, got.usage[i], want)
				}
			}
		}
		// An empty page is left as it is (the hit still counts).
		fault := b.fault
		fault.Times = 1
		s.InjectFault(fault)
		if body := get(t, s, "/usage?filter=time:1999").Body.String(); body != `{"usage":[],"pagination":{"has_more":false}}` {
			t.Fatalf("%s on an empty page: %s", b.name, body)
		}
		if body := get(t, s, "/usage?filter=time:1999&limit=1").Body.String(); body != `{"usage":[],"pagination":{"has_more":false}}` {
			t.Fatalf("%s: fault outlived Times: %s", b.name, body)
		}
	}

	// The per-SIM endpoint too.
	sim := f.SIMs[3].ID
	s.InjectFault(Fault{Kind: FaultNullRecord, Index: 1, Times: 1})
	if p := decodeRaw(t, get(t, s, "/usage/"+sim+"?limit=3")); string(p.usage[1]) != "null" || string(p.usage[0]) == "null" {
		t.Fatalf("per-SIM null record: %s %s", p.usage[0], p.usage[1])
	}
}

// TestBadBytesValues writes each of BadBytesValues as one record's bytes,
// and checks the list holds only values a client must refuse.
func TestBadBytesValues(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	digits := regexp.MustCompile(`^[0-9]+$`)
	seen := map[string]bool{}
	for _, v := range BadBytesValues {
		if seen[v] {
			t.Fatalf("%s listed twice", v)
		}
		seen[v] = true
		if !json.Valid([]byte(v)) {
			t.Fatalf("%s is not valid JSON", v)
		}
		// Not a whole non-negative number, in any reading a client may
		// accept: a plain JSON integer or a string of decimal digits.
		var str string
		if json.Unmarshal([]byte(v), &str) == nil && digits.MatchString(str) {
			t.Fatalf("%s is a string of digits", v)
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			t.Fatalf("%s is a whole non-negative number", v)
		}

		s.InjectFault(Fault{Kind: FaultBadBytes, RawBytes: v, Index: 3, Times: 1})
		p := decodeRaw(t, get(t, s, janPage))
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(p.usage[3], &rec); err != nil {
			t.Fatal(err)
		}
		if string(rec["bytes"]) != v {
			t.Fatalf("bytes %s, want %s", rec["bytes"], v)
		}
		var other map[string]json.RawMessage
		if err := json.Unmarshal(p.usage[2], &other); err != nil || string(other["bytes"]) != strconv.FormatInt(f.Records[2].Bytes, 10) {
			t.Fatalf("neighbour record changed: %s", p.usage[2])
		}
	}
	// JSON numbers that are not whole or negative are there too.
	for _, v := range []string{`12.5`, `-3`} {
		if !seen[v] {
			t.Fatalf("BadBytesValues lacks the number %s", v)
		}
	}
}

// TestFaultShapesOnNumericTagTotals: the record faults apply to the number
// of the numeric tag shapes; FaultNullRecord and FaultUpperCountry have
// nothing to change there.
func TestFaultShapesOnNumericTagTotals(t *testing.T) {
	f := DefaultFleet()
	tag := f.Tags[0].ID
	path := "/usage/tag-total/" + tag
	total, sims := itoa64(f.TagTotal(tag)), itoa(f.TagSIMCount(tag))
	s := newTestHandler(f)
	cases := []struct {
		shape TagShape
		fault Fault
		want  string
	}{
		{TagShapeBytes, Fault{Kind: FaultRecordNoBytes}, `{"tag_id":"` + tag + `","sim_count":` + sims + `}`},
		{TagShapeBytes, Fault{Kind: FaultRecordNullBytes}, `{"tag_id":"` + tag + `","bytes":null,"sim_count":` + sims + `}`},
		{TagShapeBytes, Fault{Kind: FaultBadBytes, RawBytes: `"-3"`}, `{"tag_id":"` + tag + `","bytes":"-3","sim_count":` + sims + `}`},
		{TagShapeBytes, Fault{Kind: FaultWrongType}, `{"tag_id":"` + tag + `","bytes":"` + total + `","sim_count":` + sims + `}`},
		{TagShapeBytes, Fault{Kind: FaultNullRecord}, `{"tag_id":"` + tag + `","bytes":` + total + `,"sim_count":` + sims + `}`},
		{TagShapeTotal, Fault{Kind: FaultRecordNullBytes}, `{"tag_id":"` + tag + `","total":null}`},
		{TagShapeTotal, Fault{Kind: FaultWrongType}, `{"tag_id":"` + tag + `","total":"` + total + `"}`},
		{TagShapeTotalBytes, Fault{Kind: FaultRecordNoBytes}, `{"tag_id":"` + tag + `"}`},
		{TagShapeTotalBytes, Fault{Kind: FaultWrongType}, `{"tag_id":"` + tag + `","total_bytes":"` + total + `"}`},
		{TagShapeUsageNumber, Fault{Kind: FaultBadBytes, RawBytes: `12.5`}, `{"tag_id":"` + tag + `","usage":12.5}`},
		{TagShapeUsageNumber, Fault{Kind: FaultWrongType}, `{"tag_id":"` + tag + `","usage":"` + total + `"}`},
		{TagShapeUsageNumber, Fault{Kind: FaultUpperCountry}, `{"tag_id":"` + tag + `","usage":` + total + `}`},
	}
	for _, tc := range cases {
		s.SetTagShape(tc.shape)
		tc.fault.Times = 1
		s.InjectFault(tc.fault)
		if body := get(t, s, path).Body.String(); body != tc.want {
			t.Fatalf("%s / %s:\n got %s\nwant %s", tc.shape, tc.fault.Kind, body, tc.want)
		}
	}
}

// TestFaultWrongTypeCoversEveryPage: bytes as digit strings on /usage,
// /usage/{sim_id} and both tag-total usage shapes.
func TestFaultWrongTypeCoversEveryPage(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	tag := f.Tags[1].ID
	targets := []struct {
		shape  TagShape
		target string
	}{
		{TagShapeBytes, janPage},
		{TagShapeBytes, "/usage/" + f.SIMs[2].ID + "?limit=4"},
		{TagShapeUsageRecords, "/usage/tag-total/" + tag},
		{TagShapeUsagePaged, "/usage/tag-total/" + tag},
	}
	for _, tc := range targets {
		s.SetTagShape(tc.shape)
		normal := decodeRaw(t, get(t, s, tc.target))
		s.InjectFault(Fault{Kind: FaultWrongType, Times: 1})
		got := decodeRaw(t, get(t, s, tc.target))
		if len(got.usage) == 0 || len(got.usage) != len(normal.usage) {
			t.Fatalf("%s: %d records, want %d", tc.target, len(got.usage), len(normal.usage))
		}
		for i := range got.usage {
			var g, n map[string]json.RawMessage
			_ = json.Unmarshal(got.usage[i], &g)
			_ = json.Unmarshal(normal.usage[i], &n)
			if string(g["bytes"]) != `"`+string(n["bytes"])+`"` {
				t.Fatalf("%s record %d: bytes %s, want the string of %s", tc.target, i, g["bytes"], n["bytes"])
			}
		}
	}
}

// TestFaultNoHasMore reads a whole result whose pages never say has_more,
// for each way of ending it.
func TestFaultNoHasMore(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	want := brute(f, func(r Record) bool { return inMonth2025(r.Time, 1) && r.CountryCode == "se" })
	const limit = 40
	if len(want) <= 2*limit || len(want)%limit == 0 {
		t.Fatalf("fixture: %d records", len(want))
	}
	for _, tc := range []struct {
		style CursorStyle
		last  string // the last page's pagination member, "" = absent
	}{
		{CursorAbsent, `{}`},
		{CursorNull, `{"next_page":null}`},
		{CursorEmpty, `{"next_page":""}`},
		{CursorNoPagination, ``},
	} {
		s.ClearFaults()
		s.InjectFault(Fault{Kind: FaultNoHasMore, Cursor: tc.style, PathPrefix: "/usage"})
		var got []recordJSON
		cursor := ""
		for page := 1; ; page++ {
			v := url.Values{"filter[]": {"time:2025-01", "country_code:se"}, "limit": {itoa(limit)}}
			if cursor != "" {
				v.Set("next_page", cursor)
			}
			rec := get(t, s, "/usage?"+v.Encode())
			var p struct {
				Usage []recordJSON `json:"usage"`
			}
			decodeRaw(t, rec)
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.Usage...)
			pag := paginationJSON(t, rec.Body.String())
			if len(got) == len(want) {
				if pag != tc.last {
					t.Fatalf("style %d: last page pagination %q, want %q", tc.style, pag, tc.last)
				}
				break
			}
			var next struct {
				NextPage string `json:"next_page"`
			}
			if err := json.Unmarshal([]byte(pag), &next); err != nil || next.NextPage == "" || pag != `{"next_page":"`+next.NextPage+`"}` {
				t.Fatalf("style %d page %d: pagination %q", tc.style, page, pag)
			}
			cursor = next.NextPage
		}
		sameRecords(t, got, want)
	}
}

// TestFaultHasMoreFalseWithCursor: has_more false beside the real cursor
// while records remain; the last page is normal.
func TestFaultHasMoreFalseWithCursor(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	next := cursorOf(t, s, janPage)
	s.InjectFault(Fault{Kind: FaultHasMoreFalseWithCursor, Times: 2})
	body := get(t, s, janPage).Body.String()
	if pag := paginationJSON(t, body); pag != `{"has_more":false,"next_page":"`+next+`"}` {
		t.Fatalf("pagination %s", pag)
	}
	// The cursor is the real one: following it gives the next page.
	sim := DefaultFleet().SIMs[5].ID
	all := decodePage(t, get(t, s, "/usage/"+sim+"?limit=1000")) // the hit is used on this last page
	if all.Pagination.HasMore || len(all.Usage) == 0 {
		t.Fatalf("last page changed: %+v", all.Pagination)
	}
	p2 := decodePage(t, get(t, s, janPage+"&next_page="+url.QueryEscape(next)))
	want := decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=5&offset=5"))
	sameRecords(t, p2.Usage, want.Usage)
}

// TestFaultMissingCursorVariants: has_more true with next_page absent,
// null or "".
func TestFaultMissingCursorVariants(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	for _, tc := range []struct {
		style CursorStyle
		want  string
	}{
		{CursorAbsent, `{"has_more":true}`},
		{CursorNull, `{"has_more":true,"next_page":null}`},
		{CursorEmpty, `{"has_more":true,"next_page":""}`},
		{CursorNoPagination, `{"has_more":true}`},
	} {
		s.InjectFault(Fault{Kind: FaultMissingCursor, Cursor: tc.style, Times: 1})
		p := decodeRaw(t, get(t, s, janPage))
		got, _ := json.Marshal(p.pagination)
		var want map[string]json.RawMessage
		_ = json.Unmarshal([]byte(tc.want), &want)
		w, _ := json.Marshal(want)
		if string(got) != string(w) || len(p.usage) != 5 {
			t.Fatalf("style %d: pagination %s, want %s", tc.style, got, tc.want)
		}
	}
	// The exact text of the null variant.
	s.InjectFault(Fault{Kind: FaultMissingCursor, Cursor: CursorNull, Times: 1})
	if body := get(t, s, janPage).Body.String(); !strings.HasSuffix(body, `],"pagination":{"has_more":true,"next_page":null}}`) {
		t.Fatalf("ends %s", body[len(body)-60:])
	}
}

// TestFaultNoPagination: an empty result as {"usage":[]}; and, with
// FaultLastNoPagination, every last page without pagination.
func TestFaultNoPagination(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	lastTarget := "/usage/" + f.SIMs[0].ID + "?limit=1000"
	normalLast := get(t, s, lastTarget).Body.String()
	normalMid := get(t, s, janPage).Body.String()

	s.InjectFault(Fault{Kind: FaultEmptyNoPagination})
	if body := get(t, s, "/usage?filter=time:1999").Body.String(); body != `{"usage":[]}` {
		t.Fatalf("empty: %s", body)
	}
	if body := get(t, s, "/usage?filter=sim_id:000000000").Body.String(); body != `{"usage":[]}` {
		t.Fatalf("empty by SIM: %s", body)
	}
	if body := get(t, s, lastTarget).Body.String(); body != normalLast {
		t.Fatal("empty-only fault changed a non-empty last page")
	}
	if body := get(t, s, janPage).Body.String(); body != normalMid {
		t.Fatal("empty-only fault changed a middle page")
	}

	s.ClearFaults()
	s.InjectFault(Fault{Kind: FaultLastNoPagination})
	if body := get(t, s, lastTarget).Body.String(); body != strings.TrimSuffix(normalLast, `,"pagination":{"has_more":false}}`)+"}" || strings.Contains(body, "pagination") {
		t.Fatalf("last page: %s", truncate([]byte(body)))
	}
	decodeRaw(t, get(t, s, lastTarget))
	if body := get(t, s, "/usage?filter=time:1999").Body.String(); body != `{"usage":[]}` {
		t.Fatalf("empty last page: %s", body)
	}
	if body := get(t, s, janPage).Body.String(); body != normalMid {
		t.Fatal("last-page fault changed a middle page")
	}
}

// TestFaultUpperCountry: country codes in upper case; filters still match.
func TestFaultUpperCountry(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	s.InjectFault(Fault{Kind: FaultUpperCountry})
	got := readAll(t, s, "/usage", url.Values{"filter": {"country_code:dk"}}, 700)
	want := brute(f, func(r Record) bool { return r.CountryCode == "dk" })
	if len(want) == 0 {
		t.Fatal("no dk records")
	}
	for i := range want {
		want[i].CountryCode = "DK"
	}
	sameRecords(t, got, want)
	if body := get(t, s, janPage).Body.String(); strings.Contains(body, `"country_code":"`+f.Records[0].CountryCode+`"`) ||
		!strings.Contains(body, `"country_code":"`+strings.ToUpper(f.Records[0].CountryCode)+`"`) {
		t.Fatalf("lower case left: %s", truncate([]byte(body)))
	}
}

// TestFaultFreshCursor: every page a never-seen cursor, always the same
// records; the cursors stay valid once the fault is gone.
func TestFaultFreshCursor(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	const target = "/usage?filter=time:2025-01&limit=5&offset=4"
	normal := decodePage(t, get(t, s, target))

	s.InjectFault(Fault{Kind: FaultFreshCursor, PathPrefix: "/usage"})
	seen := map[string]bool{}
	cursor := ""
	for page := 1; page <= 20; page++ {
		q := target
		if cursor != "" {
			q = "/usage?filter=time:2025-01&limit=5&next_page=" + url.QueryEscape(cursor)
		}
		p := decodePage(t, get(t, s, q))
		sameRecords(t, p.Usage, normal.Usage)
		if !p.Pagination.HasMore || seen[*p.Pagination.NextPage] || *p.Pagination.NextPage == *normal.Pagination.NextPage {
			t.Fatalf("page %d: cursor %v not fresh", page, p.Pagination.NextPage)
		}
		cursor = *p.Pagination.NextPage
		seen[cursor] = true
		raw, _ := base64.StdEncoding.DecodeString(cursor)
		if !bytes.HasPrefix(raw, []byte(f.Records[4].Time.Format(cursorTimeLayout)+"@000000004.")) {
			t.Fatalf("fresh cursor %q does not point at the page's first record", raw)
		}
	}
	// Fault gone: the last fresh cursor resumes at the first page's start.
	s.ClearFaults()
	p := decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=5&next_page="+url.QueryEscape(cursor)))
	sameRecords(t, p.Usage, normal.Usage)
	if *p.Pagination.NextPage != *normal.Pagination.NextPage {
		t.Fatal("after the fault, paging does not go on normally")
	}
	// Empty pages are left alone.
	s.InjectFault(Fault{Kind: FaultFreshCursor, Times: 1})
	if body := get(t, s, "/usage?filter=time:1999").Body.String(); body != `{"usage":[],"pagination":{"has_more":false}}` {
		t.Fatalf("empty page: %s", body)
	}
	// Broken suffixes are refused.
	for _, bad := range []string{"@000000004.", "@000000004.x", "@000000004.1.2"} {
		c := base64.StdEncoding.EncodeToString([]byte(f.Records[4].Time.Format(cursorTimeLayout) + bad))
		wantError(t, get(t, s, "/usage?filter=time:2025-01&next_page="+url.QueryEscape(c)), http.StatusBadRequest, CodeInvalidNextPage)
	}
}

func TestFaultKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := FaultStatus; k <= FaultFreshCursor; k++ {
		name := k.String()
		if strings.HasPrefix(name, "fault(") || seen[name] {
			t.Fatalf("kind %d named %q", k, name)
		}
		seen[name] = true
	}
	if FaultFreshCursor.String() != "fresh_cursor" || FaultKind(len(faultKindNames)).String() != "fault("+itoa(len(faultKindNames))+")" {
		t.Fatal(FaultFreshCursor.String())
	}
}
