// Package validate holds the plain-Go checks for every value a user can pass
// to the Onomondo usage API: usage periods, SIM ids, ICCIDs, country codes,
// tag ids, tag names and paging cursors.
//
// The provider wraps these functions in framework validators so that a bad
// value is refused at plan time, on the attribute that holds it, before any
// request is sent. Keeping them free of Terraform types lets them be fuzzed
// and reused by the API client and the fake API.
package validate

import (
	"fmt"
	"strings"
	"time"
)

// Time checks a usage period as the API's `time` filter takes it: `YYYY`,
// `YYYY-MM` or `YYYY-MM-DD`, and a date that exists (`2024-02-30` is refused).
func Time(s string) error {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	default:
		return fmt.Errorf("%q is not a usage period: use YYYY, YYYY-MM or YYYY-MM-DD (for example \"2025\", \"2025-03\" or \"2025-03-31\")", s)
	}
	if !allDigitsExcept(s, '-') || (len(s) > 4 && s[4] != '-') || (len(s) > 7 && s[7] != '-') {
		return fmt.Errorf("%q is not a usage period: use YYYY, YYYY-MM or YYYY-MM-DD (for example \"2025\", \"2025-03\" or \"2025-03-31\")", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Format(layout) != s {
		return fmt.Errorf("%q is not a real date: check the month (01-12) and the day of that month", s)
	}
	return nil
}

// SimID checks a SIM id: exactly 9 digits, zero padded (`000012345`). A
// shorter run of digits, as a spreadsheet leaves after dropping the leading
// zeros, gets the padded id as a hint.
func SimID(s string) error {
	if len(s) != 9 || !allDigitsExcept(s, 0) {
		return fmt.Errorf("%q is not a SIM id: a SIM id is exactly 9 digits, zero padded (for example \"000012345\")%s", s, padHint(s))
	}
	return nil
}

// padHint is `; did you mean "000000123"?` for 1 to 8 digits (a SIM id that
// lost its leading zeros), else empty.
func padHint(s string) string {
	if len(s) < 1 || len(s) > 8 || !allDigitsExcept(s, 0) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", strings.Repeat("0", 9-len(s))+s)
}

// ICCID checks a SIM's ICCID: 18 to 22 digits.
func ICCID(s string) error {
	if len(s) < 18 || len(s) > 22 || !allDigitsExcept(s, 0) {
		return fmt.Errorf("%q is not an ICCID: an ICCID is 18 to 22 digits (for example \"89457387300000022734\")", s)
	}
	return nil
}

// SimIDOrICCID checks the path segment of GET /usage/{sim_id}, which takes a
// 9-digit SIM id or an 18-22 digit ICCID.
func SimIDOrICCID(s string) error {
	if SimID(s) == nil || ICCID(s) == nil {
		return nil
	}
	return fmt.Errorf("%q is neither a SIM id (exactly 9 digits, such as \"000012345\") nor an ICCID (18 to 22 digits, such as \"89457387300000022734\")%s", s, padHint(s))
}

// CountryCode checks an ISO 3166-1 alpha-2 country code in any case (`dk`,
// `DK`); the API is sent the lower-case form.
func CountryCode(s string) error {
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return fmt.Errorf("%q is not a country code: use a two-letter ISO 3166-1 alpha-2 code such as \"dk\" or \"DE\"", s)
	}
	lower := strings.ToLower(s)
	if assignedCountries[lower] {
		return nil
	}
	if hint, ok := countryHints[lower]; ok {
		return fmt.Errorf("%q is not an assigned ISO 3166-1 alpha-2 country code: did you mean %q?", s, hint)
	}
	return fmt.Errorf("%q is not an assigned ISO 3166-1 alpha-2 country code (for example \"dk\", \"de\", \"us\")", s)
}

// UUID checks a tag id: a UUID in its 8-4-4-4-12 hexadecimal form.
func UUID(s string) error {
	if len(s) != 36 {
		return fmt.Errorf("%q is not a tag id: a tag id is a UUID such as \"3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f\"", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return fmt.Errorf("%q is not a tag id: a tag id is a UUID such as \"3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f\"", s)
			}
		default:
			if !isHex(c) {
				return fmt.Errorf("%q is not a tag id: a tag id is a UUID such as \"3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f\"", s)
			}
		}
	}
	return nil
}

// TagName checks a tag name to match SIMs' tags by: not empty, and without
// surrounding whitespace, since names are matched exactly and " production"
// would silently match nothing.
func TagName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%q is not a tag name: a tag name is not empty", s)
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("%q has leading or trailing whitespace: tag names are matched exactly, so it would match no tag; remove it (trimspace())", s)
	}
	return nil
}

// Cursor checks a paging cursor taken from a previous read's
// `pagination.next_page`: opaque to us, but never empty and only printable
// ASCII (the API's cursors are base64); anything else is a copy-paste
// accident.
func Cursor(s string) error {
	if s == "" {
		return fmt.Errorf("next_page is empty: leave it unset to start from the first page")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return fmt.Errorf("%q is not a paging cursor: cursors from pagination.next_page are printable ASCII, with no spaces or control characters", s)
		}
	}
	return nil
}

func allDigitsExcept(s string, allowed byte) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (allowed == 0 || c != allowed) {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// Instant checks an instant as `since` and `until` take it: RFC 3339 with
// a time zone (`2025-03-10T12:00:00Z`, `2025-03-10T13:00:00+01:00`), as
// `timestamp()`, `plantimestamp()` and `timeadd()` write it. It returns the
// instant in UTC.
func Instant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time with a time zone, such as \"2025-03-10T12:00:00Z\" (for the last 24 hours use timeadd(plantimestamp(), \"-24h\"))", s)
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q lies outside the years 0001 to 9999", s)
	}
	return t.UTC(), nil
}
