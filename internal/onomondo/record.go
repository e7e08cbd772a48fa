package onomondo

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// Record is one usage record as the API sends it. Every field is optional:
// a string the API left out is "", and Bytes.Valid is false when `bytes` was
// absent or null. Unknown keys are ignored.
type Record struct {
	Time        string   `json:"time"` // "YYYY-MM-DD HH:MM:SS", UTC
	BillID      string   `json:"bill_id"`
	SimID       string   `json:"sim_id"`
	ICCID       string   `json:"iccid"`
	SessionID   string   `json:"session_id"`
	Bytes       OptInt64 `json:"bytes"`
	CountryCode string   `json:"country_code"`
	NetworkType string   `json:"network_type"`
	Network     Network  `json:"network"`
}

// Network is the mobile network a record was used on. MCC and MNC are
// strings so that "06" keeps its zero.
type Network struct {
	MCC string `json:"mcc"`
	MNC string `json:"mnc"`
}

// OptInt64 is an integer that may be absent. It decodes a JSON number without
// allocating, and refuses every other type with a message that says which.
type OptInt64 struct {
	Value int64
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptInt64) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*o = OptInt64{}
		return nil
	}
	switch b[0] {
	case '"':
		return fmt.Errorf("field \"bytes\" is a string (%s), expected a number", truncateJSON(b))
	case '{', '[', 't', 'f':
		return fmt.Errorf("field \"bytes\" is %s, expected a number", truncateJSON(b))
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		// Whole values written with a fraction or exponent ("1.2e3",
		// "1000.0") are accepted when exact; anything else would be a
		// guessed number.
		w, werr := parseWholeNumber(b)
		if werr != nil {
			return fmt.Errorf("field \"bytes\" is %s, expected a whole number of bytes", truncateJSON(b))
		}
		v = w
	}
	if v < 0 {
		return fmt.Errorf("field \"bytes\" is negative (%d)", v)
	}
	*o = OptInt64{Value: v, Valid: true}
	return nil
}

func truncateJSON(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
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
	t, err := time.Parse(apiTimeLayout, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	// A year outside 0000-9999 (after conversion to UTC) has no RFC 3339 form.
	if err != nil || t.UTC().Year() < 0 || t.UTC().Year() > 9999 {
		return s, false
	}
	return t.UTC().Format(time.RFC3339), true
}
