package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtractHTML feeds arbitrary bytes to the extraction wrapper: it must
// never panic, and what it returns must be valid UTF-8 with a body whenever
// it reports success.
func FuzzExtractHTML(f *testing.F) {
	f.Add([]byte(`<html><head><title>T</title></head><body><article><p>Hello world, this is an article about the news of the day.</p></article></body></html>`), "text/html; charset=utf-8")
	f.Add([]byte(`<html><head><meta charset="shift_jis"><title>\x93\xfa\x96{</title></head><body><p>\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd</p></body></html>`), "text/html")
	f.Add([]byte(`<p><a href="/x">only a link</a></p><script>alert(1)</script>`), "")
	f.Add([]byte("\x00\xff<html><body><div><div><div>"), "application/xhtml+xml")
	f.Fuzz(func(t *testing.T, page []byte, contentType string) {
		doc, err := ExtractHTML(page, contentType, "https://example.com/a")
		if err != nil {
			return
		}
		if strings.TrimSpace(doc.Body) == "" {
			t.Errorf("ExtractHTML succeeded with an empty body")
		}
		for name, s := range map[string]string{"title": doc.Title, "body": doc.Body, "author": doc.Author, "outlet": doc.Outlet} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not valid UTF-8: %q", name, s)
			}
		}
	})
}
