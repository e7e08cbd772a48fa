package validate

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below check each validator against a small reference
// implementation written independently of it, and check that every refusal
// quotes the input (so a user can see exactly which value was refused).
// Seed corpora live in testdata/fuzz/<FuzzName>/; the f.Add seeds repeat the
// most important of them so they survive a corpus clean-up.

// fzRefusalQuotes fails t unless err's message quotes s as %q does.
func fzRefusalQuotes(t *testing.T, fn, s string, err error) {
	t.Helper()
	if q := strconv.Quote(s); !strings.Contains(err.Error(), q) {
		t.Fatalf("%s(%q) refused with %q, which does not quote the input as %s", fn, s, err.Error(), q)
	}
}

func fzIsDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fzRefTime is the reference for Time: YYYY, YYYY-MM or YYYY-MM-DD in ASCII
// digits, a month 01-12 and a day that exists in that month of the
// proleptic Gregorian calendar. It does not use package time.
func fzRefTime(s string) bool {
	var y, m, d string
	switch len(s) {
	case 4:
		y = s
	case 7:
		if s[4] != '-' {
			return false
		}
		y, m = s[:4], s[5:]
	case 10:
		if s[4] != '-' || s[7] != '-' {
			return false
		}
		y, m, d = s[:4], s[5:7], s[8:]
	default:
		return false
	}
	if !fzIsDigits(y) || !fzIsDigits(m) || !fzIsDigits(d) {
		return false
	}
	if m == "" {
		return true
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	if month < 1 || month > 12 {
		return false
	}
	if d == "" {
		return true
	}
	day, _ := strconv.Atoi(d)
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day >= 1 && day <= days
}

func FuzzTime(f *testing.F) {
	for _, s := range []string{
		"2025", "2025-03", "2025-03-31", "2024-02-29", "2023-02-29", "2000-02-29",
		"1900-02-29", "0000", "9999-12-31", "2025-13", "2025-00", "2025-3",
		"2025-03-1", "20250301", "2025/03", "-025", "2025-03-01T00:00:00Z", "２０２５", "",
	} {
		f.Add(s)
	}
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	f.Fuzz(func(t *testing.T, s string) {
		err := Time(s)
		if want := fzRefTime(s); (err == nil) != want {
			t.Fatalf("Time(%q) = %v, reference says accepted=%v", s, err, want)
		}
		if err != nil {
			fzRefusalQuotes(t, "Time", s, err)
			return
		}
		layout, ok := layouts[len(s)]
		if !ok {
			t.Fatalf("Time(%q) accepted a value of length %d, want 4, 7 or 10", s, len(s))
		}
		tm, perr := time.Parse(layout, s)
		if perr != nil {
			t.Fatalf("Time(%q) accepted, but time.Parse(%q) fails: %v", s, layout, perr)
		}
		if back := tm.Format(layout); back != s {
			t.Fatalf("Time(%q) accepted, but it formats back as %q", s, back)
		}
	})
}

func FuzzSimID(f *testing.F) {
	for _, s := range []string{
		"000012345", "000002273", "999999999", "00001234", "0000123456",
		"00001234a", " 00012345", "000012345\n", "０００012345", "-00012345", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := SimID(s)
		want := len(s) == 9 && fzIsDigits(s)
		if (err == nil) != want {
			t.Fatalf("SimID(%q) = %v, want accepted=%v (exactly 9 ASCII digits)", s, err, want)
		}
		if err != nil {
			fzRefusalQuotes(t, "SimID", s, err)
			// 1 to 8 digits (leading zeros lost) and only those get the
			// zero-padded id as a hint.
			hint := strconv.Quote(strings.Repeat("0", max(0, 9-len(s))) + s)
			short := len(s) >= 1 && len(s) <= 8 && fzIsDigits(s)
			if got := strings.Contains(err.Error(), "did you mean "+hint); got != short {
				t.Fatalf("SimID(%q) = %q: padding hint present=%v, want %v", s, err, got, short)
			}
		}
	})
}

func FuzzICCID(f *testing.F) {
	for _, s := range []string{
		"89457387300000022734", "894573873000000227", "8945738730000002273412",
		"89457387300000022", "89457387300000022734123", "8945738730000002273F",
		"89457387300000022734 ", "+89457387300000022734", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ICCID(s)
		want := len(s) >= 18 && len(s) <= 22 && fzIsDigits(s)
		if (err == nil) != want {
			t.Fatalf("ICCID(%q) = %v, want accepted=%v (18 to 22 ASCII digits)", s, err, want)
		}
		if err != nil {
			fzRefusalQuotes(t, "ICCID", s, err)
		}
	})
}

