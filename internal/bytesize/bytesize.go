// Package bytesize parses and formats human-readable byte sizes such as
// "500 MB", "1.5GiB" or "1024".
//
// # Syntax accepted by Parse
//
// After leading and trailing white space is trimmed, the input must be a
// non-negative decimal number, optionally followed by white space, optionally
// followed by a unit:
//
//	size   = number [ space ] [ unit ]
//	number = digit { digit } [ "." digit { digit } ]
//
// Only ASCII digits are accepted. There is no sign, no exponent ("1e6"), no
// digit grouping ("1,000" or "1_000") and no leading or trailing decimal point
// (".5", "5.").
//
// # Units
//
//	unit        bytes     unit        bytes
//	(none), B   1
//	kB          1000^1    KiB         1024^1 = 2^10
//	MB          1000^2    MiB         1024^2 = 2^20
//	GB          1000^3    GiB         1024^3 = 2^30
//	TB          1000^4    TiB         1024^4 = 2^40
//	PB          1000^5    PiB         1024^5 = 2^50
//	EB          1000^6    EiB         1024^6 = 2^60
//
// EB and EiB are accepted so that everything Format produces can be parsed
// again.
//
// # Case rule
//
// A unit is a prefix letter (k, M, G, T, P or E), an optional "i" that
// selects the binary (1024-based) multiple, and a final "B".
//
//   - The prefix letter and the "i" are matched case-insensitively: "kB"
//     and "KB" both mean 1000 bytes, "mB" and "MB" both mean 10^6 bytes, and
//     "KiB", "kiB", "KIB" and "kIB" all mean 1024 bytes. In particular "KB"
//     is the decimal kilobyte (1000 bytes), never 1024; write "KiB" for 1024.
//   - The final "B" must be upper case, because a lower-case "b"
//     conventionally means bits ("Mb" is a megabit). "500 Mb", "500 mb",
//     "1 Kib" and "8 b" are refused with an error that says so.
//   - A prefix without the final "B" ("5 M", "5 k", "5 Mi") is refused as
//     ambiguous; the error names the units that were probably meant.
//
// # Fractions
//
// Values are computed exactly (no floating point). A fraction is fine as long
// as the result is a whole number of bytes: "1.5 GiB", "0.5 kB" and
// "1.0 B" are accepted, "0.5 B" and "0.0001 kB" are refused.
//
// There is one exception, needed because decimal fractions of binary units
// are rarely whole ("1.01 KiB" is 1034.24 bytes, and Format produces such
// strings): with a binary unit, a number whose last written decimal digit is
// worth at least one byte is rounded to the nearest byte (halves away from
// zero). That is at most 3 decimals for KiB, 6 for MiB, 9 for GiB, 12 for
// TiB, 15 for PiB and 18 for EiB. The rounding is thus always smaller than
// the precision the number was written with. Anything more precise that is
// not a whole number of bytes ("1.0001 KiB" = 1024.1024 bytes) is refused.
//
// The result must fit in an int64: at most 9223372036854775807 bytes, which is
// one byte less than 8 EiB.
//
// # Errors
//
// Every error returned by Parse is a *ParseError whose message quotes the
// input, for example:
//
//	cannot parse "500 Mb" as a byte size: a lower-case "b" means bits; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)
package bytesize

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is the type of every error returned by Parse.
type ParseError struct {
	// Input is the string that was given to Parse, untrimmed.
	Input string
	// Reason explains why Input was refused. It does not repeat Input.
	Reason string
}

// Error returns a message of the form
// `cannot parse "<input>" as a byte size: <reason>`.
func (e *ParseError) Error() string {
	return fmt.Sprintf("cannot parse %q as a byte size: %s", e.Input, e.Reason)
}

// unitSpec describes one accepted unit.
type unitSpec struct {
	decimal string // canonical decimal name, e.g. "MB"
	binary  string // canonical binary name, e.g. "MiB"
	power   int    // 1 for k, 2 for M, ...
}

