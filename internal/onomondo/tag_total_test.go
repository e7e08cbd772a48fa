package onomondo

import (
	"strings"
	"testing"
)

// TestTagTotalUnitsAndCounts: a total with a unit is read in that unit, or
// refused when the unit is not one of bytes; never taken for bytes. Beside
// a "usage" list, a "total" that counts the records is not read as bytes.
func TestTagTotalUnitsAndCounts(t *testing.T) {
	ok := []struct {
		body  string
		total int64
		from  string
	}{
		{`{"total":5,"unit":"MB"}`, 5_000_000, "total"},
		{`{"total":5,"unit":"KB"}`, 5_000, "total"},
		{`{"total_bytes":"1.5","unit":"GiB"}`, 1_610_612_736, "total_bytes"},
		{`{"bytes":2,"unit":"kB","total":2,"usage":2}`, 2_000, "bytes"},
		{`{"total":7,"unit":"bytes"}`, 7, "total"},
		{`{"total":7,"unit":"B"}`, 7, "total"},
		{`{"total":7,"unit":null}`, 7, "total"},
		{`{"count":2,"total":2,"usage":[{"bytes":10},{"bytes":5}]}`, 15, "usage[]"},
		{`{"total":2,"usage":[{"bytes":10},{"bytes":5}],"pagination":{"has_more":false}}`, 15, "usage[]"},
		{`{"count":2,"total":15,"usage":[{"bytes":10},{"bytes":5}]}`, 15, "usage[]"},
		{`{"total":1,"unit":"MB","usage":[{"bytes":600000},{"bytes":400000}]}`, 1_000_000, "usage[]"},
	}
	for _, tc := range ok {
		got, err := DecodeTagTotal([]byte(tc.body))
		if err != nil || !got.Found || got.Bytes != tc.total || got.From != tc.from {
			t.Errorf("%s: %+v, %v; want %d from %q", tc.body, got, err, tc.total, tc.from)
		}
	}
	refused := map[string]string{
		`{"total":5,"unit":"Mb"}`:                                  `"unit" "Mb" is not a unit of bytes`,
		`{"total":5,"unit":"furlongs"}`:                            `"unit" "furlongs" is not a unit of bytes`,
		`{"total":5,"unit":"%"}`:                                   `"unit" "%" is not a unit of bytes`,
		`{"total":5,"unit":7}`:                                     `"unit" is 7, expected a unit`,
		`{"total":0.5,"unit":"B"}`:                                 "not a whole number",
		`{"total":"1.0001","unit":"kB"}`:                           `"total": 1.0001 "kB" is not a whole number of bytes`,
		`{"total":5e3,"unit":"MB"}`:                                "exponents are not supported",
		`{"total":true,"unit":"MB"}`:                               "is a JSON boolean, expected a number",
		`{"count":2,"total":3,"usage":[{"bytes":10},{"bytes":5}]}`: "ambiguous",
	}
	for body, want := range refused {
		if got, err := DecodeTagTotal([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %+v, %v; want an error with %q", body, got, err, want)
		}
	}
}
