package onomondo

import "bytes"

// The fast path of usage page decoding: a small JSON parser for the shape
// the API sends, without reflection and with few allocations. pageDecoder
// (usage.go) falls back to encoding/json whenever parseFast is unsure, so
// results and error messages never differ from encoding/json's.

// parseFast decodes data into d.page as encoding/json would, for the bodies
// it fully understands, and reports whether it did. When it returns false,
// d.page is in an unspecified state and the caller decodes data with
// encoding/json instead.
//
// What it accepts it accepts exactly as encoding/json does: keys are
// matched exactly (a key that only matches some field case-insensitively
// sends the page to encoding/json); a repeated record key overwrites, a
// null leaves a string or the network as it was and makes bytes absent;
// unknown keys are skipped after checking their value is valid JSON.
func (d *pageDecoder) parseFast(data []byte) bool {
	p := fastParser{data: data}
	if !p.consume('{') {
		return false
	}
	var seenUsage, seenPagination bool
	if p.peek() == '}' {
		return false // {}: encoding/json gives the "neither" error
	}
	ok := p.members(func(key []byte) bool {
		switch string(key) {
		case "usage":
			if seenUsage {
				return false
			}
			seenUsage = true
			return d.parseRecords(&p)
		case "pagination":
			if seenPagination {
				return false
			}
			seenPagination = true
			return d.parsePagination(&p)
		}
		return !foldsTo(key, "usage", "pagination") && p.skipValue(0)
	})
	if !ok {
		return false
	}
	p.skipSpace()
	if p.i != len(p.data) {
		return false // trailing data: encoding/json words the error
	}
	return d.page.Pagination != nil || len(d.page.Usage) > 0
}

// parseRecords parses the "usage" array into d.page.Usage.
func (d *pageDecoder) parseRecords(p *fastParser) bool {
	if !p.consume('[') {
		return false // null (the slice would become nil) or a wrong type
	}
	recs := d.page.Usage[:0]
	if recs == nil {
		recs = []Record{} // encoding/json makes an empty, non-nil slice
	}
	if p.peek() == ']' {
		p.i++
		d.page.Usage = recs
		return true
	}
	for {
		if len(recs) < cap(recs) {
			recs = recs[:len(recs)+1] // zeroed by reset
		} else {
			recs = append(recs, Record{})
		}
		if !d.parseRecord(p, &recs[len(recs)-1]) {
			return false
		}
		if p.consume(',') {
			continue
		}
		if !p.consume(']') {
			return false
		}
		d.page.Usage = recs
		return true
	}
}

// recordKeys and networkKeys are the JSON names of Record and Network.
var (
	recordKeys  = []string{"time", "bill_id", "sim_id", "iccid", "session_id", "bytes", "country_code", "network_type", "network"}
	networkKeys = []string{"mcc", "mnc"}
)

func (d *pageDecoder) parseRecord(p *fastParser, r *Record) bool {
	if !p.consume('{') {
		return false // null or a wrong type
	}
	return p.members(func(key []byte) bool {
		switch string(key) {
		case "time":
			return p.stringField(&r.Time, nil)
		case "bill_id":
			return p.stringField(&r.BillID, nil)
		case "sim_id":
			return p.stringField(&r.SimID, d)
		case "iccid":
			return p.stringField(&r.ICCID, d)
		case "session_id":
			return p.stringField(&r.SessionID, nil)
		case "bytes":
			return p.bytesField(&r.Bytes)
		case "country_code":
			return p.stringField(&r.CountryCode, d)
		case "network_type":
			return p.stringField(&r.NetworkType, d)
		case "network":
			return d.parseNetwork(p, &r.Network)
		}
		return !foldsTo(key, recordKeys...) && p.skipValue(0)
	})
}

func (d *pageDecoder) parseNetwork(p *fastParser, n *Network) bool {
	if p.literal("null") {
		return true // leaves the struct as it is
	}
	if !p.consume('{') {
		return false
	}
	return p.members(func(key []byte) bool {
		switch string(key) {
		case "mcc":
			return p.stringField(&n.MCC, d)
		case "mnc":
			return p.stringField(&n.MNC, d)
		}
		return !foldsTo(key, networkKeys...) && p.skipValue(0)
	})
}

// paginationKeys are the JSON names of pagePagination.
var paginationKeys = []string{"has_more", "next_page"}

func (d *pageDecoder) parsePagination(p *fastParser) bool {
	if p.literal("null") {
		d.page.Pagination = nil
		return true
	}
	if !p.consume('{') {
		return false // a wrong type
	}
	pg := &pagePagination{}
	d.page.Pagination = pg
	return p.members(func(key []byte) bool {
		switch string(key) {
		case "has_more":
			switch {
			case p.literal("true"):
				pg.HasMore = true
			case p.literal("false"):
				pg.HasMore = false
			case p.literal("null"):
			default:
				return false
			}
			return true
		case "next_page":
			if p.literal("null") {
				pg.NextPage = nil
				return true
			}
			var s string
			if !p.stringField(&s, nil) {
				return false
			}
			pg.NextPage = &s
			return true
		}
		return !foldsTo(key, paginationKeys...) && p.skipValue(0)
	})
}

// members reads the members of an object whose '{' has been read, up to
// and including its '}'. For each key it calls value, which reads that
// member's value and reports whether it could. It reports false on anything
// it does not handle.
func (p *fastParser) members(value func(key []byte) bool) bool {
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		key, ok := p.key()
		if !ok || !value(key) {
			return false
		}
		if !p.consume(',') {
			return p.consume('}')
		}
	}
}

