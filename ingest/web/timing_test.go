package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// TestPairedTiming times go-trafilatura alone and ExtractHTML on the same
// pages, interleaved, so that both medians come from one run on a shared
// machine. It needs GAZETTE_EXTRACTION_CASES.
func TestPairedTiming(t *testing.T) {
	path := os.Getenv("GAZETTE_EXTRACTION_CASES")
	if path == "" {
		t.Skip("set GAZETTE_EXTRACTION_CASES to run")
	}
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var a, b []float64
	for sc.Scan() {
		var c evalCase
		json.Unmarshal(sc.Bytes(), &c)
		page, _ := readPage(filepath.Join(filepath.Dir(path), c.HTMLFile))
		for range 3 {
			s := time.Now()
			root, _ := html.Parse(bytes.NewReader(page))
			trafilatura.ExtractDocument(root, trafilatura.Options{ExcludeComments: true, HtmlDateMode: trafilatura.Fast})
			a = append(a, float64(time.Since(s).Microseconds())/1000)
			s = time.Now()
			ExtractHTML(page, "text/html; charset=utf-8", c.URL)
			b = append(b, float64(time.Since(s).Microseconds())/1000)
		}
	}
	t.Logf("trafilatura p50=%.2fms  ExtractHTML p50=%.2fms ratio=%.2f", median(a), median(b), median(b)/median(a))
}
