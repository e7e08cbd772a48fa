package onomondo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The in-memory transport plays the transport faults the client tests rely
// on, each the way net/http reports it over a socket.
func TestMemTransport(t *testing.T) {
	get := func(t *testing.T, h http.HandlerFunc, timeout time.Duration) (*http.Response, []byte, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, memBaseURL+"/usage", nil)
		res, err := memTransport{h: h}.RoundTrip(req)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		return res, body, err
	}
	t.Run("answer", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			res, body, err := get(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Ratelimit-Remaining", "3")
				w.WriteHeader(http.StatusTeapot)
				_, _ = io.WriteString(w, "tea")
			}, time.Second)
			if err != nil || res.StatusCode != http.StatusTeapot || string(body) != "tea" || res.Header.Get("X-Ratelimit-Remaining") != "3" {
				t.Fatalf("got %v %q %v", res, body, err)
			}
		})
	})
	t.Run("abort mid-body", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			_, body, err := get(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, `{"usage":[`)
				panic(http.ErrAbortHandler)
			}, time.Second)
			if !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != `{"usage":[` {
				t.Fatalf("got %q, %v; want the half body, then io.ErrUnexpectedEOF", body, err)
			}
		})
	})
	t.Run("shorter than Content-Length", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			_, _, err := get(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100")
				_, _ = io.WriteString(w, "{}")
			}, time.Second)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
			}
		})
	})
	t.Run("slow answer ends with the context, on the fake clock", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			start := time.Now()
			_, _, err := get(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(time.Hour):
					_, _ = io.WriteString(w, "late")
				}
			}, 30*time.Second)
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 30*time.Second {
				t.Fatalf("err = %v after %s, want the deadline after exactly 30s", err, time.Since(start))
			}
		})
	})
	t.Run("body stalls mid-way", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			_, body, err := get(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "part")
				<-r.Context().Done()
			}, 5*time.Second)
			if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(string(body), "part") {
				t.Fatalf("got %q, %v", body, err)
			}
		})
	})
}
