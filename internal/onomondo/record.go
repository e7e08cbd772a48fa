package onomondo

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Record is one usage record as the API sends it. Its fields are declared
// once, here: the JSON names in the tags are what the page decoder reads.
// Every string field is optional (absent or null reads as ""); unknown keys
// are ignored. Bytes is the one field a record cannot do without: the page
// decoder refuses a record whose bytes are absent or null (see ByteCount).
type Record struct {
	Time        string    `json:"time"` // "YYYY-MM-DD HH:MM:SS", UTC
	BillID      string    `json:"bill_id"`
	SimID       string    `json:"sim_id"`
	ICCID       string    `json:"iccid"`
	SessionID   string    `json:"session_id"`
	Bytes       ByteCount `json:"bytes"`
	CountryCode string    `json:"country_code"` // lower-cased by the decoder
	NetworkType string    `json:"network_type"`
	Network     Network   `json:"network"`
}

// Network is the mobile network a record was used on. MCC and MNC are
// strings so that "06" keeps its zero.
//
// Ids sent as JSON numbers are read as text where the number says what the
// text is (idAsText): a sim_id 42 is "000000042" (a SIM id is 9 digits,
// zero padded), an mcc 238 is "238" (3 digits), an iccid its digits. An
// mnc sent as a number keeps its digits as written ("6"): MNCs are 2 or 3
// digits depending on the country, so whether 6 was "06" or "006" is not
// guessed.
type Network struct {
	MCC string `json:"mcc"`
	MNC string `json:"mnc"`
}

// ByteCount is a record's "bytes": a whole, non-negative number of bytes,
// read exactly (never through a float). It accepts
//   - a JSON number that is a whole number: 1424843, and also 1.5e3 or 1000.0
//     when the decimal text is exactly whole;
//   - a JSON string of decimal digits, "1424843" (the evidence does not rule
//     out a server or proxy that quotes numbers).
//
// Anything else (a fraction, a negative number, another string, true, an
// object, a number beyond int64) is an error that quotes the value. Absent
// and null are kept apart from a value (Present, Null) so the page decoder
// can refuse them by name instead of counting 0.
type ByteCount struct {
	Value int64
	state byteState
}

type byteState uint8

const (
	bytesAbsent byteState = iota
	bytesNull
	bytesSet
)

// Present reports whether the field held a number (not absent, not null).
func (b ByteCount) Present() bool { return b.state == bytesSet }

// Null reports whether the field was JSON null.
func (b ByteCount) Null() bool { return b.state == bytesNull }

// Bytes returns a ByteCount holding n, as if decoded.
func Bytes(n int64) ByteCount { return ByteCount{Value: n, state: bytesSet} }

// maxNumberText bounds the text of a number worth parsing: a byte count has
// at most 19 digits; anything much longer is refused before big.Float sees
// it.
const maxNumberText = 64

// UnmarshalJSONFrom implements json.UnmarshalerFrom (encoding/json/v2).
func (b *ByteCount) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch val.Kind() {
	case 'n':
		*b = ByteCount{state: bytesNull}
		return nil
	case '0':
		n, err := wholeNumber(string(val))
		if err != nil {
			return err
		}
		*b = Bytes(n)
		return nil
	case '"':
		s, err := jsontext.AppendUnquote(nil, val)
		if err != nil {
			return err
		}
		n, err := digitString(string(s))
		if err != nil {
			return err
		}
		*b = Bytes(n)
		return nil
	}
	return &byteCountError{text: string(val), what: "a JSON " + kindName(val.Kind())}
}

// byteCountError says why a value is not a byte count; the page decoder
// puts it in the record's context.
type byteCountError struct {
	text string // the JSON value, shortened
	what string // what it is instead
}

func (e *byteCountError) Error() string { return e.message(redactor{}) }

// message words the error with the value redacted (the API key: a proxy
// may echo it anywhere) before it is shortened, so no part of the key
// survives the cut.
func (e *byteCountError) message(r redactor) string {
	return fmt.Sprintf("%s is %s, expected a whole non-negative number of bytes", r.cut(e.text, 40), e.what)
}

// wholeNumber reads a JSON number that must be a whole number in 0..MaxInt64.
func wholeNumber(text string) (int64, error) {
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		if n < 0 {
			return 0, &byteCountError{text: text, what: "negative"}
		}
		return n, nil
	}
	if len(text) > maxNumberText {
		return 0, &byteCountError{text: text, what: "not a plausible byte count"}
	}
	// A fraction or exponent: exact only if the decimal value is a whole
	// number that fits in 64 bits. 64 bits of mantissa hold every int64, so
	// an inexact parse means a fraction or more than 64 significant bits.
	f, _, err := big.ParseFloat(text, 10, 64, big.ToZero)
	if err != nil && zeroMantissa(text) {
		return 0, nil // 0e99999999999999999999: zero, whatever the exponent
	}
	switch {
	case err != nil || f.IsInf():
		return 0, &byteCountError{text: text, what: "out of range"}
	case f.Sign() < 0:
		return 0, &byteCountError{text: text, what: "negative"}
	case f.Acc() != big.Exact || !f.IsInt():
		return 0, &byteCountError{text: text, what: "not a whole number"}
	}
	n, acc := f.Int64()
	if acc != big.Exact {
		return 0, &byteCountError{text: text, what: "beyond a 64-bit count"}
	}
	return n, nil
}