// prefixes maps the lower-cased prefix letter to its unit family.
var prefixes = map[byte]unitSpec{
	'k': {"kB", "KiB", 1},
	'm': {"MB", "MiB", 2},
	'g': {"GB", "GiB", 3},
	't': {"TB", "TiB", 4},
	'p': {"PB", "PiB", 5},
	'e': {"EB", "EiB", 6},
}

const unitList = `B, kB, MB, GB, TB, PB, EB (powers of 1000) or KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024)`

// maxFractionDigits bounds the work done for absurdly precise inputs. After
// trailing zeros are removed, a fraction with more digits than this can never
// give a whole number of bytes, even in EiB (2^60 bytes), nor be rounded.
const maxFractionDigits = 60

var maxInt64 = big.NewInt(math.MaxInt64)

// Parse converts a human-readable byte size such as "500 MB", "1.5GiB" or
// "1024" into a number of bytes.
//
// Accepted units are B, kB, MB, GB, TB, PB, EB (powers of 1000) and KiB, MiB,
// GiB, TiB, PiB, EiB (powers of 1024); a bare number is a number of bytes.
// The prefix letter and the "i" are case-insensitive ("KB" = "kB" = 1000,
// "kiB" = "KiB" = 1024), but the final "B" must be upper-case because a
// lower-case "b" means bits: "500 Mb" and "500 mb" are refused, as is a prefix
// without "B" ("5 M"), which is ambiguous.
//
// Fractions are computed exactly; the result must be a whole number of bytes
// ("0.5 B" is refused), except that with a binary unit a number whose last
// written digit is worth at least one byte is rounded to the nearest byte
// ("1.01 KiB" = 1034). Negative numbers, exponents, digit separators, empty
// input, unknown units and results above math.MaxInt64 are refused.
//
// See the package documentation for the complete rules. Every error is a
// *ParseError.
func Parse(s string) (int64, error) {
	fail := func(format string, args ...any) (int64, error) {
		return 0, &ParseError{Input: s, Reason: fmt.Sprintf(format, args...)}
	}

	t := strings.TrimSpace(s)
	if t == "" {
		return fail("the value is empty; expected a number with an optional unit, such as \"500 MB\" or \"1.5 GiB\"")
	}

	// Number.
	i := 0
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	intDigits := t[:i]
	if intDigits == "" {
		switch t[0] {
		case '-':
			return fail("negative sizes are not allowed")
		case '+':
			return fail("a sign is not allowed; write the number without \"+\"")
		case '.':
			return fail("expected a digit before the decimal point, as in \"0.5\"")
		default:
			return fail("expected a number, optionally followed by a unit such as \"MB\" or \"GiB\"")
		}
	}
	fracDigits := ""
	if i < len(t) && t[i] == '.' {
		j := i + 1
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		fracDigits = t[i+1 : j]
		if fracDigits == "" {
			return fail("expected a digit after the decimal point")
		}
		i = j
	}
	if i < len(t) {
		switch c := t[i]; {
		case (c == 'e' || c == 'E') && i+1 < len(t) && (isDigit(t[i+1]) || t[i+1] == '+' || t[i+1] == '-'):
			return fail("exponents are not supported; use a unit instead, such as \"1 MB\" for 1e6")
		case c == ',' || c == '_' || c == '\'':
			return fail("digit separators such as %q are not supported; write the digits without separators", string(c))
		case c == '.':
			return fail("a number can have only one decimal point")
		}
	}

	// Optional white space, then the unit.
	rest := strings.TrimLeftFunc(t[i:], unicode.IsSpace)
	if rest != "" && rest == t[i:] && !isLetter(rest[0]) {
		r, _ := utf8.DecodeRuneInString(rest)
		return fail("unexpected character %q after the number", r)
	}
	var multiplier *big.Int
	binaryUnit := false
	power := 0
	switch rest {
	case "", "B":
		multiplier = big.NewInt(1)
	case "b":
		return fail("a lower-case \"b\" means bits; use \"B\" for bytes")
	default:
		spec, ok := prefixes[lower(rest[0])]
		if !ok || len(rest) > 3 {
			return fail("unknown unit %q; use %s", rest, unitList)
		}
		suffix := rest[1:]
		switch suffix {
		case "B":
		case "iB", "IB":
			binaryUnit = true
		case "b", "ib", "Ib":
			return fail("a lower-case \"b\" means bits; use %q (10^%d bytes) or %q (2^%d bytes)",
				spec.decimal, 3*spec.power, spec.binary, 10*spec.power)
		case "":
			return fail("unit %q is ambiguous; use %q (10^%d bytes) or %q (2^%d bytes)",
				rest, spec.decimal, 3*spec.power, spec.binary, 10*spec.power)
		case "i", "I":
			return fail("unit %q is missing the final \"B\"; use %q (2^%d bytes)",
				rest, spec.binary, 10*spec.power)
		default:
			return fail("unknown unit %q; use %s", rest, unitList)
		}
		power = spec.power
		if binaryUnit {
			multiplier = new(big.Int).Lsh(big.NewInt(1), uint(10*power))
		} else {
			multiplier = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(3*power)), nil)
		}
	}

	// Normalise the digits: neither leading zeros of the integer part nor
	// trailing zeros of the fraction change the value.
	intDigits = strings.TrimLeft(intDigits, "0")
	fracDigits = strings.TrimRight(fracDigits, "0")
	if len(intDigits) > 19 {
		// At least 10^19 > MaxInt64, whatever the unit.
		return fail("the size is larger than the maximum of %d bytes (8 EiB minus 1 byte)", int64(math.MaxInt64))
	}
	if len(fracDigits) > maxFractionDigits {
		return fail("the value is not a whole number of bytes")
	}

	// value = mantissa * multiplier / 10^len(fracDigits), computed exactly.
	mantissa, ok := new(big.Int).SetString("0"+intDigits+fracDigits, 10)
	if !ok {
		// Unreachable: the string consists of ASCII digits only.
		return fail("invalid number")
	}
	num := mantissa.Mul(mantissa, multiplier)
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(fracDigits))), nil)
	quo, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Sign() != 0 {
		// Rounding is allowed only with a binary unit and when the last
		// written digit is worth at least one byte: 10^d <= 1024^power,
		// which is d <= 3*power.
		if !binaryUnit || len(fracDigits) > 3*power {
			return fail("the value is not a whole number of bytes (it is %s bytes)",
				exactDecimal(quo, rem, len(fracDigits)))
		}
		if new(big.Int).Lsh(rem, 1).Cmp(den) >= 0 {
			quo.Add(quo, big.NewInt(1))
		}
	}
	if quo.Cmp(maxInt64) > 0 {
		return fail("the size is larger than the maximum of %d bytes (8 EiB minus 1 byte)", int64(math.MaxInt64))
	}
	return quo.Int64(), nil
}

