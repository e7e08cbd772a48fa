// Package onomondo is a plain-Go client for the Onomondo usage API: GET
// /usage, GET /usage/{sim_id} and GET /usage/tag-total/{tag_id}, and the SIM
// endpoints GET /sims and GET /sims/{id}.
//
// It gets authentication, query encoding, paging, rate limits, retries and
// errors right, and knows nothing of Terraform: the provider turns its
// results into framework values and its *Error into diagnostics.
package onomondo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.onomondo.com"

// Defaults of Config.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 60 * time.Second
	// DefaultMaxRateLimitWait caps one wait for a rate-limit reset.
	DefaultMaxRateLimitWait = 3 * time.Minute
	// DefaultMaxRateLimitWaits bounds how many 429s in a row one request
	// waits out before it gives up.
	DefaultMaxRateLimitWaits = 10
)

// Config configures a Client. Zero values take the defaults.
type Config struct {
	BaseURL    string
	APIKey     string
	MaxRetries int // retries after a 5xx (not 501) or a connection error
	// RequestTimeout bounds one HTTP attempt, body included.
	RequestTimeout time.Duration
	UserAgent      string
	Logger         Logger
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// retries (defaults 1s and 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	MaxRateLimitWait           time.Duration
	MaxRateLimitWaits          int
	// RateLimiter paces requests; default: SharedRateLimiter of the host.
	RateLimiter *RateLimiter
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
}

// Client talks to the Onomondo usage API. It is safe for concurrent use; all
// data sources of a provider share one.
type Client struct {
	base              *url.URL
	apiKey            string
	http              *http.Client
	limiter           *RateLimiter
	maxRetries        int
	timeout           time.Duration
	userAgent         string
	log               Logger
	waitMin, waitMax  time.Duration
	maxRateLimitWait  time.Duration
	maxRateLimitWaits int
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" {
		return nil, errors.New("no API key")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max_retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	c := &Client{
		base:              base,
		apiKey:            cfg.APIKey,
		limiter:           cfg.RateLimiter,
		maxRetries:        cfg.MaxRetries,
		timeout:           cfg.RequestTimeout,
		userAgent:         cfg.UserAgent,
		log:               cfg.Logger,
		waitMin:           cfg.RetryWaitMin,
		waitMax:           cfg.RetryWaitMax,
		maxRateLimitWait:  cfg.MaxRateLimitWait,
		maxRateLimitWaits: cfg.MaxRateLimitWaits,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultRequestTimeout
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-onomondo"
	}
	if c.log == nil {
		c.log = nopLogger{}
	}
	if c.waitMin <= 0 {
		c.waitMin = time.Second
	}
	if c.waitMax <= 0 {
		c.waitMax = 30 * time.Second
	}
	if c.maxRateLimitWait <= 0 {
		c.maxRateLimitWait = DefaultMaxRateLimitWait
	}
	if c.maxRateLimitWaits <= 0 {
		c.maxRateLimitWaits = DefaultMaxRateLimitWaits
	}
	if c.limiter == nil {
		c.limiter = SharedRateLimiter(base.Host)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = newTransport()
	}
	c.http = &http.Client{Transport: transport, CheckRedirect: c.checkRedirect}
	return c, nil
}

// newTransport is the default transport with TLS 1.2 as the minimum and
// keep-alive sized for ten parallel reads. Proxies come from HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY as usual.
func newTransport() *http.Transport {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // replaced by someone else in this process: start from scratch
		base = &http.Transport{ForceAttemptHTTP2: true, MaxIdleConns: 100, IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second}
	}
	t := base.Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.MaxIdleConnsPerHost = 16
	t.Proxy = http.ProxyFromEnvironment
	return t
}

