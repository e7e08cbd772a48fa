package onomondo

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestTransportRefusesTLSBelow12(t *testing.T) {
	old := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, page(1, 0, ""))
	}))
	old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	old.StartTLS()
	defer old.Close()

	tr := newTransport()
	if tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Fatalf("MinVersion = %x", tr.TLSClientConfig.MinVersion)
	}
	// Trust the test server's certificate, so only the version can fail.
	tr.TLSClientConfig.RootCAs = old.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c, _ := newTestClient(t, old.URL, func(c *Config) { c.Transport = tr; c.MaxRetries = 0 })
	_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("a TLS 1.1 server was accepted (err = %v)", err)
	}

	modern := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, page(1, 0, ""))
	}))
	defer modern.Close()
	tr2 := newTransport()
	tr2.TLSClientConfig.RootCAs = modern.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c2, _ := newTestClient(t, modern.URL, func(c *Config) { c.Transport = tr2 })
	if _, _, err := collect(t, c2, UsageQuery{Filters: []Filter{{"time", "2025"}}}); err != nil {
		t.Fatalf("TLS 1.2+ server refused: %v", err)
	}
}

// TestTransportUsesProxyFromEnvironment runs in a child process, since Go
// reads the proxy variables once per process.
func TestTransportUsesProxyFromEnvironment(t *testing.T) {
	if os.Getenv("ONOMONDO_PROXY_CHILD") == "1" {
		req, _ := http.NewRequest(http.MethodGet, "https://api.onomondo.com/usage", nil)
		u, err := newTransport().Proxy(req)
		if err != nil || u == nil || u.Host != "proxy.internal:3128" {
			t.Fatalf("proxy for api.onomondo.com = %v, %v; want proxy.internal:3128 from HTTPS_PROXY", u, err)
		}
		req2, _ := http.NewRequest(http.MethodGet, "https://skip.example.com/usage", nil)
		if u, _ := newTransport().Proxy(req2); u != nil {
			t.Fatalf("NO_PROXY host was proxied via %v", u)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTransportUsesProxyFromEnvironment$")
	cmd.Env = append(os.Environ(), "ONOMONDO_PROXY_CHILD=1", "HTTPS_PROXY=http://proxy.internal:3128", "NO_PROXY=skip.example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