// exactDecimal renders quo + rem/10^digits as a decimal string.
func exactDecimal(quo, rem *big.Int, digits int) string {
	frac := rem.String()
	frac = strings.Repeat("0", digits-len(frac)) + frac
	return quo.String() + "." + strings.TrimRight(frac, "0")
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// System is a family of units for formatting: Binary (powers of 1024, the
// default) or Decimal (powers of 1000, the SI prefixes).
type System int

const (
	// Binary formats in B, KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024).
	Binary System = iota
	// Decimal formats in B, kB, MB, GB, TB, PB, EB (powers of 1000), the
	// units data contracts are usually written in.
	Decimal
)

// SystemNames are the names ParseSystem accepts, in the order to list them.
var SystemNames = []string{"iec", "si"}

// ParseSystem maps a unit-system name to a System: "iec" is Binary (the IEC
// binary prefixes KiB, MiB, ...), "si" is Decimal (the SI prefixes kB, MB,
// ...). Anything else is an error that names the allowed values.
func ParseSystem(name string) (System, error) {
	switch name {
	case "iec":
		return Binary, nil
	case "si":
		return Decimal, nil
	}
	return Binary, fmt.Errorf("unknown unit system %q: use \"si\" for decimal units (kB, MB, GB: powers of 1000) or \"iec\" for binary units (KiB, MiB, GiB: powers of 1024, the default)", name)
}

var (
	binaryNames  = [...]string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	decimalNames = [...]string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
)

// Format renders n as a short human-readable string in binary units.
//
// Values below 1024 are shown as a whole number of bytes ("0 B", "512 B",
// "1023 B"). Larger values use the largest binary unit (KiB, MiB, GiB, TiB,
// PiB, EiB) that keeps the number at least 1, with exactly two decimals,
// rounded to the nearest hundredth with halves rounded up: "1.00 KiB",
// "1.50 GiB", "1023.99 MiB". When rounding would produce "1024.00" the next
// unit is used instead ("1.00 GiB").
//
// Values at or above 7.995 EiB would round to "8.00 EiB", which is 2^63 and
// does not fit in an int64; they are shown as "7.99 EiB" instead, so that the
// output of Format for any n >= 0 is accepted by Parse. Parse(Format(n)) is
// within half a hundredth of the displayed unit of n (plus the rounding to a
// whole byte that Parse applies to binary units), which is a relative error
// below 0.5% for n >= 1024; below 1024 it is exact.
//
// Negative values are formatted like their absolute value with a leading
// "-": Format(-1536) is "-1.50 KiB" and Format(math.MinInt64) is "-8.00 EiB".
// Parse does not accept negative values.
func Format(n int64) string { return FormatIn(n, Binary) }

// FormatIn renders n like Format, in the units of sys. In Decimal, values
// below 1000 are whole bytes ("999 B"), larger ones use the largest of kB,
// MB, GB, TB, PB and EB that keeps the number at least 1, with two decimals
// rounded half up ("600.00 GB" for 600000000000, "1.00 MB" for 999995); the
// largest int64 is "9.22 EB", so no clamp is needed. Parse accepts every
// result for n >= 0, to within half a hundredth of the displayed unit.
func FormatIn(n int64, sys System) string {
	if n < 0 {
		// -(n+1) cannot overflow; adding 1 back in uint64 handles MinInt64.
		return "-" + formatMagnitude(uint64(-(n+1))+1, sys)
	}
	return formatMagnitude(uint64(n), sys)
}

// formatMagnitude formats m (at most 2^63) in the units of sys.
func formatMagnitude(m uint64, sys System) string {
	names, base := binaryNames[:], uint64(1024)
	if sys == Decimal {
		names, base = decimalNames[:], 1000
	}
	if m < base {
		return strconv.FormatUint(m, 10) + " B"
	}
	k, unit := 0, uint64(1) // largest k with base^k <= m; 1..6
	for k < len(names)-1 && unit <= m/base {
		k++
		unit *= base
	}
	for {
		q, r := m/unit, m%unit
		// hundredths = round(r*100/unit); r*100 may exceed 64 bits.
		hi, lo := bits.Mul64(r, 100)
		f, rest := bits.Div64(hi, lo, unit) // hi < 100 < unit, so no panic
		h := q*100 + f
		if rest >= unit-rest { // rest/unit >= 1/2
			h++
		}
		if h >= base*100 && k < len(names)-1 {
			k++
			unit *= base
			continue
		}
		if sys == Binary && h >= 800 && k == len(names)-1 && m < 1<<63 {
			// Would display "8.00 EiB" = 2^63 for a value below 2^63.
			h = 799
		}
		return strconv.FormatUint(h/100, 10) + "." + twoDigits(h%100) + " " + names[k]
	}
}

func twoDigits(v uint64) string {
	if v < 10 {
		return "0" + strconv.FormatUint(v, 10)
	}
	return strconv.FormatUint(v, 10)
}
