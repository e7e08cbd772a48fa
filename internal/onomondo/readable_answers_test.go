package onomondo

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestUnambiguousAnswersAreRead: answers whose meaning is clear are read,
// not refused: no content for a month without usage, ids sent as JSON
// numbers, invalid UTF-8 in a string.
func TestUnambiguousAnswersAreRead(t *testing.T) {
	cases := []struct {
		name string
		h    func(w http.ResponseWriter)
		want []Record
	}{
		{"204 No Content", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, nil},
		{"another 2xx (299)", func(w http.ResponseWriter) { writeJSON(w, 299, usagePage(`{"bytes":4}`)) }, []Record{{Bytes: Bytes(4)}}},
		{"200 with an empty body", func(w http.ResponseWriter) { writeJSON(w, 200, "") }, nil},
		{"200 with only white space", func(w http.ResponseWriter) { writeJSON(w, 200, " \n") }, nil},
		{"ids as JSON numbers", func(w http.ResponseWriter) {
			writeJSON(w, 200, `{"usage":[{"sim_id":42,"iccid":89457387300000022734,"bytes":7,"network":{"mcc":238,"mnc":6}},`+
				`{"sim_id":0,"bytes":1,"network":{"mcc":1,"mnc":123}}],"pagination":{"has_more":false}}`)
		}, []Record{
			{SimID: "000000042", ICCID: "89457387300000022734", Bytes: Bytes(7), Network: Network{MCC: "238", MNC: "6"}},
			{SimID: "000000000", Bytes: Bytes(1), Network: Network{MCC: "001", MNC: "123"}},
		}},
		{"invalid UTF-8 in a string", func(w http.ResponseWriter) {
			writeJSON(w, 200, "{\"usage\":[{\"network_type\":\"4G\xff\",\"bytes\":3}],\"pagination\":{\"has_more\":false}}")
		}, []Record{{NetworkType: "4G\uFFFD", Bytes: Bytes(3)}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { tc.h(w) })
				c, _ := s.client(t)
				got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tc.want) || res.HasMore || res.Pages != 1 {
					t.Fatalf("%d records, %+v; want %d", len(got), res, len(tc.want))
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Errorf("record %d = %+v, want %+v", i+1, got[i], tc.want[i])
					}
				}
			})
		})
	}
}

// TestNumbersThatCannotBeIDsAreRefused: a number is read as an id only
// where it can be one; anything else stays a clear error naming the record.
func TestNumbersThatCannotBeIDsAreRefused(t *testing.T) {
	for body, want := range map[string]string{
		`{"usage":[{"sim_id":1234567890,"bytes":1}]}`:   `record 1 of the page: "sim_id" 1234567890 is a JSON number that is not an id`,
		`{"usage":[{"sim_id":4.2,"bytes":1}]}`:          `record 1 of the page: "sim_id" 4.2 is a JSON number that is not an id`,
		`{"usage":[{"network":{"mcc":-1},"bytes":1}]}`:  `record 1 of the page: "mcc" -1 is a JSON number that is not an id`,
		`{"usage":[{"network":{"mnc":1e3},"bytes":1}]}`: `"mnc" 1e3 is a JSON number that is not an id`,
		`{"usage":[{"session_id":5,"bytes":1}]}`:        `record 1 of the page: `,
	} {
		bubble(t, func(t *testing.T) {
			s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, body) })
			c, _ := s.client(t)
			_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: err = %v, want a decode error with %q", body, err, want)
			}
		})
	}
}

// TestNoContentAfterMoreFollowIsAnError: no content is an empty read only
// on a read's first page. After a page that said more follow (or from a
// next_page cursor), an empty answer would end the read short without a
// word: it is an error.
func TestNoContentAfterMoreFollowIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name     string
		empty    func(w http.ResponseWriter)
		q        UsageQuery
		want     string
		requests int
	}{
		{"204 on page 2", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, UsageQuery{},
			"(page 2) answered HTTP 204, but the body is not the JSON the client expects: there is no content (HTTP 204), although the page before said more follow", 2},
		{"empty 200 on page 2", func(w http.ResponseWriter) { writeJSON(w, 200, "") }, UsageQuery{},
			"(page 2) answered HTTP 200, but the body is not the JSON the client expects: the body is empty, although the page before said more follow", 2},
		{"204 on the first page of a read from a cursor", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, UsageQuery{NextPage: "c9"},
			"(page 1) answered HTTP 204", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					if n == 1 && tc.q.NextPage == "" {
						writeJSON(w, 200, page(2, 0, "c2"))
						return
					}
					tc.empty(w)
				})
				c, _ := s.client(t)
				tc.q.Filters = []Filter{{"time", "2025"}}
				_, _, err := collect(t, c, tc.q)
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v", err)
				}
				if n := len(s.requests()); n != tc.requests {
					t.Errorf("%d requests, want %d", n, tc.requests)
				}
			})
		})
	}
}
