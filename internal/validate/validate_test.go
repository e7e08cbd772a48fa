package validate

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	for _, ok := range []string{"2025", "2025-03", "2025-03-31", "2024-02-29", "1999-12"} {
		if err := Time(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "25", "2025-3", "2025-13", "2025-00", "2024-02-30", "2023-02-29", "2025-04-31", "2025/03", "2025-03-1", "20250301", "2025-03-01T00:00:00Z", "abcd", "2025-03-0a", " 2025"} {
		if err := Time(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSimIDAndICCID(t *testing.T) {
	if SimID("000012345") != nil || SimID("12345") == nil || SimID("0000123456") == nil || SimID("00001234a") == nil {
		t.Error("SimID")
	}
	if ICCID("894573873000000227") != nil || ICCID("8945738730000002273412") != nil || ICCID("89457387300000022") == nil || ICCID("89457387300000022734123") == nil {
		t.Error("ICCID lengths")
	}
	for _, ok := range []string{"000012345", "89457387300000022734"} {
		if err := SimIDOrICCID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "12345", "0000123456", "8945738730000002273x", "../usage"} {
		if err := SimIDOrICCID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestSimIDPaddingHint: 1 to 8 digits (a SIM id whose leading zeros a
// spreadsheet dropped) get the zero-padded id as a hint, from both checks;
// anything else gets none.
func TestSimIDPaddingHint(t *testing.T) {
	hinted := map[string]string{
		"123":      "000000123",
		"1":        "000000001",
		"12345678": "012345678",
		"0":        "000000000",
		"5840":     "000005840",
	}
	for in, padded := range hinted {
		want := `; did you mean "` + padded + `"?`
		for name, check := range map[string]func(string) error{"SimID": SimID, "SimIDOrICCID": SimIDOrICCID} {
			err := check(in)
			if err == nil || !strings.HasSuffix(err.Error(), want) {
				t.Errorf("%s(%q) = %v, want an error ending %s", name, in, err, want)
			}
			if check(padded) != nil {
				t.Errorf("%s(%q): the suggested id is refused", name, padded)
			}
		}
	}
	for _, in := range []string{"", "0000123456", "00001234a", "12 34", "-123", "1234567890123"} {
		for name, check := range map[string]func(string) error{"SimID": SimID, "SimIDOrICCID": SimIDOrICCID} {
			if err := check(in); err == nil || strings.Contains(err.Error(), "did you mean") {
				t.Errorf("%s(%q) = %v, want an error without a hint", name, in, err)
			}
		}
	}
}

func TestCountryCode(t *testing.T) {
	for _, ok := range []string{"dk", "DK", "De", "us", "gb"} {
		if err := CountryCode(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if err := CountryCode("UK"); err == nil || !strings.Contains(err.Error(), `did you mean "gb"`) {
		t.Errorf("UK: %v, want a hint to gb", err)
	}
	for _, bad := range []string{"", "d", "dnk", "xx", "zz", "eu", "1a", "d-", "qq", "uk", "su", "xk", "yu"} {
		if err := CountryCode(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUUID(t *testing.T) {
	if err := UUID("3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f"); err != nil {
		t.Error(err)
	}
	if err := UUID("3F2B8C1E-5D4A-4F6B-9C2D-1A2B3C4D5E6F"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "3f2b8c1e5d4a4f6b9c2d1a2b3c4d5e6f", "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6g", "3f2b8c1e-5d4a-4f6b-9c2d_1a2b3c4d5e6f", "not-a-uuid"} {
		if err := UUID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCursor(t *testing.T) {
	if err := Cursor("MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA=="); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "abc def", "abc\n", "\x00", "abc\u00a0", "\xff"} {
		if err := Cursor(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTagName(t *testing.T) {
	for _, good := range []string{"production", "Fleet A", "cold-chain", "ø"} {
		if err := TagName(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"", " ", "\t", " production", "production\n"} {
		if err := TagName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestInstant(t *testing.T) {
	for s, want := range map[string]string{
		"2025-03-10T12:00:00Z":           "2025-03-10T12:00:00Z",
		"2025-03-10T13:30:00+01:30":      "2025-03-10T12:00:00Z",
		"2025-03-10T12:00:00.250Z":       "2025-03-10T12:00:00.25Z",
		"2024-02-29T23:59:59.999999999Z": "2024-02-29T23:59:59.999999999Z",
	} {
		got, err := Instant(s)
		if err != nil || got.Format(time.RFC3339Nano) != want || got.Location() != time.UTC {
			t.Errorf("Instant(%q) = %v, %v; want %s in UTC", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "2025-03-10", "2025-03-10T12:00:00", "2025-03-10 12:00:00Z", "2025-02-30T00:00:00Z", "yesterday", "0000-01-01T00:00:00Z"} {
		if _, err := Instant(bad); err == nil || !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("Instant(%q) = %v, want an error quoting the value", bad, err)
		}
	}
}
