package bytesize

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestFormatInDecimal(t *testing.T) {
	want := map[int64]string{
		0:                         "0 B",
		999:                       "999 B",
		1000:                      "1.00 kB",
		1005:                      "1.01 kB", // 1.005 exactly: halves round up
		1004:                      "1.00 kB",
		1023:                      "1.02 kB",
		1024:                      "1.02 kB",
		999_994:                   "999.99 kB",
		999_995:                   "1.00 MB", // would be 1000.00 kB
		500_000_000:               "500.00 MB",
		600_000_000_000:           "600.00 GB",
		480_000_000_000:           "480.00 GB",
		1_610_612_736:             "1.61 GB", // 1.5 GiB
		1_000_000_000_000:         "1.00 TB",
		1_000_000_000_000_000:     "1.00 PB",
		1_000_000_000_000_000_000: "1.00 EB",
		math.MaxInt64:             "9.22 EB", // 9.223372... EB: no clamp needed
		-1:                        "-1 B",
		-1500:                     "-1.50 kB",
		math.MinInt64:             "-9.22 EB",
	}
	for in, w := range want {
		if got := FormatIn(in, Decimal); got != w {
			t.Errorf("FormatIn(%d, Decimal) = %q, want %q", in, got, w)
		}
	}
}

// TestFormatInBinaryIsFormat: Binary is the default system, so FormatIn
// with it and Format agree everywhere the binary tests look.
func TestFormatInBinaryIsFormat(t *testing.T) {
	for _, n := range []int64{0, 1023, 1024, 1536, 500_000_000, math.MaxInt64, math.MinInt64, -1536} {
		if a, b := FormatIn(n, Binary), Format(n); a != b {
			t.Errorf("FormatIn(%d, Binary) = %q, Format = %q", n, a, b)
		}
	}
}

func TestParseSystem(t *testing.T) {
	for name, want := range map[string]System{"si": Decimal, "iec": Binary} {
		if got, err := ParseSystem(name); err != nil || got != want {
			t.Errorf("ParseSystem(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	for _, name := range []string{"", "SI", "decimal", "binary", "metric"} {
		_, err := ParseSystem(name)
		if err == nil {
			t.Errorf("ParseSystem(%q) accepted", name)
			continue
		}
		for _, want := range []string{`"` + name + `"`, `"si"`, `"iec"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ParseSystem(%q) error %q does not contain %s", name, err, want)
			}
		}
	}
}

// TestFormatInDecimalParseRoundTrip: Parse accepts every decimal result for
// n >= 0, within half a hundredth of the displayed unit; exact below 1000.
func TestFormatInDecimalParseRoundTrip(t *testing.T) {
	check := func(n int64) {
		t.Helper()
		s := FormatIn(n, Decimal)
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(FormatIn(%d, Decimal) = %q): %v", n, s, err)
		}
		if n < 1000 {
			if got != n {
				t.Fatalf("Parse(FormatIn(%d, Decimal) = %q) = %d, want exact", n, s, got)
			}
			return
		}
		unit := decimalUnitOf(s)
		diff := new(big.Int).Sub(big.NewInt(got), big.NewInt(n))
		diff.Abs(diff).Mul(diff, big.NewInt(200))
		if diff.Cmp(big.NewInt(unit)) > 0 {
			t.Fatalf("Parse(FormatIn(%d, Decimal) = %q) = %d, off by more than half a hundredth of the unit", n, s, got)
		}
	}
	for n := int64(0); n < 1<<17; n++ {
		check(n)
	}
	for p, unit := 0, int64(1000); p < 6; p, unit = p+1, unit*1000 {
		for d := int64(-600); d <= 600; d++ {
			if n := unit + d*(unit/1000) + d; n >= 0 {
				check(n)
			}
		}
	}
	randomWalk(check)
	check(math.MaxInt64)
}

func decimalUnitOf(s string) int64 {
	unit := int64(1)
	for i := range decimalNames {
		if strings.HasSuffix(s, " "+decimalNames[i]) {
			return unit
		}
		unit *= 1000
	}
	panic("no unit in " + s)
}
