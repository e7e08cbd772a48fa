package onomondo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// JSON decoding with github.com/go-json-experiment/json (Go's
// encoding/json/v2): the answers of GET /sims and GET /sims/{id} are decoded
// leniently, as shared/api/README.md asks. Every member is optional, unknown
// members are ignored, null is the same as absent, and invalid UTF-8 in a
// string becomes U+FFFD. What stays an error, because any reading of it
// would be a guess: a value of the wrong JSON type, a number that is not a
// whole one where a count is expected, a member given twice, and anything
// that is not JSON.

// decodeOptions are the options of every lenient decode.
var decodeOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true))

// readJSONBody reads a whole answer body of at most maxBytes.
func readJSONBody(body io.Reader, maxBytes int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("the answer is larger than %d MiB", maxBytes>>20)
	}
	return data, nil
}

// unmarshalLenient decodes the JSON object in data into v, which must point
// to a struct, and words any error for a user (see describeDecodeError).
func unmarshalLenient(data []byte, v any) error {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return errors.New("the body is empty")
	case bytes.Equal(trimmed, []byte("null")):
		return errors.New("the body is JSON null, not an object")
	}
	if err := json.Unmarshal(data, v, decodeOptions); err != nil {
		return describeDecodeError(err)
	}
	return nil
}

// describeDecodeError words a decoding error of go-json-experiment/json for
// a user: where in the answer (`sims[3].data_limit.used`) and what was wrong.
func describeDecodeError(err error) error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON ends early (truncated)")
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d%s: %v", syn.ByteOffset, atPointer(syn.JSONPointer), syn.Err)
	case errors.As(err, &sem):
		where := jsonPath(sem.JSONPointer)
		if sem.JSONKind == 0 && sem.Err != nil { // from a value's own decoder (optWhole, optNumber)
			return fmt.Errorf("%s %v", where, sem.Err)
		}
		return fmt.Errorf("%s is %s, expected %s", where, kindName(sem.JSONKind), goTypeName(sem.GoType))
	}
	return err
}

// atPointer is " (in sims[2].label)" for a non-empty pointer.
func atPointer(p jsontext.Pointer) string {
	if p == "" {
		return ""
	}
	return " (in " + jsonPath(p) + ")"
}

// jsonPath writes a JSON pointer the way a user reads it:
// "/sims/3/data_limit/used" is "sims[3].data_limit.used".
func jsonPath(p jsontext.Pointer) string {
	if p == "" {
		return "the answer"
	}
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "a JSON boolean"
	case '"':
		return "a JSON string"
	case '0':
		return "a JSON number"
	case '{':
		return "a JSON object"
	case '[':
		return "a JSON array"
	}
	return "a JSON value"
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return t.String()
}

// optWhole is a whole, non-negative number that may be absent or null (a
// byte count, a page count). It accepts a whole value written with a
// fraction or exponent ("1e6", "1000.0") when it is exact, and refuses
// anything else with a message that says what it got.
type optWhole struct {
	v *int64
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (o *optWhole) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	val, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch val.Kind() {
	case 'n':
		o.v = nil
		return nil
	case '"':
		return fmt.Errorf("is a string (%s), expected a number", clip(val))
	case '0':
	default:
		return fmt.Errorf("is %s, expected a number", clip(val))
	}
	n, err := strconv.ParseInt(string(val), 10, 64)
	if err != nil {
		r, ok := new(big.Rat).SetString(string(val))
		if !ok || !r.IsInt() || !r.Num().IsInt64() {
			return fmt.Errorf("is %s, expected a whole number", clip(val))
		}
		n = r.Num().Int64()
	}
	if n < 0 {
		return fmt.Errorf("is negative (%d)", n)
	}
	o.v = &n
	return nil
}

// ptr is the value, nil when absent or null.
func (o optWhole) ptr() *int64 { return o.v }

// optNumber is any JSON number, kept exactly as written, or "" when absent
// or null: for values whose unit the API does not document.
type optNumber string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (o *optNumber) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	val, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch val.Kind() {
	case 'n':
		*o = ""
	case '0':
		*o = optNumber(val)
	case '"':
		return fmt.Errorf("is a string (%s), expected a number", clip(val))
	default:
		return fmt.Errorf("is %s, expected a number", clip(val))
	}
	return nil
}

// clip shortens a JSON value for a message.
func clip(v jsontext.Value) string {
	if len(v) > 40 {
		return string(v[:40]) + "..."
	}
	return string(v)
}
