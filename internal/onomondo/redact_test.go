package onomondo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

// TestRedactorText: the key, in every form a body may carry it, and every
// part of it of four characters or more that a cut left behind, is
// redacted; nothing else is.
func TestRedactorText(t *testing.T) {
	const key = "onok_ab12.c3/d+e=fgh"
	r := newRedactor(key)
	cases := map[string]string{
		"whole key":                     "bad key " + key + " here",
		"JSON-escaped slash":            `"` + strings.ReplaceAll(key, "/", `\/`) + `"`,
		"query-escaped":                 "next_page=" + url.QueryEscape(key),
		"path-escaped":                  "/usage/" + url.PathEscape(key),
		"prefix at the end (a cut)":     "<html>token " + key[:12],
		"prefix before our cut mark":    `"x` + key[:9] + `..."`,
		"prefix before the library's …": "/sims/0/" + key[:7] + "…/…" + "x",
		"suffix after the library's …":  "/sims/0/ab…" + key[len(key)-6:] + "/x",
		"suffix after our cut mark":     "..." + key[len(key)-5:] + " rest",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			out := r.text(in)
			if !strings.Contains(out, redactedMark) {
				t.Errorf("text(%q) = %q: nothing redacted", in, out)
			}
			for k := 4; k <= len(key); k++ { // the promise: no 4 characters of the key
				if strings.Contains(out, key[:k]) || strings.Contains(out, key[len(key)-k:]) {
					t.Fatalf("text(%q) = %q still holds %d characters of the key", in, out, k)
				}
			}
		})
	}
	for _, in := range []string{
		"nothing of it", "ends in onok_ but no more", "a ... b … c", "", key[:3] + "...",
		"the prefix " + key[:8] + " inside a word, not at a cut", // not a cut: a whole key would have been replaced
	} {
		if out := r.text(in); out != in {
			t.Errorf("text(%q) = %q, want it unchanged", in, out)
		}
	}
	if got := (redactor{}).text(key); got != key {
		t.Errorf("the zero redactor changed %q to %q", key, got)
	}
	// cut redacts before it shortens: no prefix of the key survives.
	if got := r.cut("xxxxxxxxxx"+key, 16); strings.Contains(got, key[:6]) {
		t.Errorf("cut kept a prefix of the key: %q", got)
	}
}

// TestKeyRedactedWhereverTheServerEchoesIt: an answer that echoes the key
// (a proxy, or a server bug) never gets it, or a part of it, into an error,
// a warning or a log line, wherever in the answer it is.
func TestKeyRedactedWhereverTheServerEchoesIt(t *testing.T) {
	cases := []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request, n int)
		read func(c *Client) error
	}{
		{"error code", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 401, `{"error":"invalid_api_key: `+r.Header.Get("Authorization")+`"}`)
		}, readUsage},
		{"a proxy page cut at 4 KiB through the key", func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte(strings.Repeat(" ", 4<<10-15) + r.Header.Get("Authorization") + " </html>"))
		}, readUsage},
		{"a proxy page that itself ends in part of the key", func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html>gateway token " + r.Header.Get("Authorization")[:20]))
		}, readUsage},
		{"a next_page cursor quoted in the endpoint of a later error", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeJSON(w, 200, page(1, 0, "c-"+r.Header.Get("Authorization")))
				return
			}
			writeJSON(w, 400, `{"error":"invalid_next_page"}`)
		}, readUsage},
		{"a SIM id quoted in a record that was not asked for", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"usage":[{"sim_id":"`+r.Header.Get("Authorization")+`","bytes":1}],"pagination":{"has_more":false}}`)
		}, func(c *Client) error {
			_, err := c.ReadUsage(context.Background(), UsageQuery{SIM: "000000042"}, func([]Record) error { return nil })
			return err
		}},
		{"a SIM id quoted in an answer about another SIM", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"id":"`+r.Header.Get("Authorization")+`"}`)
		}, func(c *Client) error { _, _, err := c.GetSIM(context.Background(), "000000042"); return err }},
		{"a SIM id quoted in a paging error", func(w http.ResponseWriter, r *http.Request, n int) {
			id := strings.Repeat("a", 60) + r.Header.Get("Authorization")
			writeJSON(w, 200, `{"sims":[{"id":"`+id+`"},{"id":"`+id+`"}],"pagination":{"has_more":false}}`)
		}, func(c *Client) error { _, err := c.ListSIMs(context.Background(), SIMQuery{}); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(tc.h)
				c, _ := s.client(t, func(c *Config) { c.MaxRetries = 0 }) // the client's logs are checked for the key on cleanup
				err := tc.read(c)
				if err == nil {
					t.Fatal("no error")
				}
				for k := 10; k <= len(testKey); k++ { // "onok_" and a character or two say nothing
					if strings.Contains(err.Error(), testKey[:k]) || strings.Contains(err.Error(), testKey[len(testKey)-k+5:]) {
						t.Fatalf("the error holds %d characters of the key: %v", k, err)
					}
				}
				if !strings.Contains(err.Error(), redactedMark) {
					t.Errorf("error %q: want the echoed key redacted", err)
				}
			})
		})
	}
}

