package provider

import (
	"time"
)

// recordTime reads a usage record's start time: the API's
// "YYYY-MM-DD HH:MM:SS" (UTC), or RFC 3339 with a zone (the two forms
// onomondo.RFC3339Time converts). It returns the instant and its UTC date
// "YYYY-MM-DD"; ok is false for anything else, including dates that do
// not exist and years outside 0000-9999.
//
// The API's form is read by hand: it is called once per record, and
// time.Parse costs several times more than the rest of the aggregation.
func recordTime(s string) (t time.Time, day string, ok bool) {
	if sec, ok := apiSeconds(s); ok {
		return time.Unix(sec, 0).UTC(), s[:10], true
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

// apiSeconds reads "YYYY-MM-DD HH:MM:SS" (UTC) as Unix seconds.
func apiSeconds(s string) (int64, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(i, n int) int64 {
		v := int64(0)
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int64(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + h*3600 + mi*60 + sec, true
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
