package onomondo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.onomondo.com"

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
	// retries (defaults DefaultRetryWaitMin and DefaultRetryWaitMax).
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxWait caps every single wait (default DefaultMaxWait).
	MaxWait time.Duration
	// MaxRateLimitWaits bounds the 429s in a row one request waits out
	// (default DefaultMaxRateLimitWaits).
	MaxRateLimitWaits int
	// RateLimiter paces requests; default: SharedRateLimiter of the host.
	RateLimiter *RateLimiter
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
}

// Client talks to the Onomondo usage API. It is safe for concurrent use; all
// data sources of a provider share one.
type Client struct {
	base      *url.URL
	apiKey    string
	http      *http.Client
	limiter   *RateLimiter
	policy    retryPolicy
	timeout   time.Duration
	userAgent string
	log       Logger
	redact    redactor // takes the key out of every server string shown
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
		return nil, fmt.Errorf("MaxRetries must be 0 or more, got %d", cfg.MaxRetries)
	}
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	c := &Client{
		base:      base,
		apiKey:    cfg.APIKey,
		limiter:   cfg.RateLimiter,
		timeout:   orDefault(cfg.RequestTimeout, DefaultRequestTimeout),
		userAgent: cfg.UserAgent,
		log:       cfg.Logger,
		policy: retryPolicy{
			MaxRetries:        cfg.MaxRetries,
			MaxRateLimitWaits: cfg.MaxRateLimitWaits,
			WaitMin:           orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin),
			WaitMax:           orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax),
			MaxWait:           orDefault(cfg.MaxWait, DefaultMaxWait),
			Jitter:            defaultJitter,
		},
	}
	if c.policy.MaxRateLimitWaits <= 0 {
		c.policy.MaxRateLimitWaits = DefaultMaxRateLimitWaits
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-onomondo"
	}
	if c.log == nil {
		c.log = nopLogger{}
	}
	c.redact = newRedactor(cfg.APIKey)
	c.log = redactingLogger{next: c.log, r: c.redact}
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
		return nil, fmt.Errorf("%q %w", redactUserinfo(u), ErrCredentialsInURL)
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

// ErrCredentialsInURL is why ParseBaseURL refuses a URL with user
// information: the API key travels in the Authorization header only.
var ErrCredentialsInURL = errors.New("must not contain credentials: the API key is sent in the Authorization header, never in the URL")

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

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 5

// checkRedirect follows at most maxRedirects redirects, never to plain http
// outside loopback, and strips the Authorization header whenever the
// redirect leaves the original host (scheme, host and port), so the key
// only goes where the user configured it. A redirect it refuses ends the
// request at once (redirectError): retrying would only loop again.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &redirectError{fmt.Sprintf("stopped after %d redirects (the last to %s)", maxRedirects, req.URL.Redacted())}
	}
	if req.URL.Scheme != "https" && !IsLoopbackHost(req.URL.Hostname()) {
		return &redirectError{fmt.Sprintf("refusing a redirect to %s://%s: not https, so the API key would travel unencrypted", req.URL.Scheme, req.URL.Host)}
	}
	orig := via[0].URL
	if req.URL.Scheme != orig.Scheme || req.URL.Host != orig.Host {
		req.Header.Del("Authorization")
	}
	return nil
}

// redirectError is a redirect checkRedirect refused.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

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
//
// It is a loop around retryPolicy.decide: each attempt that does not
// succeed is handed to the policy, which says how long to wait before the
// next, or which error to fail with.
func (c *Client) do(ctx context.Context, r request, handle func(status int, h http.Header, body io.Reader) error) error {
	var used tally
	for attempt := 1; ; attempt++ {
		res, body, final := c.attempt(ctx, r, attempt, handle)
		if final != nil {
			return final
		}
		if res.Err == nil && res.Status >= 200 && res.Status <= 299 {
			return nil
		}
		d := c.policy.decide(res, used, time.Now())
		if !d.Retry {
			return c.failure(r, d.Kind, res, attempt, used, body)
		}
		if d.RateLimited {
			used.RateWaits++
			c.limiter.Exhaust(time.Now().Add(d.Wait))
		} else {
			used.Retries++
		}
		c.logWait(ctx, r, d.Wait, d.Reason, attempt)
		if err := sleep(ctx, d.Wait); err != nil {
			return c.failure(r, KindCanceled, attemptResult{Status: res.Status, Canceled: true}, attempt, used, nil)
		}
	}
}

