package web

import "testing"

// BenchmarkDevPages extracts every page of the cases file named by
// GAZETTE_EXTRACTION_CASES once per iteration.
func BenchmarkDevPages(b *testing.B) {
	pages := devPages(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range pages {
			ExtractHTML(p.HTML, "text/html; charset=utf-8", p.URL)
		}
	}
}
