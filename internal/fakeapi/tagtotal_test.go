package fakeapi

import (
	"net/http"
	"strconv"
	"testing"
)

func TestTagTotal(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	for _, tag := range []Tag{f.Tags[2], f.Tags[len(f.Tags)-1]} { // a tag in use, the unused one
		total, sims := f.TagTotal(tag.ID), f.TagSIMCount(tag.ID)
		rec := get(t, s, "/usage/tag-total/"+tag.ID)
		want := `{"tag_id":"` + tag.ID + `","bytes":` + strconv.FormatInt(total, 10) + `,"sim_count":` + itoa(sims) + `}`
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != want {
			t.Fatalf("%d %s, want %s", rec.Code, rec.Body.String(), want)
		}
	}
	if f.TagTotal(f.Tags[2].ID) == 0 || f.TagTotal(f.Tags[len(f.Tags)-1].ID) != 0 {
		t.Fatal("the test wants a tag in use and an unused one")
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