// attempt sends r once, paced by the limiter. For a 2xx answer it hands the
// body to handle: final is handle's error when the body arrived completely
// but is not what the provider expects (retrying would not help), or an
// HTML page in place of JSON. Otherwise res says how the attempt ended, and
// body holds the start of a non-2xx answer's body.
func (c *Client) attempt(ctx context.Context, r request, attempt int, handle func(int, http.Header, io.Reader) error) (res attemptResult, body []byte, final error) {
	if err := ctx.Err(); err != nil {
		return attemptResult{Canceled: true}, nil, nil
	}
	ticket, paced, err := c.limiter.Acquire(ctx)
	if paced.Waited > time.Second {
		c.logWait(ctx, r, paced.Waited, "pacing: "+paced.Reason, attempt)
	}
	if err != nil {
		return attemptResult{Canceled: true}, nil, nil
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path = c.base.Path + r.path
	u.RawQuery = r.query
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		c.limiter.Release(ticket, nil)
		return attemptResult{}, nil, c.failure(r, KindTransport, attemptResult{Err: err}, attempt, tally{}, nil)
	}
	req.Header.Set("Authorization", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	resp, err := c.http.Do(req)
	var redirect *redirectError
	if errors.As(err, &redirect) {
		// A refused redirect: final, whatever max retries allow.
		status := 0
		var h http.Header
		if resp != nil {
			status, h = resp.StatusCode, resp.Header
		}
		c.limiter.Release(ticket, h)
		c.logAttempt(ctx, r, status, attempt, start, err)
		e := c.failure(r, KindRedirect, attemptResult{Status: status}, attempt, tally{}, nil)
		e.Err = redirect
		return attemptResult{}, nil, e
	}
	if err != nil {
		c.limiter.Release(ticket, nil)
		c.logAttempt(ctx, r, 0, attempt, start, err)
		return c.broken(ctx, actx, 0, nil, err), nil, nil
	}
	c.limiter.Release(ticket, resp.Header)
	c.logAttempt(ctx, r, resp.StatusCode, attempt, start, nil)
	res = attemptResult{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return res, readSnippet(resp.Body, len(c.apiKey)), nil
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(strings.ToLower(ct), "text/html") {
		e := c.failure(r, KindDecode, res, attempt, tally{}, nil)
		e.Err = fmt.Errorf("it is an HTML page (Content-Type %q), not JSON", ct)
		e.Snippet = c.redact.snippet(readSnippet(resp.Body, len(c.apiKey)))
		return res, nil, e
	}
	// 2xx: hand the body to the decoder, watching for transport errors.
	tr := &trackingReader{r: resp.Body}
	herr := handle(resp.StatusCode, resp.Header, tr)
	drainAndClose(resp.Body)
	if herr == nil {
		return res, nil, nil
	}
	if tr.err != nil && !errors.Is(tr.err, io.EOF) {
		// The connection broke (or timed out) while the body was read.
		c.log.Debug(ctx, "Onomondo API: answer body broke off", map[string]any{"path": r.path, "attempt": attempt, "error": tr.err.Error()})
		return c.broken(ctx, actx, resp.StatusCode, resp.Header, tr.err), nil, nil
	}
	var apiErr *Error
	if errors.As(herr, &apiErr) {
		return res, nil, apiErr
	}
	e := c.failure(r, KindDecode, res, attempt, tally{}, nil)
	e.Err = herr
	return res, nil, e
}

// broken describes an attempt whose connection failed, before or during the
// answer.
func (c *Client) broken(ctx, actx context.Context, status int, h http.Header, err error) attemptResult {
	res := attemptResult{Status: status, Header: h, Err: unwrapURLError(err)}
	switch c.classify(ctx, actx, err) {
	case KindCanceled:
		res.Canceled = true
	case KindTimeout:
		res.Timeout = true
	}
	return res
}

// failure is the error that ends a request.
func (c *Client) failure(r request, kind ErrorKind, res attemptResult, attempt int, used tally, body []byte) *Error {
	e := &Error{Kind: kind, Method: http.MethodGet, Endpoint: r.endpoint(), Resource: r.resource, Status: res.Status, Page: r.page, Attempts: attempt, Timeout: c.timeout, Err: res.Err}
	switch kind {
	case KindRateLimited:
		e.Attempts = used.RateWaits
	case KindHTTP:
		e = c.httpError(e, body)
	case KindCanceled:
		e.Err = context.Canceled
	}
	return e
}

// logWait logs a wait before an attempt: at INFO when it is longer than a
// second (a user watching TF_LOG=INFO sees why a plan pauses), else at DEBUG.
func (c *Client) logWait(ctx context.Context, r request, wait time.Duration, reason string, attempt int) {
	fields := map[string]any{"path": r.path, "page": r.page, "attempt": attempt, "wait_ms": wait.Milliseconds(), "reason": reason}
	if wait > time.Second {
		c.log.Info(ctx, "Onomondo API: waiting "+wait.Round(time.Millisecond).String()+" ("+reason+")", fields)
		return
	}
	c.log.Debug(ctx, "Onomondo API: waiting ("+reason+")", fields)
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
// redacted snippet of anything that is not the API's JSON error shape (the
// snippet is redacted here, before it is shortened).
func (c *Client) httpError(e *Error, body []byte) *Error {
	if code, ok := parseErrorCode(body); ok {
		e.Code = code // redacted and shortened with the rest of the error (redactor.seal)
	} else if len(body) > 0 {
		e.Snippet = c.redact.snippet(body)
	}
	return e
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

// readSnippet reads at most 4 KiB of an error body, and up to keyLen bytes
// more so that a key that straddles the 4 KiB is read whole (and so
// redacted whole), then closes the body.
func readSnippet(body io.ReadCloser, keyLen int) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, 4<<10+int64(keyLen)))
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
