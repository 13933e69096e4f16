package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCleanBlocks(t *testing.T) {
	long := "The council voted on Tuesday to keep the library open until midnight on weekdays, after a petition signed by four thousand residents."
	blocks := []textBlock{
		{text: "Library hours extended"},
		{text: long},
		{text: "https://news.example/library"},
		{text: "By using satellite data, researchers mapped every reading room in the county."},
		{text: "Copyright 2024 The Example Times. All rights reserved."},
		{text: "Click here to subscribe to our newsletter"},
		{text: long},
		{text: "The library will also open on Sunday mornings from next month, the council said."},
		{text: "A teaser for another story that happens to be a link."},
		{text: "Stock car brasil, stock car interlagos, Formula 1"},
		{text: "Results of the stock car brasil season were announced, the league said."},
		{text: "Related stories"},
		{text: "Another story listed after the marker."},
		{text: "A teaser for another story that happens to be a link."},
	}
	want := []string{
		long,
		"By using satellite data, researchers mapped every reading room in the county.",
		"The library will also open on Sunday mornings from next month, the council said.",
		"Results of the stock car brasil season were announced, the league said.",
	}
	got := cleanBlocks(blocks, "Library hours extended | The Example Times", "https://news.example/library", linkSet{
		blocks:  map[string]bool{"a teaser for another story that happens to be a link": true},
		anchors: map[string][][]string{"stock": {{"stock", "car", "brasil"}, {"stock", "car", "interlagos"}}, "formula": {{"formula", "1"}}, "results": {{"results"}}},
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cleanBlocks() mismatch (-want +got):\n%s", diff)
	}
}

func TestNormWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  Hello, World!  ", "hello world"},
		{"Élection à MONTRÉAL: 2024", "élection à montréal 2024"},
		{"東京 — 2019年", "東京 2019年"},
		{"--", ""},
	}
	for _, tt := range tests {
		if got := normWords(tt.in); got != tt.want {
			t.Errorf("normWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
