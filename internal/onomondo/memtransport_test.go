package onomondo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// memTransport serves a client's requests with an http.Handler in memory,
// without sockets, so that a test can run the client inside a
// testing/synctest bubble: there time.Sleep, timers and context deadlines
// run on a fake clock that jumps ahead whenever every goroutine of the
// bubble is blocked, so a 60 s rate-limit window takes no wall time. (Real
// network I/O never counts as blocked, which is why an httptest.Server
// cannot be used inside a bubble.)
//
// The handler runs in its own goroutine, as on a real server, and streams
// its body through a pipe:
//   - the response starts at the handler's first WriteHeader, Write or
//     Flush, or when it returns;
//   - a handler that panics with http.ErrAbortHandler after writing part of
//     a body breaks the connection there: the client reads
//     io.ErrUnexpectedEOF, as when a proxy resets the connection mid-body;
//   - a body shorter than the Content-Length the handler announced ends in
//     io.ErrUnexpectedEOF too, as net/http reports it;
//   - the request's context ends the exchange: a handler that waits (a
//     slow answer) should select on r.Context().Done().
type memTransport struct {
	h http.Handler
}

// RoundTrip implements http.RoundTripper.
func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	pr, pw := io.Pipe()
	w := &memWriter{header: http.Header{}, body: pw, started: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			switch v := recover(); {
			case ctx.Err() != nil: // the exchange ended with the request's context
				_ = pw.CloseWithError(ctx.Err())
				if v != nil && v != http.ErrAbortHandler { //nolint:errorlint // as net/http compares it
					panic(v)
				}
			case v == nil:
				w.start(http.StatusOK)
				if w.declared >= 0 && w.written < w.declared {
					_ = pw.CloseWithError(io.ErrUnexpectedEOF)
					return
				}
				_ = pw.Close()
			case v == http.ErrAbortHandler: //nolint:errorlint // net/http compares it the same way
				w.start(http.StatusOK)
				_ = pw.CloseWithError(io.ErrUnexpectedEOF)
			default:
				_ = pw.CloseWithError(errors.New("the test handler panicked"))
				panic(v)
			}
		}()
		m.h.ServeHTTP(w, req)
	}()
	// The request's context ends the exchange, as a real transport does.
	go func() {
		select {
		case <-ctx.Done():
			_ = pw.CloseWithError(ctx.Err())
		case <-done:
		}
	}()
	select {
	case <-w.started:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	res := &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          pr,
		ContentLength: w.declared,
		Request:       req,
	}
	return res, nil
}

// memWriter is the handler's side of a memTransport exchange.
type memWriter struct {
	header   http.Header
	sent     http.Header // the header as it was when the response started
	body     *io.PipeWriter
	once     sync.Once
	started  chan struct{}
	status   int
	declared int64 // Content-Length announced, -1 when none
	written  int64
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(status int) { w.start(status) }

func (w *memWriter) start(status int) {
	w.once.Do(func() {
		w.status = status
		w.sent = w.header.Clone()
		w.declared = -1
		if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
			w.declared = n
		}
		close(w.started)
	})
}

func (w *memWriter) Write(p []byte) (int, error) {
	w.start(http.StatusOK)
	n, err := w.body.Write(p)
	w.written += int64(n)
	return n, err
}

// Flush starts the response; writes are unbuffered anyway.
func (w *memWriter) Flush() { w.start(http.StatusOK) }

// memServer is a scripted API for a client test inside a synctest bubble:
// h answers the n-th request (1-based), and the server remembers what it
// saw, like testServer does over a socket.
type memServer struct {
	h    func(w http.ResponseWriter, r *http.Request, n int)
	n    atomic.Int64
	mu   sync.Mutex
	seen []seenRequest
}

func newMemServer(h func(w http.ResponseWriter, r *http.Request, n int)) *memServer {
	return &memServer{h: h}
}

// memBaseURL is the base URL of a memServer's client: https, as for the
// real API; no request ever leaves the process.
const memBaseURL = "https://api.onomondo.test"

func (s *memServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seen = append(s.seen, seenRequest{r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("User-Agent"), time.Now()})
	s.mu.Unlock()
	s.h(w, r, int(s.n.Add(1)))
}

func (s *memServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// client is a test client (newTestClient) whose requests s serves in memory.
func (s *memServer) client(t *testing.T, mod ...func(*Config)) (*Client, *captureLogger) {
	t.Helper()
	inMemory := func(c *Config) { c.Transport = memTransport{h: s} }
	return newTestClient(t, memBaseURL, append([]func(*Config){inMemory}, mod...)...)
}

// bubble runs f in a testing/synctest bubble whose fake clock starts on
// 2026-12-01 at 00:00 UTC. (synctest starts at 2000-01-01, when a Unix time
// in seconds is below 10^9: an x-ratelimit-reset then reads as "seconds
// until the reset" (ParseReset), as it would never be today.)
func bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(bubbleStart))
		f(t)
	})
}

// bubbleStart is when a bubble's clock starts (see bubble).
var bubbleStart = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// waitCtx returns a context that ends after d of the bubble's fake time.
func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
