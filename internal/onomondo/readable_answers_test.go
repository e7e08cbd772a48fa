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
