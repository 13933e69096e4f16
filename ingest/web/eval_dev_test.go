package web

import (
	"os"
	"sort"
	"testing"
)

// TestEvalDev scores the extractor on a benchmark cases file named by
// GAZETTE_EXTRACTION_CASES (skipped without it) and logs the worst pages.
func TestEvalDev(t *testing.T) {
	path := os.Getenv("GAZETTE_EXTRACTION_CASES")
	if path == "" {
		t.Skip("set GAZETTE_EXTRACTION_CASES to run")
	}
	r, err := EvalExtraction(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ps := r.PerPage
	sort.Slice(ps, func(i, j int) bool { return ps[i].Precision+ps[i].Recall < ps[j].Precision+ps[j].Recall })
	for _, p := range ps[:min(limitWorst(), len(ps))] {
		t.Logf("%s p=%.3f r=%.3f ms=%.1f", p.ID, p.Precision, p.Recall, p.Ms)
	}
	t.Logf("pages=%d P=%.4f R=%.4f F1=%.4f acc=%.3f p50=%.1fms", r.Pages, r.Precision, r.Recall, r.F1, r.Accuracy, r.MsPerPageP50)
}

func limitWorst() int {
	if os.Getenv("GAZETTE_EXTRACTION_ALL") != "" {
		return 1 << 30
	}
	return 15
}
