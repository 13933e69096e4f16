package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResolver maps host names to addresses; unknown names fail.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ss, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func refusal(t *testing.T, err error) *RefusedError {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want *RefusedError", err, err)
	}
	return re
}

// redirector serves 302s to the URL in the "to" query parameter.
func redirector(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRefusedURLs(t *testing.T) {
	var dialed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		dialed.Add(1)
		fmt.Fprint(w, "secret")
	}))
	t.Cleanup(target.Close)
	_, targetPort, _ := net.SplitHostPort(target.Listener.Addr().String())
	redir := redirector(t)

	res := fakeResolver{
		"private.test":  {"10.1.2.3"},
		"loopback.test": {"127.0.0.1"},
		"other.test":    {"127.0.0.2"},
		"mixed.test":    {"93.184.216.34", "127.0.0.1"},
		"meta.test":     {"169.254.169.254"},
		"v6local.test":  {"::1"},
		"mapped.test":   {"::ffff:127.0.0.1"},
		"nat64.test":    {"64:ff9b::a00:1"},
	}
	// The redirector itself lives on loopback: open exactly its address so
	// that only the redirect target is judged.
	c := New(Options{
		Resolver: res,
		Allow:    []netip.Prefix{netip.MustParsePrefix(redir.Listener.Addr().(*net.TCPAddr).IP.String() + "/32")},
	})
	closed := New(Options{Resolver: res})

	tests := []struct {
		name   string
		url    string
		reason string // substring of the reason
	}{
		{"file scheme", "file:///etc/passwd", "only http and https"},
		{"gopher scheme", "gopher://example.com/", "only http and https"},
		{"ftp scheme", "ftp://example.com/x", "only http and https"},
		{"no scheme", "example.com/x", "no scheme"},
		{"credentials", "http://user:pw@example.com/", "user name or password"},
		{"loopback v4", "http://127.0.0.1:" + targetPort + "/", "loopback"},
		{"loopback v4 other", "http://127.0.0.53/", "loopback"},
		{"private 10", "http://10.0.0.1/", "private network"},
		{"private 172", "http://172.16.5.4/", "private network"},
		{"private 192", "http://192.168.1.1/", "private network"},
		{"cgnat", "http://100.64.0.1/", "shared"},
		{"link-local", "http://169.254.1.1/", "link-local"},
		{"aws metadata", "http://169.254.169.254/latest/meta-data/", "metadata"},
		{"alibaba metadata", "http://100.100.100.200/", "metadata"},
		{"unspecified v4", "http://0.0.0.0/", "unspecified"},
		{"multicast v4", "http://224.0.0.1/", "multicast"},
		{"broadcast", "http://255.255.255.255/", "broadcast"},
		{"reserved v4", "http://240.0.0.1/", "reserved"},
		{"benchmarking v4", "http://198.18.0.1/", "benchmarking"},
		{"documentation v4", "http://192.0.2.1/", "documentation"},
		{"loopback v6", "http://[::1]/", "loopback"},
		{"unspecified v6", "http://[::]/", "unspecified"},
		{"unique local v6", "http://[fd00::1]/", "unique local"},
		{"aws metadata v6", "http://[fd00:ec2::254]/", "metadata"},
		{"link-local v6", "http://[fe80::1]/", "link-local"},
		{"zone v6", "http://[fe80::1%25eth0]/", "zone"},
		{"multicast v6", "http://[ff02::1]/", "multicast"},
		{"benchmarking v6", "http://[2001:2::1]/", "benchmarking"},
		{"documentation v6", "http://[2001:db8::1]/", "documentation"},
		{"mapped v6 loopback", "http://[::ffff:127.0.0.1]/", "IPv4-mapped form of a loopback"},
		{"mapped v6 hex", "http://[::ffff:7f00:1]/", "IPv4-mapped form of a loopback"},
		{"mapped v6 metadata", "http://[::ffff:169.254.169.254]/", "metadata"},
		{"compat v6 private", "http://[::10.0.0.1]/", "IPv4-compatible form of a private"},
		{"nat64 private", "http://[64:ff9b::192.168.0.1]/", "NAT64 form of a private"},
		{"nat64 metadata", "http://[64:ff9b::a9fe:a9fe]/", "NAT64 form of a cloud metadata"},
		{"6to4 loopback", "http://[2002:7f00:1::]/", "6to4 form of a loopback"},
		{"decimal", "http://2130706433/", "unusual spelling"},
		{"octal", "http://0177.0.0.1/", "unusual spelling"},
		{"hex", "http://0x7f.1/", "unusual spelling"},
		{"hex dword", "http://0x7f000001/", "unusual spelling"},
		{"short", "http://127.1/", "unusual spelling"},
		{"short three", "http://10.0.1/", "unusual spelling"},
		{"octal metadata", "http://0251.0376.0251.0376/", "unusual spelling"},
		{"trailing dot spelling", "http://127.0.0.1./", "unusual spelling"},
		{"localhost", "http://localhost:" + targetPort + "/", "localhost"},
		{"sub localhost", "http://app.localhost/", "localhost"},
		{"name to private", "http://private.test/", "private.test resolves to 10.1.2.3"},
		{"name to loopback", "http://loopback.test:" + targetPort + "/", "loopback"},
		{"name to mixed", "http://mixed.test:" + targetPort + "/", "loopback"},
		{"name to metadata", "http://meta.test/", "metadata"},
		{"name to v6 loopback", "http://v6local.test/", "loopback"},
		{"name to mapped loopback", "http://mapped.test:" + targetPort + "/", "loopback"},
		{"name to nat64 private", "http://nat64.test/", "NAT64"},
		{"bad port", "http://example.com:99999/", "invalid port"},
		{"redirect to private literal", redir.URL + "/?to=http://10.0.0.1/", "redirects to http://10.0.0.1/"},
		{"redirect to metadata", redir.URL + "/?to=http://169.254.169.254/latest/", "metadata"},
		{"redirect to name resolving to loopback", redir.URL + "/?to=http://other.test:" + targetPort + "/", "other.test resolves to 127.0.0.2, which is a loopback"},
		{"redirect to file", redir.URL + "/?to=file:///etc/passwd", "only http and https"},
		{"redirect to decimal", redir.URL + "/?to=http://2130706433:" + targetPort + "/", "unusual spelling"},
	}
	if len(tests) < 30 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := closed
			if strings.HasPrefix(tt.url, redir.URL) {
				client = c
			}
			resp, err := client.Get(t.Context(), tt.url, nil)
			if err == nil {
				t.Fatalf("Get(%q) = status %d, want refusal", tt.url, resp.StatusCode)
			}
			re := refusal(t, err)
			if !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("Get(%q) reason = %q, want it to contain %q", tt.url, re.Reason, tt.reason)
			}
			if got := Reason(err); got != re.Reason {
				t.Errorf("Reason() = %q, want %q", got, re.Reason)
			}
		})
	}
	if n := dialed.Load(); n != 0 {
		t.Errorf("refused target was reached %d times", n)
	}
}

func TestAllowPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "hello")
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	res := fakeResolver{"news.test": {"127.0.0.1"}, "localhost": {"127.0.0.1"}}

	tests := []struct {
		name string
		opts Options
		url  string
	}{
		{"setting on, literal", Options{AllowPrivate: true}, srv.URL + "/"},
		{"setting on, name", Options{AllowPrivate: true, Resolver: res}, "http://news.test:" + port + "/"},
		{"one prefix opened", Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Resolver: res}, "http://news.test:" + port + "/"},
		{"localhost with the setting on", Options{AllowPrivate: true, Resolver: res}, "http://localhost:" + port + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := New(tt.opts).Get(t.Context(), tt.url, nil)
			if err != nil {
				t.Fatalf("Get() error = %v", err)
			}
			if string(resp.Body) != "hello" || resp.StatusCode != 200 {
				t.Errorf("Get() = %d %q, want 200 hello", resp.StatusCode, resp.Body)
			}
		})
	}

	// Metadata stays closed even with the setting on or the prefix opened.
	for _, opts := range []Options{{AllowPrivate: true}, {Allow: []netip.Prefix{netip.MustParsePrefix("169.254.0.0/16")}}} {
		_, err := New(opts).Get(t.Context(), "http://169.254.169.254/", nil)
		if re := refusal(t, err); !strings.Contains(re.Reason, "metadata") {
			t.Errorf("reason = %q, want metadata", re.Reason)
		}
	}
}

func TestSizeLimit(t *testing.T) {
	big := strings.Repeat("x", 2048)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Header().Set("Content-Type", "text/plain")
			for range 4 {
				fmt.Fprint(w, big[:1024])
				w.(http.Flusher).Flush()
			}
			return
		}
		fmt.Fprint(w, big)
	}))
	t.Cleanup(srv.Close)
	c := New(Options{AllowPrivate: true, MaxBytes: 1024})
	for _, path := range []string{"/length", "/chunked"} {
		t.Run(path, func(t *testing.T) {
			_, err := c.Get(t.Context(), srv.URL+path, nil)
			if re := refusal(t, err); !strings.Contains(re.Reason, "larger than the 1 KB limit") {
				t.Errorf("reason = %q", re.Reason)
			}
		})
	}
	ok := New(Options{AllowPrivate: true, MaxBytes: 2048})
	resp, err := ok.Get(t.Context(), srv.URL+"/length", nil)
	if err != nil || len(resp.Body) != 2048 {
		t.Errorf("Get() at the limit = %v, %v; want the whole body", len(resp.Body), err)
	}
}

func TestTimeLimit(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	c := New(Options{AllowPrivate: true, Timeout: 50 * time.Millisecond})
	_, err := c.Get(t.Context(), srv.URL, nil)
	if re := refusal(t, err); !strings.Contains(re.Reason, "took longer than 50ms") {
		t.Errorf("reason = %q", re.Reason)
	}
}

