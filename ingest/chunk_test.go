package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

func TestSplitSentences(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"simple", "One fish. Two fish! Red fish? Blue fish.", []string{"One fish.", "Two fish!", "Red fish?", "Blue fish."}},
		{"titles and initials", "Mr. Smith met Dr. J. K. Rowling in St. Louis. They talked.",
			[]string{"Mr. Smith met Dr. J. K. Rowling in St. Louis.", "They talked."}},
		{"dotted abbreviations", "The U.S. economy grew 3.5% in Q3, e.g. in retail. Prices fell at 5 p.m. Friday.",
			[]string{"The U.S. economy grew 3.5% in Q3, e.g. in retail.", "Prices fell at 5 p.m. Friday."}},
		{"quotes", `"We won," he said. "It was close." Then he left.`,
			[]string{`"We won," he said.`, `"It was close."`, "Then he left."}},
		{"lower case after stop", "It costs $5. and more. Really.", []string{"It costs $5. and more.", "Really."}},
		{"company", "Apple Inc. said sales rose. Microsoft Corp. disagreed.", []string{"Apple Inc. said sales rose.", "Microsoft Corp. disagreed."}},
		{"numbers start sentences", "It ended. 2023 was hard.", []string{"It ended.", "2023 was hard."}},
		{"ellipsis", "Wait… What happened?! Nothing...", []string{"Wait…", "What happened?!", "Nothing..."}},
		{"cjk", "東京は晴れです。大阪は雨です。", []string{"東京は晴れです。", "大阪は雨です。"}},
		{"no boundary", "a long line without any end", []string{"a long line without any end"}},
		{"url", "See example.com/a.html for more. Done.", []string{"See example.com/a.html for more.", "Done."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, splitSentences(tc.in)); diff != "" {
				t.Errorf("splitSentences(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestCountWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"  one two\tthree\n", 3},
		{"東京は晴れ", 5},
		{"Tokyo東京", 3},
		{"안녕하세요 세계", 2},
		{"— | --- |", 4},
	} {
		if got := CountWords(tc.in); got != tc.want {
			t.Errorf("CountWords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// sentence returns a sentence of n words.
func sentence(i, n int) string {
	w := make([]string, n)
	for j := range w {
		w[j] = fmt.Sprintf("w%d_%d", i, j)
	}
	w[0] = "S" + w[0]
	return strings.Join(w, " ") + "."
}

func checkChunks(t *testing.T, a news.Article, chunks []news.Chunk, o ChunkOptions) {
	t.Helper()
	o = o.withDefaults()
	for i, c := range chunks {
		if c.ID != fmt.Sprintf("%s#%d", a.ID, i) || c.Position != i || c.ArticleID != a.ID {
			t.Errorf("chunk %d has id %q position %d article %q", i, c.ID, c.Position, c.ArticleID)
		}
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("chunk %d is empty", i)
		}
		if n := CountWords(c.Text); n > o.MaxWords {
			t.Errorf("chunk %d has %d words > max %d", i, n, o.MaxWords)
		}
		if c.Embedding != nil {
			t.Errorf("chunk %d has an embedding", i)
		}
	}
	if o.MaxChunks > 0 && len(chunks) > o.MaxChunks {
		t.Errorf("%d chunks > max %d", len(chunks), o.MaxChunks)
	}
}

// squash removes all white space, to compare text across re-spacing.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func joined(chunks []news.Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(c.Text)
		b.WriteByte(' ')
	}
	return b.String()
}

func TestChunkArticle(t *testing.T) {
	var sentences []string
	for i := range 40 {
		sentences = append(sentences, sentence(i, 10+i%7))
	}
	prose := strings.Join(sentences, " ")
	var paras []string
	for i := 0; i < 40; i += 4 {
		paras = append(paras, strings.Join(sentences[i:i+4], " "))
	}
	cjk := strings.Repeat("東京の株式市場は今日大きく上昇しました。", 40)
	table := "| Team | Won | Lost |\n| --- | --- | --- |\n" + strings.Repeat("| Chiefs | 10 | 2 |\n", 60)

	for _, tc := range []struct {
		name       string
		body       string
		o          ChunkOptions
		wantChunks int // -1: do not check
		wholeSents bool
	}{
		{"empty", "", ChunkOptions{}, 0, true},
		{"blank", " \n\n\t \r\n", ChunkOptions{}, 0, true},
		{"one sentence", "Hello world.", ChunkOptions{}, 1, true},
		{"prose", prose, ChunkOptions{}, -1, true},
		{"paragraphs", strings.Join(paras, "\n\n"), ChunkOptions{}, -1, true},
		{"small target", prose, ChunkOptions{TargetWords: 20, MaxWords: 30}, -1, true},
		{"no boundaries", strings.Repeat("word ", 1000), ChunkOptions{}, -1, false},
		{"one very long sentence", strings.Repeat("word ", 300) + "end.", ChunkOptions{}, -1, false},
		{"cjk", cjk, ChunkOptions{}, -1, true},
		{"cjk without stops", strings.Repeat("東京", 600), ChunkOptions{}, -1, false},
		{"table", table, ChunkOptions{}, -1, true},
		{"korean", strings.Repeat("서울의 날씨는 맑습니다. ", 80), ChunkOptions{}, -1, true},
		{"arabic", strings.Repeat("الطقس جميل اليوم في القاهرة. ", 60), ChunkOptions{}, -1, true},
		{"max chunks", prose, ChunkOptions{TargetWords: 10, MaxWords: 20, MaxChunks: 3}, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := news.Article{ID: "art", Title: "T", Body: tc.body}
			chunks := ChunkArticle(a, tc.o)
			checkChunks(t, a, chunks, tc.o)
			if tc.wantChunks >= 0 && len(chunks) != tc.wantChunks {
				t.Errorf("got %d chunks, want %d", len(chunks), tc.wantChunks)
			}
			if tc.o.MaxChunks == 0 && squash(joined(chunks)) != squash(tc.body) {
				t.Errorf("chunks do not hold exactly the body's text")
			}
			if tc.wholeSents {
				for i, c := range chunks {
					last := []rune(strings.TrimSpace(c.Text))
					if r := last[len(last)-1]; !strings.ContainsRune(".!?。|", r) {
						t.Errorf("chunk %d ends mid-sentence: ...%q", i, string(last[max(0, len(last)-20):]))
					}
				}
			}
			again := ChunkArticle(a, tc.o)
			if diff := cmp.Diff(chunks, again); diff != "" {
				t.Errorf("chunking is not stable (-first +second):\n%s", diff)
			}
		})
	}
}

func TestChunkSizes(t *testing.T) {
	var sentences []string
	for i := range 200 {
		sentences = append(sentences, sentence(i, 8+i%15))
	}
	chunks := ChunkArticle(news.Article{ID: "a", Body: strings.Join(sentences, " ")}, ChunkOptions{})
	for i, c := range chunks[:len(chunks)-1] {
		if n := CountWords(c.Text); n < 60 || n > 110 {
			t.Errorf("chunk %d has %d words, want 60..110", i, n)
		}
	}
}

func TestChunkPrefersParagraphEnds(t *testing.T) {
	// Paragraphs of 70 words: each should be a passage of its own rather
	// than a passage taking the next paragraph's first sentence.
	var paras []string
	for p := range 5 {
		paras = append(paras, strings.Join([]string{sentence(p*10, 30), sentence(p*10+1, 20), sentence(p*10+2, 20)}, " "))
	}
	chunks := ChunkArticle(news.Article{ID: "a", Body: strings.Join(paras, "\n\n")}, ChunkOptions{})
	var got []string
	for _, c := range chunks {
		got = append(got, c.Text)
	}
	if diff := cmp.Diff(paras, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestChunkShortTailMerges(t *testing.T) {
	body := sentence(1, 80) + " " + sentence(2, 10)
	chunks := ChunkArticle(news.Article{ID: "a", Body: body}, ChunkOptions{})
	if len(chunks) != 1 || chunks[0].Text != body {
		t.Errorf("chunks = %q, want the body as one", joined(chunks))
	}
}

func TestChunkHugeIsBounded(t *testing.T) {
	body := strings.Repeat("All work and no play makes Jack a dull boy. ", 120_000) // 5 MB
	start := time.Now()
	chunks, cut := ChunkArticleCut(news.Article{ID: "a", Body: body}, ChunkOptions{MaxChunks: 100})
	if len(chunks) != 100 || !cut {
		t.Errorf("got %d chunks (cut %v), want the bound of 100, reported", len(chunks), cut)
	}
	t.Logf("5 MB chunked in %v", time.Since(start))
	// Without a bound the whole text is kept, to its last sentence.
	whole := body + "The lighthouse keeper's cat is named Marmalade."
	chunks, cut = ChunkArticleCut(news.Article{ID: "a", Body: whole}, ChunkOptions{})
	if cut || !strings.Contains(chunks[len(chunks)-1].Text, "Marmalade") || squash(joined(chunks)) != squash(whole) {
		t.Errorf("unbounded chunking of 5 MB: %d chunks, cut %v; the last sentence or some text is lost", len(chunks), cut)
	}
	// Many stops that end no sentence, and one huge word, stay linear.
	for _, body := range []string{strings.Repeat("A. ", 1_000_000), strings.Repeat("x", 3_000_000), strings.Repeat("東", 1_000_000)} {
		start := time.Now()
		chunks := ChunkArticle(news.Article{ID: "a", Body: body}, ChunkOptions{MaxChunks: 100})
		if len(chunks) == 0 {
			t.Errorf("no chunks for %q...", body[:10])
		}
		t.Logf("%q... (%d bytes) chunked in %v", body[:6], len(body), time.Since(start))
	}
}

func TestChunkFixtureArticle(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a := news.Article{ID: "fixture", Body: string(body)}
	chunks := ChunkArticle(a, ChunkOptions{})
	checkChunks(t, a, chunks, ChunkOptions{})
	if len(chunks) < 3 {
		t.Errorf("got %d chunks from the fixture, want several", len(chunks))
	}
	if squash(joined(chunks)) != squash(string(body)) {
		t.Error("chunks do not hold exactly the fixture's text")
	}
}

func FuzzChunkArticle(f *testing.F) {
	for _, s := range []string{"", "Hello. World.", "東京。大阪。", "a\n\nb\n", strings.Repeat("x ", 300), "Mr. A. B. went… \"Why?\" (Yes.) Ok", "\r\n\r\n.", "。。。"} {
		f.Add(s, 0, 0)
	}
	f.Fuzz(func(t *testing.T, body string, target, maxw int) {
		o := ChunkOptions{TargetWords: target % 200, MaxWords: maxw % 300}
		a := news.Article{ID: "z", Body: body}
		chunks := ChunkArticle(a, o)
		checkChunks(t, a, chunks, o)
		if squash(joined(chunks)) != squash(strings.ToValidUTF8(body, "\uFFFD")) {
			t.Errorf("chunks lose or add text:\nbody   %q\nchunks %q", body, joined(chunks))
		}
	})
}

func TestChunkTokenBudget(t *testing.T) {
	// two tokens a word, a budget of 50: at most 25 words a passage, even
	// though the word limits allow more
	tokens := func(s string) int { return 2 * CountWords(s) }
	var sentences []string
	for i := range 30 {
		sentences = append(sentences, sentence(i, 6+i%9))
	}
	sentences = append(sentences, sentence(99, 70)) // alone over the budget
	body := strings.Join(sentences, " ")
	o := ChunkOptions{Tokens: tokens, MaxTokens: 50}
	a := news.Article{ID: "a", Body: body}
	chunks := ChunkArticle(a, o)
	checkChunks(t, a, chunks, o)
	for i, c := range chunks {
		if n := tokens(c.Text); n > 50 {
			t.Errorf("chunk %d has %d tokens > 50", i, n)
		}
	}
	if len(chunks) < 2*len(ChunkArticle(a, ChunkOptions{})) {
		t.Errorf("a token budget of 25 words made %d chunks, want at least twice the default's", len(chunks))
	}
	if squash(joined(chunks)) != squash(body) {
		t.Error("chunks do not hold exactly the body's text")
	}
}