// ParseBaseURL checks a base URL: absolute, http(s), no query, fragment or
// credentials, and plain http only for a loopback host (a fake API or a test
// server), so the API key never travels in clear text over a network.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL: use for example %q", raw, DefaultBaseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q must not contain credentials: set the key in api_key", redactUserinfo(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http to a host that is not loopback: the API key would travel unencrypted. Use https (plain http is accepted only for 127.0.0.1, ::1 and localhost, such as a local fake API)", raw)
		}
	default:
		return nil, fmt.Errorf("%q must use https (or http to a loopback host)", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

func redactUserinfo(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}

// IsLoopbackHost reports whether host is localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRedirect follows at most five redirects, never to plain http outside
// loopback, and strips the Authorization header whenever the redirect leaves
// the original host (scheme, host and port), so the key only goes where the
// user configured it.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if req.URL.Scheme != "https" && !IsLoopbackHost(req.URL.Hostname()) {
		return fmt.Errorf("refusing a redirect to %s://%s: not https", req.URL.Scheme, req.URL.Host)
	}
	orig := via[0].URL
	if req.URL.Scheme != orig.Scheme || req.URL.Host != orig.Host {
		req.Header.Del("Authorization")
	}
	return nil
}

// request describes one logical API request (possibly several attempts).
type request struct {
	path     string
	query    string
	resource string
	page     int
}

func (r request) endpoint() string {
	if r.query == "" {
		return r.path
	}
	return r.path + "?" + r.query
}

// do sends r with pacing and retries. For a 2xx answer it calls handle, which
// must read what it needs from body; handle is called again on a retried
// attempt, so it must not pass anything on until do returns nil.
func (c *Client) do(ctx context.Context, r request, handle func(status int, h http.Header, body io.Reader) error) error {
	u := *c.base
	u.Path = c.base.Path + r.path
	u.RawQuery = r.query
	target := u.String()

	fail := func(kind ErrorKind, status int, attempts int, err error) *Error {
		return &Error{Kind: kind, Method: http.MethodGet, Endpoint: r.endpoint(), Resource: r.resource, Status: status, Page: r.page, Attempts: attempts, Timeout: c.timeout, Err: err}
	}
	retries, rateWaits, attempt := 0, 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return fail(KindCanceled, 0, attempt, err)
		}
		ticket, waited, err := c.limiter.Acquire(ctx)
		if err != nil {
			return fail(KindCanceled, 0, attempt, err)
		}
		if waited > 10*time.Millisecond {
			c.log.Debug(ctx, "Onomondo API: waited for the rate-limit window to reset", map[string]any{"path": r.path, "wait_ms": waited.Milliseconds()})
		}
		attempt++
		actx, cancel := context.WithTimeout(ctx, c.timeout)
		req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
		if err != nil {
			c.limiter.Release(ticket, nil)
			cancel()
			return fail(KindTransport, 0, attempt, err)
		}
		req.Header.Set("Authorization", c.apiKey)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.userAgent)

		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			c.limiter.Release(ticket, nil)
			cancel()
			kind := c.classify(ctx, actx, err)
			c.logAttempt(ctx, r, 0, attempt, start, err)
			if kind == KindCanceled {
				return fail(kind, 0, attempt, ctx.Err())
			}
			if retries < c.maxRetries {
				retries++
				if werr := sleep(ctx, c.backoff(retries)); werr != nil {
					return fail(KindCanceled, 0, attempt, werr)
				}
				continue
			}
			return fail(kind, 0, attempt, unwrapURLError(err))
		}
		c.limiter.Release(ticket, resp.Header)
		c.logAttempt(ctx, r, resp.StatusCode, attempt, start, nil)
		status := resp.StatusCode

		switch {
		case status == http.StatusTooManyRequests:
			body := readSnippet(resp.Body)
			cancel()
			wait, reset, ok := retryAfter(resp.Header, time.Now())
			if ok {
				c.limiter.Exhaust(reset)
				if rateWaits < c.maxRateLimitWaits {
					rateWaits++
					wait = min(wait+50*time.Millisecond, c.maxRateLimitWait)
					c.log.Warn(ctx, "Onomondo API rate limit reached; waiting for the announced reset", map[string]any{"path": r.path, "wait_ms": wait.Milliseconds()})
					if werr := sleep(ctx, wait); werr != nil {
						return fail(KindCanceled, status, attempt, werr)
					}
					continue
				}
				e := c.httpError(fail(KindRateLimited, status, rateWaits, nil), body)
				return e
			}
			if retries < c.maxRetries {
				retries++
				if werr := sleep(ctx, c.backoff(retries)); werr != nil {
					return fail(KindCanceled, status, attempt, werr)
				}
				continue
			}
			return c.httpError(fail(KindHTTP, status, attempt, nil), body)

		case status >= 500 && status != http.StatusNotImplemented:
			body := readSnippet(resp.Body)
			cancel()
			if retries < c.maxRetries {
				retries++
				wait := c.backoff(retries)
				if d, _, ok := retryAfter(resp.Header, time.Now()); ok && resp.Header.Get("Retry-After") != "" {
					wait = min(max(d, wait), c.maxRateLimitWait)
				}
				if werr := sleep(ctx, wait); werr != nil {
					return fail(KindCanceled, status, attempt, werr)
				}
				continue
			}
			return c.httpError(fail(KindHTTP, status, attempt, nil), body)

		case status < 200 || status > 299:
			body := readSnippet(resp.Body)
			cancel()
			return c.httpError(fail(KindHTTP, status, attempt, nil), body)
		}

		// 2xx: hand the body to the decoder, watching for transport errors.
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(strings.ToLower(ct), "text/html") {
			body := readSnippet(resp.Body)
			cancel()
			e := fail(KindDecode, status, attempt, fmt.Errorf("it is an HTML page (Content-Type %q), not JSON", ct))
			e.Snippet = snippet(body, c.apiKey)
			return e
		}
		tr := &trackingReader{r: resp.Body}
		herr := handle(status, resp.Header, tr)
		drainAndClose(resp.Body)
		cancel()
		if herr == nil {
			return nil
		}
		if tr.err != nil && !errors.Is(tr.err, io.EOF) {
			// The connection broke (or timed out) while the body was read.
			kind := c.classify(ctx, actx, tr.err)
			c.log.Debug(ctx, "Onomondo API: answer body broke off", map[string]any{"path": r.path, "attempt": attempt, "error": tr.err.Error()})
			if kind == KindCanceled {
				return fail(kind, status, attempt, ctx.Err())
			}
			if retries < c.maxRetries {
				retries++
				if werr := sleep(ctx, c.backoff(retries)); werr != nil {
					return fail(KindCanceled, status, attempt, werr)
				}
				continue
			}
			return fail(kind, status, attempt, unwrapURLError(tr.err))
		}
		var apiErr *Error
		if errors.As(herr, &apiErr) {
			return apiErr
		}
		return fail(KindDecode, status, attempt, redactErr(herr, c.apiKey))
	}
}

