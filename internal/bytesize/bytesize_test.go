package bytesize

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

const (
	kiB = int64(1) << 10
	miB = int64(1) << 20
	giB = int64(1) << 30
	tiB = int64(1) << 40
	piB = int64(1) << 50
	eiB = int64(1) << 60
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		// Bare numbers and B.
		{"0", 0},
		{"1024", 1024},
		{"512 B", 512},
		{"512B", 512},
		{"0 B", 0},
		{"007", 7},
		{"1.0 B", 1},
		{"1.000", 1},
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775807 B", math.MaxInt64},
		{"00000000000000000000009223372036854775807", math.MaxInt64},

		// Decimal units.
		{"2 kB", 2000},
		{"1 KB", 1000},
		{"500 MB", 500_000_000},
		{"500 mB", 500_000_000},
		{"3 GB", 3_000_000_000},
		{"3 gB", 3_000_000_000},
		{"4 TB", 4_000_000_000_000},
		{"4 tB", 4_000_000_000_000},
		{"5 PB", 5_000_000_000_000_000},
		{"5 pB", 5_000_000_000_000_000},
		{"9 EB", 9_000_000_000_000_000_000},
		{"9 eB", 9_000_000_000_000_000_000},
		{"0.5 kB", 500},
		{"1.5 MB", 1_500_000},
		{"0.001 kB", 1},
		{"1.000000 kB", 1000},
		{"1.0001 MB", 1_000_100},
		{"9.223372036854775807 EB", math.MaxInt64},

		// Binary units, every case variant of prefix and "i".
		{"1 KiB", kiB},
		{"1 kiB", kiB},
		{"1 KIB", kiB},
		{"1 kIB", kiB},
		{"1 MiB", miB},
		{"1 miB", miB},
		{"1 MIB", miB},
		{"1 GiB", giB},
		{"1 giB", giB},
		{"1 TiB", tiB},
		{"1 tIB", tiB},
		{"1 PiB", piB},
		{"1 piB", piB},
		{"1 EiB", eiB},
		{"1 eiB", eiB},
		{"1.5GiB", giB + giB/2},
		{"1.5 GiB", giB + giB/2},
		{"0.25 KiB", 256},
		{"7 EiB", 7 * eiB},
		{"0.0009765625 KiB", 1}, // 1/1024 exactly

		// Rounding of binary fractions whose last digit is worth >= 1 byte.
		{"1.01 KiB", 1034},                          // 1034.24
		{"1.005 KiB", 1029},                         // 1029.12
		{"1.999 KiB", 2047},                         // 2046.976
		{"0.001 KiB", 1},                            // 1.024
		{"1.23 MiB", 1289748},                       // 1289748.48
		{"0.000001 MiB", 1},                         // 1.048576
		{"7.99 EiB", 9211842821808707338},           // 9211842821808707338.24
		{"7.999999999999999999 EiB", math.MaxInt64}, // 9223372036854775806.85...

		// White space.
		{"  500 MB  ", 500_000_000},
		{"500MB", 500_000_000},
		{"500   MB", 500_000_000},
		{"500\tMB", 500_000_000},
		{"\n1 KiB\n", kiB},
		{"500\u00a0MB", 500_000_000}, // no-break space
		{" 42 ", 42},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in     string
		reason string // substring of the error message
	}{
		// Empty.
		{"", "empty"},
		{"   ", "empty"},
		{"\t\n", "empty"},

		// Lower-case b = bits.
		{"500 Mb", `a lower-case "b" means bits; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`},
		{"500 mb", `a lower-case "b" means bits; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`},
		{"2 kb", `a lower-case "b" means bits; use "kB" (10^3 bytes) or "KiB" (2^10 bytes)`},
		{"2 Kb", `means bits`},
		{"1 Gb", `use "GB" (10^9 bytes) or "GiB" (2^30 bytes)`},
		{"1 Tb", `use "TB" (10^12 bytes) or "TiB" (2^40 bytes)`},
		{"1 Pb", `use "PB" (10^15 bytes) or "PiB" (2^50 bytes)`},
		{"1 Eb", `use "EB" (10^18 bytes) or "EiB" (2^60 bytes)`},
		{"1 Kib", `means bits`},
		{"1 KIb", `means bits`},
		{"1.5 gib", `means bits`},
		{"8 b", `a lower-case "b" means bits; use "B" for bytes`},
		{"8b", `means bits`},

		// Prefix without B.
		{"5 M", `unit "M" is ambiguous; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`},
		{"5 K", `unit "K" is ambiguous; use "kB" (10^3 bytes) or "KiB" (2^10 bytes)`},
		{"5k", `unit "k" is ambiguous`},
		{"5 G", `ambiguous`},
		{"5 T", `ambiguous`},
		{"5 P", `ambiguous`},
		{"5 E", `ambiguous`},
		{"5 Mi", `unit "Mi" is missing the final "B"; use "MiB" (2^20 bytes)`},
		{"5 GI", `missing the final "B"`},

		// Unknown units and garbage.
		{"5 XB", `unknown unit "XB"`},
		{"5 bytes", `unknown unit "bytes"`},
		{"5 byte", `unknown unit`},
		{"5 MBs", `unknown unit "MBs"`},
		{"5 MiBs", `unknown unit`},
		{"5 M B", `unknown unit "M B"`},
		{"5 iB", `unknown unit`},
		{"5 µB", `unknown unit`},
		{"5 KiB extra", `unknown unit`},
		{"5 %", `unknown unit "%"`},
		{"5%", `unexpected character '%'`},
		{"5/MB", `unexpected character '/'`},
		{"abc", `expected a number`},
		{"MB", `expected a number`},
		{"KiB 5", `expected a number`},
		{"five MB", `expected a number`},
		{"\u0665 B", `expected a number`}, // Arabic-Indic digit five
		{"0x10", `unknown unit "x10"`},
		{"NaN", `expected a number`},
		{"Inf", `expected a number`},

		// Signs.
		{"-1", `negative sizes are not allowed`},
		{"-1 KiB", `negative`},
		{" -0 B", `negative`},
		{"+1 KiB", `a sign is not allowed`},

		// Malformed numbers.
		{".5 kB", `expected a digit before the decimal point`},
		{"5. kB", `expected a digit after the decimal point`},
		{"5.", `expected a digit after the decimal point`},
		{"1.2.3 MB", `only one decimal point`},
		{"1,000 MB", `digit separators`},
		{"1_000", `digit separators`},
		{"1'000", `digit separators`},

		// Exponents.
		{"1e6", `exponents are not supported`},
		{"1E6", `exponents are not supported`},
		{"1e+6 B", `exponents are not supported`},
		{"1.5e-3 GB", `exponents are not supported`},

		// Not a whole number of bytes.
		{"0.5 B", `not a whole number of bytes (it is 0.5 bytes)`},
		{"0.5", `not a whole number of bytes`},
		{"1.5 B", `not a whole number of bytes (it is 1.5 bytes)`},
		{"0.0001 kB", `not a whole number of bytes (it is 0.1 bytes)`},
		{"1.0000001 MB", `not a whole number of bytes (it is 1000000.1 bytes)`},
		{"1.0001 KiB", `not a whole number of bytes (it is 1024.1024 bytes)`},
		{"1.0000001 MiB", `not a whole number of bytes`},
		{"1." + strings.Repeat("1", 100) + " EiB", `not a whole number of bytes`},

		// Overflow.
		{"9223372036854775808", `larger than the maximum of 9223372036854775807 bytes`},
		{"9223372036854775808 B", `larger than the maximum`},
		{"8 EiB", `larger than the maximum`},
		{"8.00 EiB", `larger than the maximum`},
		{"10 EB", `larger than the maximum`},
		{"9.223372036854775808 EB", `larger than the maximum`},
		{"8388608 TiB", `larger than the maximum`},
		{"99999999999999999999999999999999999 B", `larger than the maximum`},
		{"10000000000000000000", `larger than the maximum`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %d, want error containing %q", tt.in, got, tt.reason)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v is %T, want *ParseError", tt.in, err, err)
			continue
		}
		if pe.Input != tt.in {
			t.Errorf("Parse(%q): ParseError.Input = %q", tt.in, pe.Input)
		}
		if got != 0 {
			t.Errorf("Parse(%q) returned %d with an error, want 0", tt.in, got)
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.reason) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, msg, tt.reason)
		}
		prefix := "cannot parse " + strconv.Quote(tt.in) + " as a byte size: "
		if !strings.HasPrefix(msg, prefix) {
			t.Errorf("Parse(%q) error = %q, want prefix %q", tt.in, msg, prefix)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := Parse("500 Mb")
	want := `cannot parse "500 Mb" as a byte size: a lower-case "b" means bits; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`
	if err == nil || err.Error() != want {
		t.Fatalf("Parse(\"500 Mb\") error = %v, want %q", err, want)
	}
	_, err = Parse("5 M")
	want = `cannot parse "5 M" as a byte size: unit "M" is ambiguous; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`
	if err == nil || err.Error() != want {
		t.Fatalf("Parse(\"5 M\") error = %v, want %q", err, want)
	}
	_, err = Parse("8 EiB")
	want = `cannot parse "8 EiB" as a byte size: the size is larger than the maximum of 9223372036854775807 bytes (8 EiB minus 1 byte)`
	if err == nil || err.Error() != want {
		t.Fatalf("Parse(\"8 EiB\") error = %v, want %q", err, want)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{1, "1 B"},
		{512, "512 B"},
		{1000, "1000 B"},
		{1023, "1023 B"},
		{1024, "1.00 KiB"},
		{1029, "1.00 KiB"}, // 1.00488...
		{1030, "1.01 KiB"}, // 1.00585...
		{1152, "1.13 KiB"}, // 1.125 exactly: halves round up
		{1536, "1.50 KiB"},
		{2000, "1.95 KiB"}, // 1.953125
		{1048570, "1023.99 KiB"},
		{1048571, "1.00 MiB"}, // 1023.9951... would be 1024.00 KiB
		{miB - 1, "1.00 MiB"},
		{miB, "1.00 MiB"},
		{500_000_000, "476.84 MiB"},
		{giB, "1.00 GiB"},
		{giB + giB/2, "1.50 GiB"},
		{3 * giB, "3.00 GiB"},
		{tiB, "1.00 TiB"},
		{1_000_000_000_000, "931.32 GiB"},
		{piB, "1.00 PiB"},
		{1023 * piB, "1023.00 PiB"},
		{eiB, "1.00 EiB"},
		{7 * eiB, "7.00 EiB"},
		{7*eiB + eiB/2, "7.50 EiB"},
		{math.MaxInt64, "7.99 EiB"},
		{math.MaxInt64 - eiB/200 + 10, "7.99 EiB"}, // just above 7.995 EiB: clamped
		{math.MaxInt64 - eiB/200 - 10, "7.99 EiB"}, // just below 7.995 EiB: rounds down
		{7*eiB + 98*(eiB/100), "7.98 EiB"},

		// Negative values.
		{-1, "-1 B"},
		{-1023, "-1023 B"},
		{-1536, "-1.50 KiB"},
		{-(giB + giB/2), "-1.50 GiB"},
		{-math.MaxInt64, "-7.99 EiB"},
		{math.MinInt64, "-8.00 EiB"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFormatParseExact checks that parse(format(n)) == n for values that
// Format renders exactly: n = k*1024^m for small k.
func TestFormatParseExact(t *testing.T) {
	for m := 0; m <= 6; m++ {
		unit := int64(1) << (10 * m)
		for k := int64(0); k < 1024; k++ {
			if m == 6 && k >= 8 {
				break
			}
			n := k * unit
			s := Format(n)
			got, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(Format(%d) = %q): %v", n, s, err)
			}
			if got != n {
				t.Fatalf("Parse(Format(%d) = %q) = %d", n, s, got)
			}
		}
	}
	// Exact quarters, halves etc. (two decimals are enough).
	for _, n := range []int64{giB + giB/4, 3*miB + miB/2, 5*tiB + 3*tiB/4, 1023*kiB + kiB/4} {
		if got, err := Parse(Format(n)); err != nil || got != n {
			t.Errorf("Parse(Format(%d) = %q) = %d, %v", n, Format(n), got, err)
		}
	}
}

// TestFormatParseRoundTrip checks, for many n, that Parse(Format(n)) is within
// the rounding error of Format: half a hundredth of the displayed unit (a full
// hundredth at the 7.99 EiB clamp), plus the half byte by which Parse rounds.
func TestFormatParseRoundTrip(t *testing.T) {
	check := func(n int64) {
		t.Helper()
		s := Format(n)
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(Format(%d) = %q): %v", n, s, err)
		}
		// The space between number and unit is optional.
		if got2, err := Parse(strings.ReplaceAll(s, " ", "")); err != nil || got2 != got {
			t.Fatalf("Parse(%q) = %d, %v; want %d as with the space", strings.ReplaceAll(s, " ", ""), got2, err, got)
		}
		if n < 1024 {
			if got != n {
				t.Fatalf("Parse(Format(%d) = %q) = %d, want exact", n, s, got)
			}
			return
		}
		unit := unitOf(s)
		// |got - n| * 200 <= unit (+ 200 * 0.5 byte); doubled at the clamp.
		allowed := new(big.Int).SetInt64(unit)
		if n >= math.MaxInt64-eiB/200-1 {
			allowed.Mul(allowed, big.NewInt(2))
		}
		allowed.Add(allowed, big.NewInt(100))
		diff := new(big.Int).Sub(big.NewInt(got), big.NewInt(n))
		diff.Abs(diff).Mul(diff, big.NewInt(200))
		if diff.Cmp(allowed) > 0 {
			t.Fatalf("Parse(Format(%d) = %q) = %d, off by more than Format's rounding", n, s, got)
		}
		if !withinHalfPercent(n, got) {
			t.Fatalf("Parse(Format(%d) = %q) = %d, relative error above 0.5%%", n, s, got)
		}
	}

	for n := int64(0); n < 1<<17; n++ {
		check(n)
	}
	for shift := 10; shift < 63; shift++ {
		base := int64(1) << shift
		for d := int64(-600); d <= 600; d++ {
			if n := base + d*(base>>12) + d; n >= 0 {
				check(n)
			}
		}
	}
	for d := int64(0); d < 100000; d++ {
		check(math.MaxInt64 - d*(eiB/100000))
	}
	randomWalk(check)
}

// randomWalk calls check with 200,000 values of a deterministic
// pseudo-random walk over the whole non-negative int64 range.
func randomWalk(check func(int64)) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := 0; i < 200000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		check(int64(x >> (1 + x%63)))
	}
}

// unitOf returns the number of bytes in the unit of a Format result.
func unitOf(s string) int64 {
	for i := len(binaryNames) - 1; i >= 0; i-- {
		if strings.HasSuffix(s, " "+binaryNames[i]) {
			return int64(1) << (10 * i)
		}
	}
	panic("no unit in " + s)
}

// withinHalfPercent reports whether |got-n| <= 0.5% of n (n > 0).
func withinHalfPercent(n, got int64) bool {
	diff := new(big.Int).Sub(big.NewInt(got), big.NewInt(n))
	diff.Abs(diff).Mul(diff, big.NewInt(1000))
	limit := new(big.Int).Mul(big.NewInt(n), big.NewInt(5))
	return diff.Cmp(limit) <= 0
}
