package bytesize

import (
	"errors"
	"math"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError quoting the input, and that a successful result is >= 0 and
// formats to a string that Parse accepts again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"500 MB", "1.5GiB", "1024", "2 kB", "512 B", "0", "  1 KiB  ",
		"500 Mb", "5 M", "5 Mi", "0.5 B", "1.01 KiB", "7.99 EiB",
		"9223372036854775807", "9223372036854775808", "8 EiB", "-1 KiB",
		"1e6", "1,000 MB", ".5 kB", "", "garbage",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %v is %T, want *ParseError", s, err, err)
			}
			if pe.Input != s || pe.Reason == "" {
				t.Fatalf("Parse(%q): bad ParseError %#v", s, pe)
			}
			if n != 0 {
				t.Fatalf("Parse(%q) = %d with error %v", s, n, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("Parse(%q) = %d < 0", s, n)
		}
		formatted := Format(n)
		again, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q) = %d) = %q): %v", s, n, formatted, err)
		}
		if !closeEnough(n, again) {
			t.Fatalf("Parse(Format(%d) = %q) = %d: too far off", n, formatted, again)
		}
	})
}

// FuzzFormat checks that Format never panics and that Parse(Format(n)) is
// exact for 0 <= n < 1024 and within a relative error of 0.5% for n >= 1024.
// Negative n must format as "-" followed by the format of |n|.
func FuzzFormat(f *testing.F) {
	for _, n := range []int64{
		0, 1, 512, 1023, 1024, 1029, 1030, 1152, 1536, 1048571,
		1 << 20, 500_000_000, 1 << 30, 3 << 29, 1 << 40, 1 << 50, 1 << 60,
		math.MaxInt64, math.MaxInt64 - (1<<60)/200, -1, -1536, math.MinInt64,
	} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		s := Format(n)
		if n < 0 {
			if n != math.MinInt64 && s != "-"+Format(-n) {
				t.Fatalf("Format(%d) = %q, want \"-\" + %q", n, s, Format(-n))
			}
			if _, err := Parse(s); err == nil {
				t.Fatalf("Parse(Format(%d) = %q) succeeded for a negative value", n, s)
			}
			return
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(Format(%d) = %q): %v", n, s, err)
		}
		if !closeEnough(n, got) {
			t.Fatalf("Parse(Format(%d) = %q) = %d: relative error above 0.5%%", n, s, got)
		}
		// The decimal system: accepted by Parse, within 0.5% (exact below 1000).
		d := FormatIn(n, Decimal)
		gotD, err := Parse(d)
		if err != nil {
			t.Fatalf("Parse(FormatIn(%d, Decimal) = %q): %v", n, d, err)
		}
		if (n < 1000 && gotD != n) || (n >= 1000 && !withinHalfPercent(n, gotD)) {
			t.Fatalf("Parse(FormatIn(%d, Decimal) = %q) = %d: too far off", n, d, gotD)
		}
	})
}

// closeEnough reports whether got is exactly n (n < 1024) or within 0.5% of
// n (n >= 1024).
func closeEnough(n, got int64) bool {
	if n < 1024 {
		return got == n
	}
	return withinHalfPercent(n, got)
}
