package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTagShapes(t *testing.T) {
	f := DefaultFleet()
	tag := f.Tags[2]
	total, sims := f.TagTotal(tag.ID), f.TagSIMCount(tag.ID)
	if total == 0 || sims == 0 {
		t.Fatal("test tag has no usage")
	}
	s := newTestHandler(f)
	path := "/usage/tag-total/" + tag.ID

	numeric := map[TagShape]string{
		TagShapeBytes:       "bytes",
		TagShapeTotal:       "total",
		TagShapeTotalBytes:  "total_bytes",
		TagShapeUsageNumber: "usage",
	}
	for shape, key := range numeric {
		s.SetTagShape(shape)
		rec := get(t, s, path)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d", shape, rec.Code)
		}
		var raw map[string]any
		dec := json.NewDecoder(rec.Body)
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		m := map[string]json.Number{}
		for k, v := range raw {
			if n, ok := v.(json.Number); ok {
				m[k] = n
			}
		}
		if raw["tag_id"] != tag.ID || m[key].String() != itoa64(total) {
			t.Fatalf("%s: %s", shape, rec.Body.String())
		}
		wantKeys := 2
		if shape == TagShapeBytes {
			wantKeys = 3
			if m["sim_count"].String() != itoa(sims) {
				t.Fatalf("sim_count: %s", rec.Body.String())
			}
		}
		if len(raw) != wantKeys {
			t.Fatalf("%s: keys %v", shape, raw)
		}
	}

	s.SetTagShape(TagShapeNoTotal)
	rec := get(t, s, path)
	if want := `{"tag_id":"` + tag.ID + `","sims":` + itoa(sims) + `}`; rec.Body.String() != want {
		t.Fatalf("no_total: %s, want %s", rec.Body.String(), want)
	}

	s.SetTagShape(TagShapeUsageRecords)
	p := decodePage(t, get(t, s, path))
	if p.Pagination.HasMore {
		t.Fatal("usage records shape has more pages")
	}
	var sum int64
	carriers := map[string]bool{}
	for _, r := range p.Usage {
		sum += r.Bytes
		carriers[r.SimID] = true
		if r.BillID != nil || r.SessionID != nil {
			t.Fatalf("summed record has bill/session: %+v", r)
		}
		sim, _ := f.SIMByID(r.SimID)
		has := false
		for _, id := range sim.Tags {
			has = has || id == tag.ID
		}
		if !has {
			t.Fatalf("SIM %s does not carry the tag", r.SimID)
		}
	}
	if sum != total || len(carriers) > sims || len(p.Usage) > 500 {
		t.Fatalf("records add up to %d over %d SIMs in %d records, want %d over <= %d", sum, len(carriers), len(p.Usage), total, sims)
	}

	// The unused tag: zero, and an empty list.
	unused := f.Tags[len(f.Tags)-1].ID
	if p := decodePage(t, get(t, s, "/usage/tag-total/"+unused)); len(p.Usage) != 0 {
		t.Fatal("unused tag has records")
	}
	s.SetTagShape(TagShapeBytes)
	if rec := get(t, s, "/usage/tag-total/"+unused); rec.Body.String() != `{"tag_id":"`+unused+`","bytes":0,"sim_count":0}` {
		t.Fatalf("unused tag: %s", rec.Body.String())
	}
}

func TestTagShapeOption(t *testing.T) {
	f := DefaultFleet()
	s := New(Options{APIKey: testKey, TagShape: TagShapeTotal})
	rec := get(t, s, "/usage/tag-total/"+f.Tags[0].ID)
	if want := `{"tag_id":"` + f.Tags[0].ID + `","total":` + itoa64(f.TagTotal(f.Tags[0].ID)) + `}`; rec.Body.String() != want {
		t.Fatalf("%s, want %s", rec.Body.String(), want)
	}
}

func TestTagTotalErrors(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	wantError(t, get(t, s, "/usage/tag-total/00000000-0000-4000-8000-000000000000"), http.StatusNotFound, CodeTagNotFound)
	wantError(t, get(t, s, "/usage/tag-total/not-a-uuid"), http.StatusNotFound, CodeTagNotFound)
	wantError(t, get(t, s, "/usage/tag-total/"), http.StatusNotFound, CodeNotFound)
	wantError(t, get(t, s, "/usage/tag-total"), http.StatusNotFound, CodeNotFound)
	wantError(t, get(t, s, "/usage/tag-total/"+f.Tags[0].ID+"/x"), http.StatusNotFound, CodeNotFound)
	wantError(t, getWithAuth(t, s, "/usage/tag-total/"+f.Tags[0].ID, ""), http.StatusUnauthorized, CodeUnauthorized)

	restricted := New(Options{APIKey: testKey, KeyTags: []string{f.Tags[0].ID}})
	if rec := get(t, restricted, "/usage/tag-total/"+f.Tags[0].ID); rec.Code != 200 {
		t.Fatalf("tag in scope: %d", rec.Code)
	}
	wantError(t, get(t, restricted, "/usage/tag-total/"+f.Tags[1].ID), http.StatusForbidden, CodeForbidden)
	wantError(t, get(t, restricted, "/usage/tag-total/00000000-0000-4000-8000-000000000000"), http.StatusNotFound, CodeTagNotFound)
}

