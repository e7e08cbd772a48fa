package onomondo

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// TestReadJSONBodyCap: a whole answer is read up to its cap, and one byte
// more is an error, never a body cut short.
func TestReadJSONBodyCap(t *testing.T) {
	if data, err := readJSONBody(strings.NewReader("12345"), 5); err != nil || string(data) != "12345" {
		t.Errorf("at the cap: %q, %v", data, err)
	}
	if _, err := readJSONBody(strings.NewReader("123456"), 5); err == nil || !strings.Contains(err.Error(), "the answer is larger than") {
		t.Errorf("past the cap: %v", err)
	}
}

// TestJSONPath: a place in an answer as a user reads it.
func TestJSONPath(t *testing.T) {
	for p, want := range map[jsontext.Pointer]string{
		"/sims/3/data_limit/used": "sims[3].data_limit.used", "/0/a": "0.a", "": "the answer",
	} {
		if got := jsonPath(p); got != want {
			t.Errorf("jsonPath(%q) = %q, want %q", p, got, want)
		}
	}
}