// intern returns b as a string, the same string for the same bytes.
func (d *pageDecoder) intern(b []byte) string {
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	if d.interned == nil {
		d.interned = make(map[string]string, 64)
	} else if len(d.interned) >= maxInternedStrs {
		clear(d.interned) // a huge fleet: keep the table bounded
	}
	s := string(b)
	d.interned[s] = s
	return s
}

// foldsTo reports whether key equals one of names under the case folding
// encoding/json uses to match keys (bytes.EqualFold).
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if len(key) >= len(n) && bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

// fastParser walks a JSON text. Its methods skip the whitespace in front of
// what they read and report false for anything they do not handle.
type fastParser struct {
	data []byte
	i    int
}

// Byte classes inside a JSON string.
const (
	strPlain   = iota
	strQuote   // the closing quote
	strEscape  // a backslash
	strControl // below 0x20: invalid in JSON
	strHigh    // 0x80 and above: part of a UTF-8 sequence
)

var strClass = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = strControl
	}
	t['"'] = strQuote
	t['\\'] = strEscape
	for c := 0x80; c < 0x100; c++ {
		t[c] = strHigh
	}
	return t
}()

func (p *fastParser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next byte that is not whitespace, or 0 at the end.
func (p *fastParser) peek() byte {
	p.skipSpace()
	if p.i < len(p.data) {
		return p.data[p.i]
	}
	return 0
}

// consume reads c if it is next.
func (p *fastParser) consume(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// literal reads the literal lit (true, false or null) if it is next.
func (p *fastParser) literal(lit string) bool {
	p.skipSpace()
	if len(p.data)-p.i < len(lit) || string(p.data[p.i:p.i+len(lit)]) != lit {
		return false
	}
	end := p.i + len(lit)
	if end < len(p.data) && !isDelimiter(p.data[end]) {
		return false // "nullx": a syntax error for encoding/json to word
	}
	p.i = end
	return true
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '}', ']', ':':
		return true
	}
	return false
}

// plainString reads a string made only of printable ASCII without escapes
// and returns its contents, aliasing data.
func (p *fastParser) plainString() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.data) {
		switch strClass[p.data[p.i]] {
		case strPlain:
			p.i++
		case strQuote:
			s := p.data[start:p.i]
			p.i++
			return s, true
		default:
			return nil, false
		}
	}
	return nil, false
}

// key reads an object key and the colon after it. Keys with escapes or
// bytes outside ASCII go to encoding/json, which unquotes and folds them.
func (p *fastParser) key() ([]byte, bool) {
	k, ok := p.plainString()
	if !ok || !p.consume(':') {
		return nil, false
	}
	return k, true
}

// stringField reads a string value into *dst, interned through d when d is
// not nil; null leaves *dst as it is, as encoding/json does.
func (p *fastParser) stringField(dst *string, d *pageDecoder) bool {
	if p.peek() == 'n' {
		return p.literal("null")
	}
	b, ok := p.plainString()
	if !ok {
		return false
	}
	if d != nil {
		*dst = d.intern(b)
	} else {
		*dst = string(b)
	}
	return true
}

// bytesField reads "bytes": null, or a plain non-negative integer of at
// most 18 digits, which OptInt64.UnmarshalJSON takes as it is. Anything
// else (a sign, a fraction, an exponent, a longer number, another type) is
// left to encoding/json and OptInt64.UnmarshalJSON.
func (p *fastParser) bytesField(dst *OptInt64) bool {
	c := p.peek()
	if c == 'n' {
		if !p.literal("null") {
			return false
		}
		*dst = OptInt64{}
		return true
	}
	if c < '0' || c > '9' {
		return false
	}
	start := p.i
	var v int64
	for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
		v = v*10 + int64(p.data[p.i]-'0')
		p.i++
	}
	n := p.i - start
	if n > 18 || (n > 1 && p.data[start] == '0') {
		return false
	}
	if p.i < len(p.data) && !isDelimiter(p.data[p.i]) {
		return false // 12.5, 1e3, 12x
	}
	*dst = OptInt64{Value: v, Valid: true}
	return true
}

// maxSkipDepth bounds the nesting of an unknown value parseFast skips;
// deeper values go to encoding/json.
const maxSkipDepth = 64

// skipValue reads one JSON value of any type, checking its syntax as
// strictly as encoding/json does.
func (p *fastParser) skipValue(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch p.peek() {
	case '"':
		return p.skipString()
	case '{':
		p.i++
		if p.peek() == '}' {
			p.i++
			return true
		}
		for {
			if p.peek() != '"' || !p.skipString() || !p.consume(':') || !p.skipValue(depth+1) {
				return false
			}
			if p.consume(',') {
				continue
			}
			return p.consume('}')
		}
	case '[':
		p.i++
		if p.peek() == ']' {
			p.i++
			return true
		}
		for {
			if !p.skipValue(depth + 1) {
				return false
			}
			if p.consume(',') {
				continue
			}
			return p.consume(']')
		}
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	default:
		return p.skipNumber()
	}
}

// skipString reads a string with any valid escapes and any bytes from 0x20
// up, as the JSON grammar allows.
func (p *fastParser) skipString() bool {
	p.i++ // the opening quote
	for p.i < len(p.data) {
		switch strClass[p.data[p.i]] {
		case strPlain, strHigh:
			p.i++
		case strQuote:
			p.i++
			return true
		case strEscape:
			if p.i+1 >= len(p.data) {
				return false
			}
			switch p.data[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.data) {
					return false
				}
				for _, h := range p.data[p.i+2 : p.i+6] {
					if !isHex(h) {
						return false
					}
				}
				p.i += 6
			default:
				return false
			}
		default:
			return false
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *fastParser) skipNumber() bool {
	d := p.data
	i := p.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && !isDelimiter(d[i]) {
		return false
	}
	p.i = i
	return true
}
