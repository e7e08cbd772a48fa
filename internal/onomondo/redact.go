package onomondo

// Redaction: the API key must never be shown, however the server (or a
// proxy in front of it) echoes it back. Every string that came from the
// server passes through one redactor before it reaches a user: the fields
// of every *Error a read returns (Client.seal), every warning, and every
// log line (redactingLogger). Values the client quotes are redacted before
// they are shortened; a cut the client does not control (a body read only
// up to a limit, a JSON library that shortens what it quotes) can still
// leave a part of the key at the cut, so a part of the key that runs into a
// cut is redacted too.

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
)

// redactedMark replaces the key, or a part of it, in text shown to a user.
const redactedMark = "<redacted>"

// minKeyPart is the shortest part of the key, at a cut, that is redacted: a
// shorter one gives away too little to matter, and would redact ordinary
// words.
const minKeyPart = 4

// cutMarks are what a shortened value ends in: the client's "..." and the
// JSON library's "…".
var cutMarks = []string{"...", "…"}

// redactor takes the API key out of text. The zero value changes nothing.
type redactor struct {
	secret string
	forms  []string // the key as it may appear in a body: raw, JSON- and URL-escaped
}

func newRedactor(secret string) redactor {
	if secret == "" {
		return redactor{}
	}
	r := redactor{secret: secret}
	for _, f := range []string{secret, strings.ReplaceAll(secret, "/", `\/`), url.QueryEscape(secret), url.PathEscape(secret)} {
		if !slices.Contains(r.forms, f) {
			r.forms = append(r.forms, f)
		}
	}
	return r
}

// text returns s with every whole occurrence of the key (in any of its
// forms) replaced, and every part of it of at least minKeyPart characters
// left by a cut: a prefix of the key that ends s or runs into a cut mark,
// and a suffix of it right after a cut mark.
func (r redactor) text(s string) string {
	if r.secret == "" || s == "" {
		return s
	}
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, redactedMark)
	}
	s = r.cutPrefix(s, len(s))
	for _, m := range cutMarks {
		if !strings.Contains(s, m) {
			continue
		}
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, m)
			if i < 0 {
				b.WriteString(rest)
				break
			}
			b.WriteString(r.cutPrefix(rest[:i], i))
			b.WriteString(m)
			rest = r.cutSuffix(rest[i+len(m):], 0)
		}
		s = b.String()
	}
	return s
}

// cutPrefix redacts the longest prefix of the key (at least minKeyPart
// long, shorter than the key) that ends at s[end].
func (r redactor) cutPrefix(s string, end int) string {
	for k := min(len(r.secret)-1, end); k >= minKeyPart; k-- {
		if s[end-k:end] == r.secret[:k] {
			return s[:end-k] + redactedMark + s[end:]
		}
	}
	return s
}

// cutSuffix redacts the longest suffix of the key (at least minKeyPart long,
// shorter than the key) that starts at s[start].
func (r redactor) cutSuffix(s string, start int) string {
	for k := min(len(r.secret)-1, len(s)-start); k >= minKeyPart; k-- {
		if s[start:start+k] == r.secret[len(r.secret)-k:] {
			return s[:start] + redactedMark + s[start+k:]
		}
	}
	return s
}

// values takes every whole occurrence of the key (in any of its forms) out
// of the strings pointed to: the values a read returns, which may reach
// Terraform's state (record and SIM fields, messages, a tag total's
// answer). They are whole values, never cut, so only whole occurrences are
// looked for; a value shorter than the key is left as it is, unexamined.
func (r redactor) values(ps ...*string) {
	if r.secret == "" {
		return
	}
	for _, p := range ps {
		if len(*p) < len(r.secret) {
			continue
		}
		for _, f := range r.forms {
			if strings.Contains(*p, f) {
				*p = strings.ReplaceAll(*p, f, redactedMark)
			}
		}
	}
}

// record redacts every string of a usage record.
func (r redactor) record(rec *Record) {
	r.values(&rec.Time, &rec.BillID, &rec.SimID, &rec.ICCID, &rec.SessionID, &rec.CountryCode, &rec.NetworkType,
		&rec.Network.MCC, &rec.Network.MNC)
}

// sim redacts every string of a SIM.
func (r redactor) sim(s *SIM) {
	r.values(&s.ID, &s.ICCID, &s.Label, &s.OnlineAt, &s.IMEI, &s.NetworkWhitelist,
		&s.Network.Name, &s.Network.Country, &s.Network.CountryCode, &s.Network.MCC, &s.Network.MNC)
	for i := range s.Tags {
		r.values(&s.Tags[i].ID, &s.Tags[i].Name)
	}
	if d := s.DataLimit; d != nil {
		r.values(&d.Type, &d.Period, &d.ResetsAt)
	}
}

// sms redacts every string of a message.
func (r redactor) sms(m *SMS) {
	r.values(&m.Time, &m.SimID, &m.ICCID, &m.Direction, &m.Status, &m.ID, &m.SessionID, &m.MCC, &m.MNC)
}

// cut redacts s, then shortens it to at most n bytes (not splitting a UTF-8
// sequence), marking the cut with "...".
func (r redactor) cut(s string, n int) string {
	return shorten(r.text(s), n)
}

// err returns err with its text redacted, or err itself when there was
// nothing to redact (so errors.Is still sees through it).
func (r redactor) err(err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); r.text(msg) != msg {
		return errors.New(r.text(msg))
	}
	return err
}

// warnings redacts every warning of a read.
func (r redactor) warnings(ws []Warning) []Warning {
	for i := range ws {
		ws[i].Summary, ws[i].Detail = r.text(ws[i].Summary), r.text(ws[i].Detail)
	}
	return ws
}

// seal redacts every server string of an error a read returns: an
// *Error's endpoint (a next_page cursor is the server's), code (then
// shortened) and cause. (A snippet is redacted when it is taken, before it
// is shortened: redactor.snippet.) Every error that holds what a server
// sent is an *Error; any other comes from the caller (its visit function)
// and is returned as is.
func (r redactor) seal(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	e.Endpoint = r.text(e.Endpoint)
	e.Code = r.cut(e.Code, maxCodeLen)
	e.Err = r.err(e.Err)
	return err
}

// maxCodeLen bounds the API's error code shown in a message: a real code is
// a short snake_case word.
const maxCodeLen = 80

// shorten cuts s to at most n bytes, not splitting a UTF-8 sequence, and
// marks the cut with "...". Redact first (redactor.cut).
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

// snippet makes a short, single-line, redacted excerpt of a body for an
// error message.
func (r redactor) snippet(body []byte) string {
	return r.cut(strings.Join(strings.Fields(string(body)), " "), 160)
}

// redactingLogger redacts every log line of the client: its message and
// every field's value (a path, a query with a server's cursor, a header
// quoted in a reason, an error).
type redactingLogger struct {
	next Logger
	r    redactor
}

func (l redactingLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.next.Debug(ctx, l.r.text(msg), l.fields(fields))
}

func (l redactingLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	l.next.Info(ctx, l.r.text(msg), l.fields(fields))
}

func (l redactingLogger) fields(f map[string]any) map[string]any {
	for k, v := range f {
		switch v := v.(type) {
		case string:
			f[k] = l.r.text(v)
		case error:
			f[k] = l.r.text(v.Error())
		}
	}
	return f
}
