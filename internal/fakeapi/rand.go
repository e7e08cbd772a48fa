package fakeapi

// This file holds the tiny deterministic building blocks of the fleet
// generators: a splitmix64 generator (its algorithm is fixed here, so a seed
// produces the same fleet on every Go version and architecture), UUID
// formatting and the Luhn check digit of ICCIDs. No floating point is used
// anywhere in generation, for the same reason.

// splitmixGamma is the golden-ratio increment of splitmix64.
const splitmixGamma = 0x9e3779b97f4a7c15

// mix64 is the splitmix64 finaliser: a fast, stateless, well-mixing
// bijection of 64-bit values.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// prng is a splitmix64 pseudo random generator.
type prng struct{ state uint64 }

// newPRNG returns a generator whose stream depends only on seed.
func newPRNG(seed int64) *prng {
	return &prng{state: mix64(uint64(seed) + splitmixGamma)}
}

// next returns the next 64 pseudo random bits.
func (p *prng) next() uint64 {
	p.state += splitmixGamma
	return mix64(p.state)
}

// intn returns a value in [0, n). The modulo bias is irrelevant for test
// data. n must be > 0.
func (p *prng) intn(n int) int {
	return int(p.next() % uint64(n))
}

// int63n returns a value in [0, n) for an int64 bound. n must be > 0.
func (p *prng) int63n(n int64) int64 {
	return int64(p.next() % uint64(n))
}

// percent reports true with probability pct/100.
func (p *prng) percent(pct int) bool {
	return p.intn(100) < pct
}

// uuidLen is the length of a textual UUID.
const uuidLen = 36

const hexDigits = "0123456789abcdef"

// appendUUID appends the random (version 4, RFC 4122 variant) UUID made of
// hi and lo to dst, in the canonical 8-4-4-4-12 lower-case form.
func appendUUID(dst []byte, hi, lo uint64) []byte {
	hi = (hi &^ (0xf << 12)) | (0x4 << 12) // version 4
	lo = (lo &^ (0x3 << 62)) | (0x2 << 62) // variant 10xx
	var raw [16]byte
	for i := 0; i < 8; i++ {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range raw {
		switch i {
		case 4, 6, 8, 10:
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// uuid returns a fresh random UUID string drawn from p.
func (p *prng) uuid() string {
	var buf [uuidLen]byte
	return string(appendUUID(buf[:0], p.next(), p.next()))
}

// luhnCheckDigit returns the Luhn check digit that completes the decimal
// string digits (as used by ICCIDs).
func luhnCheckDigit(digits string) byte {
	sum := 0
	double := true // the rightmost payload digit is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// luhnValid reports whether the decimal string s ends in a correct Luhn
// check digit.
func luhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	return luhnCheckDigit(s[:len(s)-1]) == s[len(s)-1]
}