// classify tells a cancelled read from a per-attempt timeout and from a
// transport failure.
func (c *Client) classify(ctx, actx context.Context, err error) ErrorKind {
	switch {
	case ctx.Err() != nil:
		return KindCanceled
	case errors.Is(actx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindTransport
}

// httpError completes a non-2xx error with the API's error code and a
// redacted snippet of anything that is not the API's JSON error shape.
func (c *Client) httpError(e *Error, body []byte) *Error {
	if code, ok := parseErrorCode(body); ok {
		e.Code = code
	} else if len(body) > 0 {
		e.Snippet = snippet(body, c.apiKey)
	}
	return e
}

func (c *Client) backoff(retry int) time.Duration {
	d := c.waitMin << min(retry-1, 20)
	if d > c.waitMax || d <= 0 {
		d = c.waitMax
	}
	// Jitter: a random point in [d/2, d], so parallel readers spread out.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func (c *Client) logAttempt(ctx context.Context, r request, status, attempt int, start time.Time, err error) {
	fields := map[string]any{
		"method":      http.MethodGet,
		"path":        r.path,
		"query":       r.query,
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if status != 0 {
		fields["status"] = status
	}
	if err != nil {
		fields["error"] = unwrapURLError(err).Error()
	}
	c.log.Debug(ctx, "Onomondo API request", fields)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// trackingReader remembers the first error the transport returned, so a
// broken connection can be told from a body that is merely bad JSON.
type trackingReader struct {
	r   io.Reader
	err error
}

func (t *trackingReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && t.err == nil {
		t.err = err
	}
	return n, err
}

// readSnippet reads at most 4 KiB of an error body and closes it.
func readSnippet(body io.ReadCloser) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, 4<<10))
	drainAndClose(body)
	return b
}

// drainAndClose reads a little of what is left so the connection can be
// reused, then closes the body.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// unwrapURLError drops *url.Error's "Get <url>:" prefix; the endpoint is
// reported separately.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func redactErr(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "<redacted>"))
}