func TestParseTagShape(t *testing.T) {
	for _, shape := range TagShapes() {
		got, err := ParseTagShape(shape.String())
		if err != nil || got != shape {
			t.Fatalf("ParseTagShape(%q) = %v, %v", shape.String(), got, err)
		}
	}
	if len(TagShapes()) != 7 {
		t.Fatal("TagShapes")
	}
	if _, err := ParseTagShape("nope"); err == nil {
		t.Fatal("ParseTagShape accepted nope")
	}
	if TagShape(42).String() != "TagShape(42)" {
		t.Fatal(TagShape(42).String())
	}
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestTagShapeUsagePaged reads a tag total answered as a paged usage list:
// the pages add up to the total, page 1 alone does not, and the records are
// those of TagShapeUsageRecords in the same order.
func TestTagShapeUsagePaged(t *testing.T) {
	f := DefaultFleet()
	tag := f.Tags[2].ID
	total := f.TagTotal(tag)
	s := newTestHandler(f)
	path := "/usage/tag-total/" + tag
	s.SetTagShape(TagShapeUsageRecords)
	whole := decodePage(t, get(t, s, path)).Usage
	s.SetTagShape(TagShapeUsagePaged)

	for _, tc := range []struct {
		limits   []int // nil: no limit parameter (the tag page size)
		pageSize int
	}{
		{nil, DefaultTagPageSize},
		{[]int{100}, 100},
		{[]int{1000}, 1000},
		{[]int{7, 3}, 0},
	} {
		pages := 0
		var got []recordJSON
		cursor := ""
		for {
			v := url.Values{}
			if tc.limits != nil {
				v.Set("limit", itoa(tc.limits[pages%len(tc.limits)]))
			}
			if cursor != "" {
				v.Set("next_page", cursor)
			}
			p := decodePage(t, get(t, s, path+"?"+v.Encode()))
			if tc.pageSize > 0 && p.Pagination.HasMore && len(p.Usage) != tc.pageSize {
				t.Fatalf("limits %v: page %d has %d records", tc.limits, pages+1, len(p.Usage))
			}
			if pages == 0 && p.Pagination.HasMore {
				var first int64
				for _, r := range p.Usage {
					first += r.Bytes
				}
				if first >= total {
					t.Fatalf("page 1 alone sums to %d of %d", first, total)
				}
			}
			got = append(got, p.Usage...)
			pages++
			if !p.Pagination.HasMore {
				break
			}
			cursor = *p.Pagination.NextPage
		}
		sameRecords(t, got, whole)
		var sum int64
		for _, r := range got {
			sum += r.Bytes
		}
		if sum != total {
			t.Fatalf("limits %v: pages sum to %d, want %d", tc.limits, sum, total)
		}
		if want := (len(whole) + tc.pageSize - 1) / max(tc.pageSize, 1); tc.pageSize > 0 && pages != want {
			t.Fatalf("limits %v: %d pages, want %d", tc.limits, pages, want)
		}
	}
	if len(whole) <= 3*DefaultTagPageSize {
		t.Fatalf("fixture: tag has only %d records", len(whole))
	}

	// The page size without limit: Options.TagPageSize, SetTagPageSize.
	s.SetTagPageSize(4)
	if p := decodePage(t, get(t, s, path)); len(p.Usage) != 4 || !p.Pagination.HasMore {
		t.Fatalf("SetTagPageSize(4): %d records", len(p.Usage))
	}
	s.SetTagPageSize(0)
	if p := decodePage(t, get(t, s, path)); len(p.Usage) != DefaultTagPageSize {
		t.Fatalf("SetTagPageSize(0): %d records", len(p.Usage))
	}
	o := New(Options{APIKey: testKey, TagShape: TagShapeUsagePaged, TagPageSize: 9})
	if p := decodePage(t, get(t, o, path)); len(p.Usage) != 9 {
		t.Fatalf("Options.TagPageSize 9: %d records", len(p.Usage))
	}
	// next_page "" is the first page.
	if p := decodePage(t, get(t, s, path+"?next_page=")); len(p.Usage) != DefaultTagPageSize {
		t.Fatalf("empty next_page: %d records", len(p.Usage))
	}

	// Bad parameters; a cursor of another list.
	wantError(t, get(t, s, path+"?limit=0"), http.StatusBadRequest, CodeInvalidLimit)
	wantError(t, get(t, s, path+"?limit=1001"), http.StatusBadRequest, CodeInvalidLimit)
	wantError(t, get(t, s, path+"?limit=x"), http.StatusBadRequest, CodeInvalidLimit)
	wantError(t, get(t, s, path+"?next_page=nope"), http.StatusBadRequest, CodeInvalidNextPage)
	wantError(t, get(t, s, path+"?next_page=a&next_page=b"), http.StatusBadRequest, CodeInvalidNextPage)
	usageCursor := *decodePage(t, get(t, s, "/usage?filter=time:2025-01&limit=5")).Pagination.NextPage
	wantError(t, get(t, s, path+"?next_page="+url.QueryEscape(usageCursor)), http.StatusBadRequest, CodeInvalidNextPage)

	// The unused tag: one empty last page.
	unused := f.Tags[len(f.Tags)-1].ID
	if body := get(t, s, "/usage/tag-total/"+unused).Body.String(); body != `{"usage":[],"pagination":{"has_more":false}}` {
		t.Fatalf("unused tag: %s", body)
	}

	// Answer-shape faults apply to its pages.
	s.InjectFault(Fault{Kind: FaultNoHasMore, Times: 1})
	if body := get(t, s, path).Body.String(); !strings.Contains(body, `],"pagination":{"next_page":"`) {
		t.Fatalf("no-has_more fault on a tag page: %s", truncate([]byte(body)))
	}
}
