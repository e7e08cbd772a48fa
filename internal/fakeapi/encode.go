package fakeapi

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The server writes JSON by appending to byte slices instead of going
// through a JSON library. This is test infrastructure, not the provider: the
// benchmarks read thousands of 1000-record pages from this server in the
// same process as the client they measure, so the server's CPU is taken from
// the client's. BenchmarkEncodePage writes the same 1000-record page both
// ways: on the 2-core machine of BENCHMARKS.md, 0.15 ms with no allocations
// here against 0.75 ms and 1000 allocations with encoding/json/v2
// (jsontext.Encoder, a reused struct), which would be 40% of the 1.9 ms the
// client spends decoding the page and would blur every client/baseline
// ratio. The answer-shape faults below (bytes as strings, broken records,
// odd pagination) would need custom marshalers with a library anyway.

// encodeOptions changes how records and pages are written; the zero value
// writes the API's normal shape. Answer-shape faults set the other fields
// (Server.shapeEncoding).
type encodeOptions struct {
	// bytesAsString writes every "bytes" (and every tag total) as a JSON
	// string ("1234") instead of a number (FaultWrongType).
	bytesAsString bool
	// pagination, when not paginationNormal, overrides the page's
	// pagination object.
	pagination paginationMode
	// requestCursor is the next_page the request carried, if any.
	requestCursor string
	// cursor is the next_page of paginationMissing and of the last page of
	// paginationNoHasMore.
	cursor CursorStyle
	// record breaks the record at position index of the page (0-based;
	// negative counts from the end); rawBytes is recordRawBytes's value.
	record   recordFault
	index    int
	rawBytes string
	// upperCountry writes country_code in upper case.
	upperCountry bool
	// freshSeq numbers the cursor of paginationFresh.
	freshSeq uint64
}

// paginationMode selects how the pagination object of a page is written.
type paginationMode int

const (
	paginationNormal     paginationMode = iota // the truth
	paginationRepeat                           // has_more:true, next_page = request's cursor (or this page's own)
	paginationMissing                          // has_more:true, next_page absent, null or ""
	paginationNoHasMore                        // no has_more key; next_page only while more records follow
	paginationContradict                       // has_more:false with the real next_page while more follow
	paginationEmptyNone                        // no pagination key on an empty page
	paginationLastNone                         // no pagination key on the last page
	paginationFresh                            // has_more:true, a never-seen cursor back to this page's start
)

// recordFault selects how the hit record of a page is broken.
type recordFault int

const (
	recordNormal    recordFault = iota
	recordNoBytes               // "bytes" key left out
	recordNullBytes             // "bytes":null
	recordNull                  // null in place of the record
	recordRawBytes              // "bytes":<rawBytes>
)