// TestKeyRedactedFromLoggedHeaders: an x-ratelimit-reset that echoes the
// key is quoted in the log line of the wait, redacted.
func TestKeyRedactedFromLoggedHeaders(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if n <= 2 { // the second wait is 2 s: logged at INFO
				w.Header().Set("X-Ratelimit-Reset", r.Header.Get("Authorization"))
				writeJSON(w, 429, `{"error":"rate_limited"}`)
				return
			}
			writeJSON(w, 200, page(1, 0, ""))
		})
		c, log := s.client(t) // newTestClient fails the test if the key is in the logs
		if err := readUsage(c); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log.all(), "DEBUG Onomondo API: waiting (rate limited (429); x-ratelimit-reset \"<redacted>\"") ||
			!strings.Contains(log.all(), "INFO Onomondo API: waiting 2s (rate limited (429); x-ratelimit-reset \"<redacted>\"") {
			t.Errorf("the waits' log lines do not quote the header redacted:\n%s", log.all())
		}
	})
}

func readUsage(c *Client) error {
	_, err := c.ReadUsage(context.Background(), UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil })
	return err
}

// TestErrorBodyReadOnlyInPart: of an error answer only the start is read (4
// KiB and the key's length, to quote it redacted), however large the page a
// proxy sends: a 32 MiB error page costs no 32 MiB of memory.
func TestErrorBodyReadOnlyInPart(t *testing.T) {
	bubble(t, func(t *testing.T) {
		chunk := []byte(strings.Repeat("<p>gateway error</p>", 1000))
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			for written := 0; written < 32<<20; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the client stopped reading
				}
			}
		})
		c, _ := s.client(t, func(c *Config) { c.MaxRetries = 0 })
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := readUsage(c)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
			t.Fatalf("err = %v", err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("reading the error page allocated %d MiB", grew>>20)
		}
	})
}

// TestKeyRedactedFromWarnings: a record that names the key where its SIM
// should be, just outside the period, is named in the read's warning with
// the key redacted.
func TestKeyRedactedFromWarnings(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, usagePage(`{"time":"2025-04-01 02:00:00","sim_id":"`+r.Header.Get("Authorization")+`","bytes":1}`))
		})
		c, _ := s.client(t)
		_, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025-03"}}})
		if err != nil || len(res.Warnings) != 1 {
			t.Fatalf("%+v, %v", res.Warnings, err)
		}
		if w := res.Warnings[0].Detail; strings.Contains(w, testKey[:10]) || !strings.Contains(w, `SIM "<redacted>"`) {
			t.Errorf("warning %q: want the key redacted", w)
		}
	})
}

