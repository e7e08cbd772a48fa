package onomondo

// Lenient decoding of a whole answer into a struct, for the SIM endpoints
// (GET /sims, GET /sims/{id}): their answers are small, so they are read
// whole and unmarshaled in one go, with the same library as the usage pages
// (decode.go). As the package documentation (doc.go) says, every member is
// optional, unknown members are ignored, null is the same as absent, and
// invalid UTF-8 in a string becomes U+FFFD. What stays an error, because any
// reading of it would be a guess: a value of the wrong JSON type, a count
// that is not a whole non-negative number, a member given twice, and
// anything that is not JSON. An error names where in the answer it is
// (`sims[3].data_limit.used`).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// lenientOptions are the options of every lenient decode.
var lenientOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), json.WithUnmarshalers(json.UnmarshalFromFunc(idAsText)))

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
// to a struct, and words any error for a user. Values quoted in an error
// are redacted of secret (the API key: a proxy may echo it anywhere) before
// they are shortened.
func unmarshalLenient(data []byte, v any, secret string) error {
	r := newRedactor(secret)
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return errors.New("the body is empty")
	case bytes.Equal(trimmed, []byte("null")):
		return errors.New("the body is JSON null, not an object")
	}
	err := json.Unmarshal(data, v, lenientOptions)
	if err == nil {
		return nil
	}
	var sem *json.SemanticError
	if errors.As(err, &sem) && !isSyntax(err) {
		where := jsonPath(sem.JSONPointer)
		var ve *valueError
		var bce *byteCountError
		switch {
		case errors.As(sem.Err, &ve): // from a value's own decoder
			return fmt.Errorf("%s: %s", where, ve.message(r))
		case errors.As(sem.Err, &bce):
			return fmt.Errorf("%s: %s", where, bce.message(r))
		case sem.JSONKind == 0 && sem.Err != nil:
			return fmt.Errorf("%s: %v", where, trimJSONPrefix(sem.Err))
		}
		return fmt.Errorf("%s is a JSON %s, expected %s", where, kindName(sem.JSONKind), goTypeName(sem.GoType))
	}
	if err := describeJSONError(err); !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return errors.New("the JSON ends early (truncated)")
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
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return t.String()
}

// valueError says why a value is not what a field takes.
type valueError struct {
	field    string // the member it was given for, when the error is worded without its place
	text     string // the JSON value
	what     string // what it is instead
	expected string
}

func (e *valueError) Error() string { return e.message(redactor{}) }

// message words the error with the value redacted before it is shortened,
// so no part of the key survives the cut.
func (e *valueError) message(r redactor) string {
	return fmt.Sprintf("%s is %s, expected %s", r.cut(e.text, 40), e.what, e.expected)
}

// optCount is a count of a paged answer (count, limit, offset, total): a
// whole non-negative number, read like a byte count (ByteCount), that may
// be absent or null.
type optCount struct {
	v *int64
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (o *optCount) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	var b ByteCount
	if err := b.UnmarshalJSONFrom(d); err != nil {
		var bce *byteCountError
		if errors.As(err, &bce) {
			return &valueError{text: bce.text, what: bce.what, expected: "a whole non-negative number"}
		}
		return err
	}
	o.v = countPtr(b)
	return nil
}

// countPtr is a decoded count, nil when it was absent or null.
func countPtr(b ByteCount) *int64 {
	if !b.Present() {
		return nil
	}
	v := b.Value
	return &v
}
