package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/ingest"
)

func TestIngestSummary(t *testing.T) {
	rs := []ingest.Receipt{
		{Status: ingest.StatusNew, Title: "Ferry fares rise", Chunks: 3},
		{Status: ingest.StatusRefused, Reason: "line 2: invalid character 'x' looking for beginning of value"},
		{Status: ingest.StatusUnchanged, Title: "Library hours"},
		{Status: ingest.StatusRefused, Title: "Empty story", Reason: "the document has no text"},
		{Status: ingest.StatusUpdated, Title: "Bridge reopens", Chunks: 2},
	}
	got := ingestSummary("corpus.jsonl", rs)
	want := "**corpus.jsonl**: 1 added, 1 updated, 1 already in the library, 2 refused; 5 passages.\n" +
		"refused: line 2: invalid character 'x' looking for beginning of value\n" +
		"refused: **Empty story**: the document has no text\n" +
		"new: **Ferry fares rise**\n" +
		"updated: **Bridge reopens**"
	if got != want {
		t.Errorf("ingestSummary() =\n%s\nwant\n%s", got, want)
	}

	// Many lines: one message, the rest counted.
	rs = nil
	for i := range 500 {
		rs = append(rs, ingest.Receipt{Status: ingest.StatusRefused, Reason: fmt.Sprintf("line %d: unexpected end of JSON input", i+1)})
	}
	got = ingestSummary("big.jsonl", rs)
	if len(got) > 2000 || !strings.Contains(got, "0 added, 0 updated, 0 already in the library, 500 refused") || !strings.Contains(got, "more.") {
		t.Errorf("ingestSummary(500 refused) = %d bytes:\n%s", len(got), got)
	}
}