// shapeEncoding returns the encoding of an answer-shape fault f for a
// request with query q.
func (s *Server) shapeEncoding(f *Fault, q url.Values) encodeOptions {
	var enc encodeOptions
	switch f.Kind {
	case FaultWrongType:
		enc.bytesAsString = true
	case FaultRepeatCursor:
		enc.pagination = paginationRepeat
		enc.requestCursor = q.Get(paramNextPage)
	case FaultMissingCursor:
		enc.pagination, enc.cursor = paginationMissing, f.Cursor
	case FaultRecordNoBytes:
		enc.record = recordNoBytes
	case FaultRecordNullBytes:
		enc.record = recordNullBytes
	case FaultNullRecord:
		enc.record = recordNull
	case FaultBadBytes:
		enc.record, enc.rawBytes = recordRawBytes, f.RawBytes
	case FaultUpperCountry:
		enc.upperCountry = true
	case FaultNoHasMore:
		enc.pagination, enc.cursor = paginationNoHasMore, f.Cursor
	case FaultHasMoreFalseWithCursor:
		enc.pagination = paginationContradict
	case FaultEmptyNoPagination:
		enc.pagination = paginationEmptyNone
	case FaultLastNoPagination:
		enc.pagination = paginationLastNone
	case FaultFreshCursor:
		enc.pagination = paginationFresh
		enc.freshSeq = s.freshSeq.Add(1)
	}
	enc.index = f.Index
	return enc
}

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
// are left out entirely. hit tells whether r is the record enc.record
// breaks.
func appendRecord(b []byte, r *Record, enc encodeOptions, hit bool) []byte {
	if hit && enc.record == recordNull {
		return append(b, "null"...)
	}
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
	if hit {
		b = appendBytesField(b, "bytes", r.Bytes, enc)
	} else {
		b = append(b, `,"bytes":`...)
		b = appendNumber(b, r.Bytes, enc)
	}
	b = append(b, `,"country_code":`...)
	if enc.upperCountry {
		b = appendString(b, strings.ToUpper(r.CountryCode))
	} else {
		b = appendString(b, r.CountryCode)
	}
	b = append(b, `,"network_type":`...)
	b = appendString(b, r.NetworkType)
	b = append(b, `,"network":{"mcc":`...)
	b = appendString(b, r.MCC)
	b = append(b, `,"mnc":`...)
	b = appendString(b, r.MNC)
	return append(b, "}}"...)
}

// appendBytesField appends `,"<key>":n`, n being a byte count that enc's
// record fault hits (the broken record's bytes, a numeric tag total): left
// out, null or a raw value as the fault says, else as appendNumber writes
// it.
func appendBytesField(b []byte, key string, n int64, enc encodeOptions) []byte {
	if enc.record == recordNoBytes {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	switch enc.record {
	case recordNullBytes:
		return append(b, "null"...)
	case recordRawBytes:
		return append(b, enc.rawBytes...)
	}
	return appendNumber(b, n, enc)
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

// appendPagination appends the pagination member of a page, with its
// leading comma (or nothing, when enc leaves it out): next is the cursor of
// the following page, "" on the last page (the key is then absent). first
// is the cursor of the page's own first record ("" for an empty page); the
// repeat-cursor fault falls back to it. empty tells whether the page has no
// records.
func appendPagination(b []byte, next, first string, empty bool, enc encodeOptions) []byte {
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
		b = append(b, `,"pagination":{"has_more":true`...)
		return append(appendCursorStyle(b, enc.cursor, true), '}')
	case paginationNoHasMore:
		if next != "" {
			b = append(b, `,"pagination":{"next_page":`...)
			b = appendString(b, next)
			return append(b, '}')
		}
		if enc.cursor == CursorNoPagination {
			return b
		}
		b = append(b, `,"pagination":{`...)
		return append(appendCursorStyle(b, enc.cursor, false), '}')
	case paginationContradict:
		if next != "" {
			b = append(b, `,"pagination":{"has_more":false,"next_page":`...)
			b = appendString(b, next)
			return append(b, '}')
		}
	case paginationEmptyNone:
		if empty {
			return b
		}
	case paginationLastNone:
		if next == "" {
			return b
		}
	}
	if next == "" {
		return append(b, `,"pagination":{"has_more":false}`...)
	}
	b = append(b, `,"pagination":{"has_more":true,"next_page":`...)
	b = appendString(b, next)
	return append(b, '}')
}

// appendCursorStyle appends the next_page member of a cursor that is not a
// real one (nothing for CursorAbsent and CursorNoPagination); comma tells
// whether a member precedes it.
func appendCursorStyle(b []byte, c CursorStyle, comma bool) []byte {
	var v string
	switch c {
	case CursorNull:
		v = "null"
	case CursorEmpty:
		v = `""`
	default:
		return b
	}
	if comma {
		b = append(b, ',')
	}
	b = append(b, `"next_page":`...)
	return append(b, v...)
}

// fixedRepeatCursor is what FaultRepeatCursor announces on an empty page of
// a request without next_page: the cursor of the API documentation.
const fixedRepeatCursor = "MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA=="
