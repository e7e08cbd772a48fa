package fakeapi

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// The server writes JSON by appending to byte slices instead of going
// through encoding/json: benchmarks read thousands of 1000-record pages, and
// reflection would dominate their profile.

// encodeOptions changes how records and pages are written; the zero value
// writes the API's normal shape. Faults set the other fields.
type encodeOptions struct {
	// bytesAsString writes every "bytes" (and every tag total) as a JSON
	// string ("1234") instead of a number (FaultWrongType).
	bytesAsString bool
	// pagination, when not paginationNormal, overrides the page's
	// pagination object (FaultRepeatCursor, FaultMissingCursor).
	pagination paginationMode
	// requestCursor is the next_page the request carried, if any.
	requestCursor string
}

// paginationMode selects how the pagination object of a page is written.
type paginationMode int

const (
	paginationNormal  paginationMode = iota // the truth
	paginationRepeat                        // has_more:true, next_page = request's cursor (or this page's own)
	paginationMissing                       // has_more:true, no next_page
)

// bufPool recycles response buffers; a 1000-record page is ~300 KB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooledBuf keeps unusually large buffers out of the pool.
const maxPooledBuf = 4 << 20

func getBuf() *[]byte {
	if b, ok := bufPool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 64<<10)
	return &b
}

func putBuf(b *[]byte) {
	if b == nil || cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// appendRecord appends the JSON object of r, with the keys in the order of
// the API documentation. Empty BillID and SessionID (group=hours records)
// are left out entirely.
func appendRecord(b []byte, r *Record, enc encodeOptions) []byte {
	b = append(b, `{"time":"`...)
	b = appendRecordTime(b, r.Time)
	b = append(b, '"')
	if r.BillID != "" {
		b = append(b, `,"bill_id":`...)
		b = appendString(b, r.BillID)
	}
	b = append(b, `,"sim_id":`...)
	b = appendString(b, r.SimID)
	b = append(b, `,"iccid":`...)
	b = appendString(b, r.ICCID)
	if r.SessionID != "" {
		b = append(b, `,"session_id":`...)
		b = appendString(b, r.SessionID)
	}
	b = append(b, `,"bytes":`...)
	b = appendNumber(b, r.Bytes, enc)
	b = append(b, `,"country_code":`...)
	b = appendString(b, r.CountryCode)
	b = append(b, `,"network_type":`...)
	b = appendString(b, r.NetworkType)
	b = append(b, `,"network":{"mcc":`...)
	b = appendString(b, r.MCC)
	b = append(b, `,"mnc":`...)
	b = appendString(b, r.MNC)
	return append(b, "}}"...)
}

// appendNumber appends n as a JSON number, or as a JSON string when the
// wrong-type fault is active.
func appendNumber(b []byte, n int64, enc encodeOptions) []byte {
	if enc.bytesAsString {
		b = append(b, '"')
		b = strconv.AppendInt(b, n, 10)
		return append(b, '"')
	}
	return strconv.AppendInt(b, n, 10)
}

// appendRecordTime appends t in the API's record time format,
// "YYYY-MM-DD HH:MM:SS" in UTC.
func appendRecordTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, recordTimeLayout)
	}
	h, mi, s := t.Clock()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, ' ')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	return append2(b, s)
}

// recordTimeLayout is the time layout of records.
const recordTimeLayout = "2006-01-02 15:04:05"

// append2 appends a two digit, zero padded number.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendString appends s as a JSON string. Quotes, backslashes and control
// characters are escaped, invalid UTF-8 becomes U+FFFD, so the output is
// always valid JSON even for hand-made fleets.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendError appends the API's error body {"error":"<code>"}.
func appendError(b []byte, code string) []byte {
	b = append(b, `{"error":`...)
	b = appendString(b, code)
	return append(b, '}')
}

// appendPagination appends the pagination object of a page: next is the
// cursor of the following page, "" on the last page (the key is then
// absent). first is the cursor of the page's own first record ("" for an
// empty page); the repeat-cursor fault falls back to it.
func appendPagination(b []byte, next, first string, enc encodeOptions) []byte {
	switch enc.pagination {
	case paginationRepeat:
		c := enc.requestCursor
		if c == "" {
			c = first
		}
		if c == "" {
			c = fixedRepeatCursor
		}
		next = c
	case paginationMissing:
		return append(b, `"pagination":{"has_more":true}`...)
	}
	if next == "" {
		return append(b, `"pagination":{"has_more":false}`...)
	}
	b = append(b, `"pagination":{"has_more":true,"next_page":`...)
	b = appendString(b, next)
	return append(b, '}')
}

// fixedRepeatCursor is what FaultRepeatCursor announces on an empty page of
// a request without next_page: the cursor of the API documentation.
const fixedRepeatCursor = "MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA=="