func TestRedirectLimits(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/n/{i}", func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscan(r.PathValue("i"), &i)
		http.Redirect(w, r, fmt.Sprintf("/n/%d", i+1), http.StatusFound)
	})
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "done") })
	mux.HandleFunc("/two", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/n2", http.StatusFound) })
	mux.HandleFunc("/n2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := New(Options{AllowPrivate: true})

	tests := []struct {
		name, path, reason string
	}{
		{"too many", "/n/0", "redirected more than 5 times"},
		{"loop", "/a", "redirects in a loop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Get(t.Context(), srv.URL+tt.path, nil)
			if re := refusal(t, err); !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("reason = %q, want %q", re.Reason, tt.reason)
			}
		})
	}
	resp, err := c.Get(t.Context(), srv.URL+"/two", nil)
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	if resp.URL != srv.URL+"/ok" || string(resp.Body) != "done" {
		t.Errorf("Get() = %s %q, want final URL /ok", resp.URL, resp.Body)
	}
}

func TestNoProxyFromEnvironment(t *testing.T) {
	c := New(Options{})
	tr, ok := c.hc.Transport.(*http.Transport)
	if !ok || tr.Proxy != nil {
		t.Fatal("transport uses a proxy; it would bypass the address check")
	}
}

func TestHeadersSent(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusNotModified)
	}))
	t.Cleanup(srv.Close)
	resp, err := New(Options{AllowPrivate: true}).Get(t.Context(), srv.URL, http.Header{"If-None-Match": {`"v1"`}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotModified || got.Get("If-None-Match") != `"v1"` || got.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("status %d, headers %v", resp.StatusCode, got)
	}
}

func TestParseLooseIPv4(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"10.0.258", "10.0.1.2"},
		{"0", "0.0.0.0"},
		{"example.com", ""},
		{"1.2.3.4.5", ""},
		{"256.1.1.1", ""},
		{"4294967296", ""},
		{"08.1.1.1", ""},
		{"1..1", ""},
		{"0x", "0.0.0.0"},
	}
	for _, tt := range tests {
		got, ok := parseLooseIPv4(tt.in)
		s := ""
		if ok {
			s = got.String()
		}
		if s != tt.want {
			t.Errorf("parseLooseIPv4(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

func TestCheckAddrPublic(t *testing.T) {
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"} {
		for _, allow := range []bool{false, true} {
			if r := CheckAddr(netip.MustParseAddr(s), allow); r != "" {
				t.Errorf("CheckAddr(%s, %v) = %q, want allowed", s, allow, r)
			}
		}
	}
}

func FuzzCheckAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "10.0.0.1", "8.8.8.8", "169.254.169.254", "::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::", "fd00::1", "2606:4700::1"} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		addr, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		strict := CheckAddr(addr, false)
		loose := CheckAddr(addr, true)
		if strict == "" && loose != "" {
			t.Fatalf("%s allowed when closed but refused when open: %q", addr, loose)
		}
		if addr.Is4() {
			// Every IPv6 form that embeds this IPv4 address is judged the same.
			b4 := addr.As4()
			forms := []netip.Addr{
				netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]}),
				netip.AddrFrom16([16]byte{1: 0x64, 2: 0xff, 3: 0x9b, 12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]}),
				netip.AddrFrom16([16]byte{0: 0x20, 1: 0x02, 2: b4[0], 3: b4[1], 4: b4[2], 5: b4[3]}),
			}
			for _, f := range forms {
				if (CheckAddr(f, false) == "") != (strict == "") {
					t.Fatalf("%s judged %q but its form %s judged %q", addr, strict, f, CheckAddr(f, false))
				}
			}
		}
	})
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"http://example.com/", "http://127.1/", "http://[::ffff:7f00:1]/", "https://0x7f.1:80/x", "http://2130706433/", "ftp://x/", "http://a@b/", "http://[fe80::1%25eth0]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := CheckURL(raw, false)
		if err != nil {
			refusal(t, err)
			return
		}
		if !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https") {
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		host := u.Hostname()
		if addr, err := netip.ParseAddr(host); err == nil {
			if r := CheckAddr(addr, false); r != "" {
				t.Fatalf("accepted %q with refused address %s (%s)", raw, addr, r)
			}
		}
		if addr, ok := parseLooseIPv4(host); ok && addr.String() != host {
			t.Fatalf("accepted unusual spelling %q of %s", host, addr)
		}
	})
}

// TestControlRechecks checks the last line of defence: the address the
// socket is about to connect to is judged again, whatever resolved it.
func TestControlRechecks(t *testing.T) {
	tests := []struct {
		name, address string
		allowPrivate  bool
		refused       bool
	}{
		{"loopback closed", "127.0.0.1:80", false, true},
		{"mapped loopback closed", "[::ffff:127.0.0.1]:80", false, true},
		{"metadata open", "169.254.169.254:80", true, true},
		{"loopback open", "127.0.0.1:80", true, false},
		{"public", "93.184.216.34:443", false, false},
		{"garbage", "not-an-address", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New(Options{AllowPrivate: tt.allowPrivate}).control("tcp", tt.address, nil)
			if (err != nil) != tt.refused {
				t.Errorf("control(%q) error = %v, want refused %v", tt.address, err, tt.refused)
			}
		})
	}
}
