package onomondo

import (
	"errors"
	"math"
)

// errNotWhole is returned for a JSON number that is not a whole number.
var errNotWhole = errors.New("not a whole number")

// parseWholeNumber reads a JSON number written with a fraction or an
// exponent ("1000.0", "1.5e3", "2E+2") and returns it only when it is
// exactly a whole number that fits in an int64. It decides from the decimal
// text, never through a float, so "1.00000000000000001" or "1e-400" are
// refused rather than rounded into a wrong count.
func parseWholeNumber(b []byte) (int64, error) {
	i := 0
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	// Significant digits of the mantissa, without the decimal point.
	var digits []byte
	frac := 0 // digits after the decimal point
	sawDigit := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		digits = append(digits, b[i])
		sawDigit = true
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i == len(b) || b[i] < '0' || b[i] > '9' {
			return 0, errNotWhole // "1." is not a JSON number
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			digits = append(digits, b[i])
			frac++
			sawDigit = true
		}
	}
	if !sawDigit {
		return 0, errNotWhole
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		expNeg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			expNeg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if exp < 100000 { // beyond this only zero or overflow is possible
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return 0, errNotWhole
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(b) {
		return 0, errNotWhole
	}
	// Drop leading zeros; an all-zero mantissa is 0 whatever the exponent.
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return 0, nil
	}
	// value = digits × 10^(exp - frac). Trailing zeros of the digits can pay
	// for a negative power; anything left over is a fraction.
	shift := exp - frac
	for shift < 0 && len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		shift++
	}
	if shift < 0 {
		return 0, errNotWhole
	}
	if len(digits)+shift > 19 {
		return 0, errNotWhole // more than 19 digits cannot fit in an int64
	}
	var v uint64
	for _, d := range digits {
		v = v*10 + uint64(d-'0')
	}
	for ; shift > 0; shift-- {
		v *= 10
	}
	if v > math.MaxInt64 {
		return 0, errNotWhole
	}
	if neg {
		return -int64(v), nil
	}
	return int64(v), nil
}
