package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case", "HTTPS://News.Example.COM/Path", "https://news.example.com/Path"},
		{"default port http", "http://example.com:80/a", "http://example.com/a"},
		{"default port https", "https://example.com:443/a", "https://example.com/a"},
		{"other port", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"fragment", "https://example.com/a#comments", "https://example.com/a"},
		{"tracking", "https://example.com/a?utm_source=x&id=7&fbclid=abc&gclid=1&UTM_Medium=y", "https://example.com/a?id=7"},
		{"sorted", "https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
		{"only tracking", "https://example.com/a?utm_campaign=z", "https://example.com/a"},
		{"empty path", "https://example.com", "https://example.com/"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"user info", "https://u:p@example.com/a", "https://example.com/a"},
		{"trailing dot host", "https://example.com./a", "https://example.com/a"},
		{"ipv6", "http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"},
		{"encoded query", "https://example.com/s?q=a%20b&utm_term=x", "https://example.com/s?q=a+b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalURL(tt.in)
			if err != nil {
				t.Fatalf("CanonicalURL(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"ftp://example.com/", "mailto:a@b", "/relative", "http://", "::"} {
		if got, err := CanonicalURL(bad); err == nil {
			t.Errorf("CanonicalURL(%q) = %q, want error", bad, got)
		}
	}
}

func TestPreferCanonical(t *testing.T) {
	tests := []struct {
		name, page, link, want string
	}{
		{"same site", "https://www.example.com/a?utm_source=x", "https://example.com/story/a", "https://example.com/story/a"},
		{"relative", "https://example.com/amp/a", "/a", "https://example.com/a"},
		{"other site ignored", "https://example.com/a", "https://evil.test/a", "https://example.com/a"},
		{"none", "https://example.com/a#x", "", "https://example.com/a"},
	}
	for _, tt := range tests {
		if got := preferCanonical(tt.page, tt.link); got != tt.want {
			t.Errorf("%s: preferCanonical(%q, %q) = %q, want %q", tt.name, tt.page, tt.link, got, tt.want)
		}
	}
}

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{"https://Example.com:443/a/../b?utm_source=1&x=2#f", "http://[::1]:80", "http://a.b/?a=%zz&b", "https://x.y/%2e%2e/?;a=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := CanonicalURL(raw)
		if err != nil {
			return
		}
		again, err := CanonicalURL(c)
		if err != nil {
			t.Fatalf("CanonicalURL(%q) = %q, which does not canonicalise again: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		u, err := url.Parse(c)
		if err != nil {
			t.Fatalf("result %q does not parse: %v", c, err)
		}
		if u.Fragment != "" || u.User != nil {
			t.Fatalf("result %q keeps a fragment or user info", c)
		}
		for k := range u.Query() {
			if isTracking(k) {
				t.Fatalf("result %q keeps tracking parameter %q", c, k)
			}
		}
		if strings.ToLower(u.Host) != u.Host {
			t.Fatalf("result %q host not lower-case", c)
		}
	})
}
