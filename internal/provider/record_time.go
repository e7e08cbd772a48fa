package provider

import (
	"time"
)

// recordTime reads a usage record's start time: the API's
// "YYYY-MM-DD HH:MM:SS" (UTC), or RFC 3339 with a zone (the two forms
// onomondo.RFC3339Time converts). It returns the instant and its UTC date
// "YYYY-MM-DD"; ok is false for anything else, including dates that do
// not exist and years outside 0000-9999.
func recordTime(s string) (t time.Time, day string, ok bool) {
	var c recordClock
	return c.read(s)
}

// recordClock reads record times, one record after another. It is called
// for every record, so the API's form is read by hand (time.Parse costs
// more than the rest of the aggregation), and the date of the last record
// is remembered: the records of a page mostly share a few dates, each
// checked and converted once. The day it returns for them is one string,
// which the per-page sums compare by pointer.
type recordClock struct {
	day  string // the last date read in the API's form, valid
	base int64  // its midnight, in Unix seconds
}

func (c *recordClock) read(s string) (t time.Time, day string, ok bool) {
	if len(s) == 19 && s[10] == ' ' {
		if s[:10] != c.day {
			base, ok := apiDate(s[:10])
			if !ok {
				return time.Time{}, "", false
			}
			c.day, c.base = s[:10], base
		}
		if sec, ok := apiClock(s[11:]); ok {
			return time.Unix(c.base+sec, 0).UTC(), c.day, true
		}
		return time.Time{}, "", false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, "", false
	}
	t = t.UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return time.Time{}, "", false
	}
	return t, t.Format(time.DateOnly), true
}

// apiDate reads "YYYY-MM-DD" as the Unix seconds of its midnight (UTC).
func apiDate(s string) (int64, bool) {
	if s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	return daysFromCivil(y, mo, d) * 86400, true
}

// apiClock reads "HH:MM:SS" as seconds since midnight.
func apiClock(s string) (int64, bool) {
	if s[2] != ':' || s[5] != ':' {
		return 0, false
	}
	h, mi, sec := two(s[0], s[1]), two(s[3], s[4]), two(s[6], s[7])
	if h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	return h*3600 + mi*60 + sec, true
}

// two reads two decimal digits; -1 if either is not one.
func two(a, b byte) int64 {
	a, b = a-'0', b-'0' // bytes below '0' wrap above 9
	if a > 9 || b > 9 {
		return -1
	}
	return int64(a)*10 + int64(b)
}

// digits reads a string of decimal digits.
func digits(s string) (int64, bool) {
	v := int64(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// daysIn is the number of days of month mo (1-12) of year y.
func daysIn(y, mo int64) int64 {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the date y-mo-d of
// the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func daysFromCivil(y, mo, d int64) int64 {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (mo + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
