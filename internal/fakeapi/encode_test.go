package fakeapi

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendStringIsValidJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "ctl \x00\x01\x1f\n\r\t", "ünïcødé ✓ 🚀", "bad \xff utf8 \xe2\x82", "</script>"} {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		want := string([]rune(s)) // invalid bytes become U+FFFD, like encoding/json
		if got != want {
			t.Fatalf("appendString(%q) round-trips to %q, want %q", s, got, want)
		}
	}
}

func TestAppendRecordTime(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "2025-01-02 03:04:05"},
		{time.Date(1999, 12, 31, 23, 59, 59, 999, time.UTC), "1999-12-31 23:59:59"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "10000-01-01 00:00:00"},
	} {
		if got := string(appendRecordTime(nil, tc.t)); got != tc.want {
			t.Fatalf("appendRecordTime(%s) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

// TestRecordsMatchEncodingJSON compares the hand-written encoder with
// encoding/json over the whole default fleet.
func TestRecordsMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	f := DefaultFleet()
	var b []byte
	for i := range f.Records {
		b = appendRecord(b[:0], &f.Records[i], encodeOptions{}, false)
		want, _ := json.Marshal(toJSON(f.Records[i]))
		var got recordJSON
		decodeStrict(t, b, &got)
		again, _ := json.Marshal(got)
		if string(again) != string(want) {
			t.Fatalf("record %d:\n got %s\nwant %s", i, b, want)
		}
	}
}

func TestAppendUUID(t *testing.T) {
	u := string(appendUUID(nil, 0, 0))
	if u != "00000000-0000-4000-8000-000000000000" {
		t.Fatal(u)
	}
	u = string(appendUUID(nil, ^uint64(0), ^uint64(0)))
	if u != "ffffffff-ffff-4fff-bfff-ffffffffffff" || !uuidRE.MatchString(u) {
		t.Fatal(u)
	}
}
