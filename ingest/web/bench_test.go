package web

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDevPages extracts every page of the cases file named by
// GAZETTE_EXTRACTION_CASES once per iteration.
func BenchmarkDevPages(b *testing.B) {
	path := os.Getenv("GAZETTE_EXTRACTION_CASES")
	if path == "" {
		b.Skip("set GAZETTE_EXTRACTION_CASES to run")
	}
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var pages [][]byte
	var urls []string
	for sc.Scan() {
		var c evalCase
		json.Unmarshal(sc.Bytes(), &c)
		p, _ := readPage(filepath.Join(filepath.Dir(path), c.HTMLFile))
		pages = append(pages, p)
		urls = append(urls, c.URL)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, p := range pages {
			ExtractHTML(p, "text/html; charset=utf-8", urls[j])
		}
	}
}