// digitString reads the content of a JSON string that must be decimal
// digits only.
func digitString(s string) (int64, error) {
	quoted := strconv.Quote(s)
	if s == "" {
		return 0, &byteCountError{text: quoted, what: "an empty string"}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, &byteCountError{text: quoted, what: "a string that is not decimal digits"}
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &byteCountError{text: quoted, what: "beyond a 64-bit count"}
	}
	return n, nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 't', 'f':
		return "boolean"
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 'n':
		return "null"
	}
	return "value"
}

// idAsText reads an id that a server sent as a JSON number where the API
// sends a string (see Network). Only sim_id, iccid, mcc and mnc are read
// so, and a SIM's own "id" in the answers of GET /sims (isSIMIDPointer),
// which is a SIM id like sim_id; any other string field given a number
// stays an error (a tag's or a message's "id" is a UUID), as does a number
// that cannot be the id (a fraction, a negative number, a SIM id of more
// than 9 digits). Anything that is not a number is left to the default
// decoding (errors.ErrUnsupported). Usage pages, SIM answers and SMS pages
// are all decoded with it.
func idAsText(dec *jsontext.Decoder, s *string) error {
	if dec.PeekKind() != '0' {
		return errors.ErrUnsupported
	}
	field := dec.StackPointer().LastToken()
	width, maxDigits := 0, 0
	switch {
	case field == "sim_id", field == "id" && isSIMIDPointer(dec.StackPointer()):
		width, maxDigits = 9, 9
	case field == "mcc":
		width, maxDigits = 3, 3
	case field == "mnc":
		maxDigits = 3
	case field == "iccid":
		maxDigits = 22
	default:
		return errors.ErrUnsupported
	}
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	text := string(val)
	if strings.Trim(text, "0123456789") != "" || len(strings.TrimLeft(text, "0")) > maxDigits {
		return &valueError{field: field, text: text, what: "a JSON number that is not an id", expected: fmt.Sprintf("a string, or a whole number of at most %d digits", maxDigits)}
	}
	if width > 0 && len(text) < width {
		text = strings.Repeat("0", width-len(text)) + text
	}
	*s = text
	return nil
}

// isSIMIDPointer reports whether p is the "id" of a SIM in an answer of
// GET /sims (/sims/N/id) or GET /sims/{id} (/id, or /sim/id when wrapped).
func isSIMIDPointer(p jsontext.Pointer) bool {
	switch s := string(p); s {
	case "/id", "/sim/id":
		return true
	default:
		n, ok := strings.CutPrefix(s, "/sims/")
		n, found := strings.CutSuffix(n, "/id")
		return ok && found && n != "" && strings.Trim(n, "0123456789") == ""
	}
}

// ParseByteCount decodes one JSON value as a ByteCount, with the same rules
// as a record's "bytes" (the numbers of tag totals use it).
func ParseByteCount(raw []byte) (ByteCount, error) {
	var b ByteCount
	if err := json.Unmarshal(raw, &b); err != nil {
		var bce *byteCountError
		if errors.As(err, &bce) {
			return ByteCount{}, bce
		}
		return ByteCount{}, describeJSONError(err)
	}
	return b, nil
}

// apiTimeLayout is the API's record time format: UTC, space separated.
const apiTimeLayout = "2006-01-02 15:04:05"

// RFC3339Time converts the API's "YYYY-MM-DD HH:MM:SS" (UTC) to RFC 3339
// ("YYYY-MM-DDTHH:MM:SSZ"). A time already in RFC 3339 is normalised to
// UTC. ok is false when the value is in neither form; then it is returned
// unchanged so nothing the API sent is lost.
func RFC3339Time(s string) (out string, ok bool) {
	if s == "" {
		return "", false
	}
	t, ok := parseAPITime(s)
	// A year outside 0000-9999 (after conversion to UTC) has no RFC 3339 form.
	if !ok || t.Year() < 0 || t.Year() > 9999 {
		return s, false
	}
	return t.Format(time.RFC3339), true
}

// parseAPITime reads a time the API writes: the usage records'
// "YYYY-MM-DD HH:MM:SS" (UTC), or RFC 3339 (the SIM and SMS answers'), as
// an instant in UTC; ok is false when it is neither.
func parseAPITime(s string) (time.Time, bool) {
	t, err := time.Parse(apiTimeLayout, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	return t.UTC(), err == nil
}

// zeroMantissa reports whether a JSON number's digits before any exponent
// are all zeros ("0", "-0.000e5").
func zeroMantissa(text string) bool {
	m, _, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(text, "-")), "e")
	return m != "" && strings.Trim(m, "0.") == ""
}