// TestKeyRedactedFromSMSReads: the SMS reads quote a message's id or SIM
// shortened and redacted, and an error's endpoint (with the server's
// cursor) is sealed like every other read's.
func TestKeyRedactedFromSMSReads(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request, n int)
		want string
	}{
		{"a message of another SIM, its id quoted", func(w http.ResponseWriter, r *http.Request, n int) {
			id := strings.Repeat("x", 70) + r.Header.Get("Authorization")
			writeJSON(w, 200, `{"data":[{"id":"`+id+`","sim_id":"000000099","time":"2025-03-01T10:00:00Z"}],"pagination":{"count":1,"limit":1000,"offset":0,"total":1}}`)
		}, `(id "` + strings.Repeat("x", 60) + `...")`},
		{"a cursor quoted in a later error's endpoint", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeJSON(w, 200, `{"data":[{"id":"m1","time":"2025-03-01T10:00:00Z"}],"pagination":{"has_more":true,"next_page":"c-`+r.Header.Get("Authorization")+`"}}`)
				return
			}
			writeJSON(w, 400, `{"error":"invalid_next_page"}`)
		}, "next_page=c-" + redactedMark},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(tc.h)
				c, _ := s.client(t, func(c *Config) { c.MaxRetries = 0 })
				_, err := c.ReadSMSDay(context.Background(), SMSQuery{SIM: "000000042", Day: "2025-03-01"}, func([]SMS) error { return nil }, func() {})
				if err == nil || strings.Contains(err.Error(), testKey[:10]) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q and no part of the key", err, tc.want)
				}
			})
		})
	}
}

// TestKeyRedactedFromReturnedValues: a key the server echoes inside a value
// (a record's field, a SIM's label or tag, a message's status, a tag
// total's answer) is taken out of what the read returns, which the provider
// writes to Terraform's state; the rest of the value is kept.
func TestKeyRedactedFromReturnedValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string // KEY stands for the key as the request sent it
		read func(c *Client) (string, error)
		want string
	}{
		{"a usage record", `{"usage":[{"time":"2025-03-01 00:00:00","sim_id":"000000042","bill_id":"b-KEY","network_type":"KEY","bytes":1}],"pagination":{"has_more":false}}`,
			func(c *Client) (string, error) {
				var got string
				_, err := c.ReadUsage(context.Background(), UsageQuery{SIM: "000000042", Filters: []Filter{{"time", "2025-03"}}}, func(rs []Record) error {
					got += fmt.Sprintf("%+v", rs)
					return nil
				})
				return got, err
			}, "BillID:b-" + redactedMark + " "},
		{"a SIM list", `{"sims":[{"id":"000000001","label":"KEY","tags":[{"id":"t","name":"fleet KEY"}]}],"pagination":{"has_more":false}}`,
			func(c *Client) (string, error) {
				l, err := c.ListSIMs(context.Background(), SIMQuery{})
				return fmt.Sprintf("%+v", l.SIMs), err
			}, "Name:fleet " + redactedMark + "}"},
		{"one SIM", `{"id":"000000042","label":"gw KEY","data_limit":{"type":"KEY"}}`,
			func(c *Client) (string, error) {
				s, _, err := c.GetSIM(context.Background(), "000000042")
				return fmt.Sprintf("%+v %+v", s, *s.DataLimit), err
			}, "Label:gw " + redactedMark + " "},
		{"a message", `{"data":[{"id":"m1","sim_id":"000000042","status":"KEY","time":"2025-03-01T10:00:00Z"}],"pagination":{"count":1,"limit":1000,"offset":0,"total":1}}`,
			func(c *Client) (string, error) {
				var got string
				_, err := c.ReadSMSDay(context.Background(), SMSQuery{SIM: "000000042", Day: "2025-03-01"}, func(ms []SMS) error {
					got += fmt.Sprintf("%+v", ms)
					return nil
				}, func() {})
				return got, err
			}, "Status:" + redactedMark + " "},
		{"a tag total's answer", `{"total":5,"note":"token KEY"}`,
			func(c *Client) (string, error) {
				tt, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
				return string(tt.Raw), err
			}, `{"total":5,"note":"token ` + redactedMark + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					writeJSON(w, 200, strings.ReplaceAll(tc.body, "KEY", r.Header.Get("Authorization")))
				})
				c, _ := s.client(t)
				got, err := tc.read(c)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(got, testKey[5:]) || !strings.Contains(got, tc.want) {
					t.Errorf("the read returned %s: want the key taken out (%q)", got, tc.want)
				}
			})
		})
	}
}
