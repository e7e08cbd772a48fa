package onomondo

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// Answers whose meaning is plain, though not the documented shape, are read
// exactly over a read of several pages.
func TestOddRecordShapesAreReadExactly(t *testing.T) {
	cases := []struct {
		name  string
		shape func(rec map[string]any)
	}{
		{"bytes as strings of decimal digits", func(rec map[string]any) {
			rec["bytes"] = strconv.FormatInt(rec["bytes"].(int64), 10)
		}},
		{"bytes as whole numbers in other notations", func(rec map[string]any) {
			rec["bytes"] = jsontext.Value(strconv.FormatInt(rec["bytes"].(int64), 10) + ".0e0")
		}},
		{"upper-case country codes", func(rec map[string]any) {
			rec["country_code"] = strings.ToUpper(rec["country_code"].(string))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newUsageAPI(100, 0, 0, rateReading{})
			s := newMemServer(a.shaped(eachRecord(tc.shape)))
			c, _ := s.client(t)
			var got sum
			_, err := c.ReadUsage(context.Background(), UsageQuery{Filters: []Filter{{"time", "2025-02"}}, Limit: 40}, func(recs []Record) error {
				for _, r := range recs {
					if r.CountryCode != "dk" {
						t.Fatalf("country_code %q, want it lower case", r.CountryCode)
					}
				}
				return got.add(recs)
			})
			if err != nil || !a.exact(got) || len(s.requests()) != 3 {
				t.Fatalf("%+v in %d pages, %v; want %d records, %d bytes in 3", got, len(s.requests()), err, a.count, a.total)
			}
		})
	}
}
