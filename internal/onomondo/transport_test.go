package onomondo

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
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

// TestTransportUsesProxyFromEnvironment reads through a real proxy named
// by HTTPS_PROXY: the API host (example.com, which the test server's
// certificate names) is reached only through the proxy's CONNECT tunnel,
// so a transport that ignored the proxy would fail the read. It runs in a
// child process, since Go reads the proxy variables once per process.
func TestTransportUsesProxyFromEnvironment(t *testing.T) {
	if os.Getenv("ONOMONDO_PROXY_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTransportUsesProxyFromEnvironment$", "-test.v")
		cmd.Env = append(os.Environ(), "ONOMONDO_PROXY_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestTransportUsesProxyFromEnvironment") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}

	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, page(3, 0, ""))
	}))
	defer api.Close()

	var mu sync.Mutex
	var tunnels []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "this proxy only tunnels", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		tunnels = append(tunnels, r.Host)
		mu.Unlock()
		upstream, err := net.Dial("tcp", api.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer upstream.Close()
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
			return
		}
		done := make(chan struct{}, 2)
		go func() { _, _ = io.Copy(upstream, buf); done <- struct{}{} }()
		go func() { _, _ = io.Copy(conn, upstream); done <- struct{}{} }()
		<-done
	}))
	defer proxy.Close()

	// Before the first request of this process: Go reads them once.
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")

	tr := newTransport()
	tr.TLSClientConfig.RootCAs = api.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c, _ := newTestClient(t, "https://example.com", func(c *Config) { c.Transport = tr; c.MaxRetries = 0 })
	recs, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
	if err != nil {
		t.Fatalf("read through the proxy: %v", err)
	}
	if len(recs) != 3 {
		t.Fatalf("read %d records through the proxy, want 3", len(recs))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(tunnels) == 0 || tunnels[0] != "example.com:443" {
		t.Fatalf("proxy tunnels = %v, want one to example.com:443", tunnels)
	}
}