func FuzzSimIDOrICCID(f *testing.F) {
	for _, s := range []string{
		"000012345", "89457387300000022734", "0000123456", "89457387300000022",
		"00001234a", "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := SimIDOrICCID(s)
		want := fzIsDigits(s) && (len(s) == 9 || (len(s) >= 18 && len(s) <= 22))
		if (err == nil) != want {
			t.Fatalf("SimIDOrICCID(%q) = %v, want accepted=%v", s, err, want)
		}
		if (err == nil) != (SimID(s) == nil || ICCID(s) == nil) {
			t.Fatalf("SimIDOrICCID(%q) = %v disagrees with SimID (%v) and ICCID (%v)", s, err, SimID(s), ICCID(s))
		}
		if err != nil {
			fzRefusalQuotes(t, "SimIDOrICCID", s, err)
		}
	})
}

// fzCaseVariants returns s with its ASCII letters lower-cased, upper-cased and
// in each mixed case (s has at most a few letters when it is called).
func fzCaseVariants(s string) []string {
	out := []string{strings.ToLower(s), strings.ToUpper(s)}
	if len(s) == 2 {
		out = append(out,
			strings.ToUpper(s[:1])+strings.ToLower(s[1:]),
			strings.ToLower(s[:1])+strings.ToUpper(s[1:]))
	}
	return out
}

func fzIsLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func FuzzCountryCode(f *testing.F) {
	for _, s := range []string{
		"dk", "DK", "De", "uS", "gb", "zz", "eu", "aa", "xx", "d", "dnk",
		"d1", "dk ", "ＤＫ", "ß", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CountryCode(s)
		if err != nil {
			fzRefusalQuotes(t, "CountryCode", s, err)
			if len(s) != 2 || !fzIsLetter(s[0]) || !fzIsLetter(s[1]) {
				return
			}
		} else if len(s) != 2 || !fzIsLetter(s[0]) || !fzIsLetter(s[1]) {
			t.Fatalf("CountryCode(%q) accepted something that is not two ASCII letters", s)
		}
		// Two ASCII letters: the verdict must not depend on their case.
		for _, v := range fzCaseVariants(s) {
			if verr := CountryCode(v); (verr == nil) != (err == nil) {
				t.Fatalf("CountryCode(%q) = %v but CountryCode(%q) = %v: the verdict depends on case", s, err, v, verr)
			}
		}
	})
}

// fzIsoAssigned is every officially assigned ISO 3166-1 alpha-2 code (249).
const fzIsoAssigned = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// TestCountryCodeAcceptsEveryAssignedCode is the exhaustive half of the
// country code cross-check that a fuzzer would only sample: every assigned
// ISO 3166-1 alpha-2 code is accepted, in every case.
func TestCountryCodeAcceptsEveryAssignedCode(t *testing.T) {
	codes := strings.Fields(fzIsoAssigned)
	if len(codes) != 249 {
		t.Fatalf("reference list has %d codes, want 249", len(codes))
	}
	for _, c := range codes {
		for _, v := range fzCaseVariants(c) {
			if err := CountryCode(v); err != nil {
				t.Errorf("CountryCode(%q): %v", v, err)
			}
		}
	}
}

var fzUuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func FuzzUUID(f *testing.F) {
	for _, s := range []string{
		"3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f", "3F2B8C1E-5D4A-4F6B-9C2D-1A2B3C4D5E6F",
		"00000000-0000-0000-0000-000000000000", "3f2b8c1e5d4a4f6b9c2d1a2b3c4d5e6f",
		"{3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f}", "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6g",
		"3f2b8c1e-5d4a-4f6b-9c2d1-a2b3c4d5e6f", "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f\n", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := UUID(s)
		if want := fzUuidRE.MatchString(s); (err == nil) != want {
			t.Fatalf("UUID(%q) = %v, want accepted=%v (8-4-4-4-12 hex)", s, err, want)
		}
		if err != nil {
			fzRefusalQuotes(t, "UUID", s, err)
		}
	})
}

func FuzzCursor(f *testing.F) {
	for _, s := range []string{
		"MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA==", "a", "abc def",
		"abc\tdef", "abc\n", "\x7f", "abc\xff", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Cursor(s)
		// Reference: non-empty printable ASCII (the API's cursors are base64).
		want := s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f })
		if (err == nil) != want {
			t.Fatalf("Cursor(%q) = %v, want accepted=%v", s, err, want)
		}
		if err != nil && s != "" {
			fzRefusalQuotes(t, "Cursor", s, err)
		}
	})
}
