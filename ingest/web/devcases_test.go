package web

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// devPage is one page of the benchmark cases file, read into memory.
type devPage struct {
	evalCase
	HTML []byte
}

// devPages reads the cases file named by GAZETTE_EXTRACTION_CASES and its
// pages, skipping the test or benchmark when the variable is unset.
func devPages(tb testing.TB) []devPage {
	tb.Helper()
	path := os.Getenv("GAZETTE_EXTRACTION_CASES")
	if path == "" {
		tb.Skip("set GAZETTE_EXTRACTION_CASES to run")
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var pages []devPage
	for sc.Scan() {
		var p devPage
		if err := json.Unmarshal(sc.Bytes(), &p.evalCase); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		if p.HTML, err = readPage(filepath.Join(filepath.Dir(path), p.HTMLFile)); err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, p)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return pages
}
