package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

// FixtureHits loads the passages of testdata/hits.json as hits, in file
// order, keeping only the given articles (all when none are given). It is
// exported for the external tests of this package.
func FixtureHits(t testing.TB, articleIDs ...string) []news.Hit {
	t.Helper()
	b, err := os.ReadFile("testdata/hits.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx []struct {
		Article news.Article
		Chunks  []news.Chunk
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	byID := map[string][]news.Hit{}
	var order []string
	for _, f := range fx {
		f.Article.Namespace = news.LocalNamespace
		for _, c := range f.Chunks {
			c.ArticleID = f.Article.ID
			c.ID = fmt.Sprintf("%s#%d", f.Article.ID, c.Position)
			byID[f.Article.ID] = append(byID[f.Article.ID], news.Hit{Chunk: c, Article: f.Article, Score: 1})
		}
		order = append(order, f.Article.ID)
	}
	if len(articleIDs) == 0 {
		articleIDs = order
	}
	var hits []news.Hit
	for _, id := range articleIDs {
		if byID[id] == nil {
			t.Fatalf("no fixture article %q", id)
		}
		hits = append(hits, byID[id]...)
	}
	return hits
}

// RetrieverFunc is a function-field fake of Retriever.
type RetrieverFunc func(ctx context.Context, ns string, q Query) (Retrieval, error)

// Retrieve implements Retriever.
func (f RetrieverFunc) Retrieve(ctx context.Context, ns string, q Query) (Retrieval, error) {
	return f(ctx, ns, q)
}

// fixed returns a retriever that always finds hits, recording the queries.
func fixed(hits []news.Hit, queries *[]Query) RetrieverFunc {
	return func(_ context.Context, _ string, q Query) (Retrieval, error) {
		if queries != nil {
			*queries = append(*queries, q)
		}
		return Retrieval{Hits: hits}, nil
	}
}

var testNow = time.Date(2024, 3, 6, 12, 0, 0, 0, time.UTC)

func testOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return testNow }}
}

func TestAnswerValidatesQuestion(t *testing.T) {
	tests := []struct {
		name     string
		question string
		wantErr  error
	}{
		{name: "empty", question: "", wantErr: ErrEmptyQuestion},
		{name: "blank", question: " \n\t", wantErr: ErrEmptyQuestion},
		{name: "punctuation", question: "?!…", wantErr: ErrEmptyQuestion},
		{name: "too long", question: strings.Repeat("why ", 300), wantErr: ErrQuestionTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			s := NewService(RetrieverFunc(func(context.Context, string, Query) (Retrieval, error) {
				called = true
				return Retrieval{}, nil
			}), testOptions())
			_, err := s.Answer(t.Context(), news.LocalNamespace, Request{Question: tt.question}, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Answer() error = %v, want %v", err, tt.wantErr)
			}
			if called {
				t.Error("retriever called for an invalid question")
			}
		})
	}
}

func TestAnswerRefusals(t *testing.T) {
	tests := []struct {
		name      string
		ret       Retrieval
		retErr    error
		question  string
		want      news.Answer
		wantErr   error
		wantDelta string
	}{
		{
			name:     "notice",
			ret:      Retrieval{Notice: "I have no articles from Reuters.", Hits: FixtureHits(t, "a-verge")},
			question: "What did Reuters say about Apple?",
			want:     news.Answer{Text: "I have no articles from Reuters.", Refused: true},
		},
		{
			name:     "nothing retrieved",
			question: "What did Apple do?",
			want:     news.Answer{Text: NoArticlesText, Refused: true},
			wantErr:  ErrNoSources,
		},
		{
			name:     "unsupported",
			ret:      Retrieval{Hits: FixtureHits(t, "a-sport", "a-fed")},
			question: "Which company did the European Commission fine over music streaming?",
			want:     news.Answer{Text: "I couldn't find anything about European Commission in the articles I have.", Refused: true},
		},
		{
			name: "never mentioned",
			ret: Retrieval{Hits: FixtureHits(t, "a-fed"), Library: 100, Terms: []Term{
				{Text: "NASA", Kind: TermName, Passages: 3, Words: []string{"nasa"}},
				{Text: "Artemis II", Kind: TermName, Passages: 0, Words: []string{"artemis", "ii"}},
				{Text: "crew", Kind: TermWord, Passages: 9, Words: []string{"crew"}},
			}},
			question: "What did NASA announce about the Artemis II crew?",
			want:     news.Answer{Text: "I have no articles about Artemis II.", Refused: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(fixed(tt.ret.Hits, nil), testOptions())
			if tt.ret.Notice != "" || tt.ret.Terms != nil {
				s = NewService(RetrieverFunc(func(context.Context, string, Query) (Retrieval, error) { return tt.ret, nil }), testOptions())
			}
			var deltas []string
			got, err := s.Answer(t.Context(), news.LocalNamespace, Request{Question: tt.question}, func(d string) { deltas = append(deltas, d) })
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Answer() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Answer() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{tt.want.Text}, deltas); diff != "" {
				t.Errorf("deltas mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnswerRetrieveError(t *testing.T) {
	boom := errors.New("boom")
	s := NewService(RetrieverFunc(func(context.Context, string, Query) (Retrieval, error) { return Retrieval{}, boom }), testOptions())
	if _, err := s.Answer(t.Context(), "g1", Request{Question: "why?"}, nil); !errors.Is(err, boom) {
		t.Errorf("Answer() error = %v, want %v", err, boom)
	}
}

func TestAnswerExtractive(t *testing.T) {
	hits := FixtureHits(t, "a-sport", "a-verge", "a-tc", "a-fed")
	var queries []Query
	o := testOptions()
	o.MaxSources = 5
	s := NewService(fixed(hits, &queries), o)
	filter := news.Filter{Outlets: []string{"The Verge", "TechCrunch"}}
	var deltas []string
	got, err := s.Answer(t.Context(), "g1", Request{
		Question: "How much did the European Commission fine Apple over music streaming?",
		Filter:   filter,
	}, func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	wantQuery := Query{Text: "How much did the European Commission fine Apple over music streaming?", Filter: filter, Now: testNow, Limit: 10, Deep: 5} // more passages without a model
	if diff := cmp.Diff([]Query{wantQuery}, queries); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	if got.Refused {
		t.Fatalf("Answer() refused: %q", got.Text)
	}
	t.Logf("answer: %s", got.Text)
	if !strings.HasPrefix(got.Text, "The European Commission fined Apple €1.8 billion on Monday [1].") {
		t.Errorf("Answer().Text = %q, want it to open with the fine, cited [1]", got.Text)
	}
	if n := strings.Count(got.Text, "["); n < 2 || n > extractMaxSentences {
		t.Errorf("Answer().Text = %q has %d citations, want 2 to %d", got.Text, n, extractMaxSentences)
	}
	if len(got.Sources) == 0 || got.Sources[0].ArticleID != "a-verge" {
		t.Fatalf("Sources = %+v, want The Verge first", got.Sources)
	}
	want0 := news.Source{
		N: 1, ArticleID: "a-verge", Title: "EU fines Apple over music streaming rules", Outlet: "The Verge",
		PublishedAt: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), URL: "https://example.com/verge/apple-fine",
		Passage: hits[1].Chunk.Text,
	}
	if !strings.HasPrefix(got.Sources[0].Passage, want0.Passage) {
		t.Errorf("Sources[0].Passage = %q, want it to start with the cited passage", got.Sources[0].Passage)
	}
	want0.Passage = got.Sources[0].Passage
	if diff := cmp.Diff(want0, got.Sources[0]); diff != "" {
		t.Errorf("Sources[0] mismatch (-want +got):\n%s", diff)
	}
	checkCitations(t, got)
	for _, src := range got.Sources {
		if src.ArticleID == "a-sport" || src.ArticleID == "a-fed" {
			t.Errorf("cited unrelated article %s", src.ArticleID)
		}
	}
	if diff := cmp.Diff([]string{got.Text}, deltas); diff != "" {
		t.Errorf("deltas mismatch (-want +got):\n%s", diff)
	}
}

// checkCitations fails unless every citation in a's text is within its
// sources, every source is cited, and sources are numbered 1..n.
func checkCitations(t *testing.T, a news.Answer) {
	t.Helper()
	cited := map[int]bool{}
	for _, g := range parseCitations(a.Text) {
		for _, n := range g.nums {
			if n < 1 || n > len(a.Sources) {
				t.Errorf("text %q cites [%d] of %d sources", a.Text, n, len(a.Sources))
			}
			cited[n] = true
		}
	}
	for i, s := range a.Sources {
		if s.N != i+1 {
			t.Errorf("Sources[%d].N = %d", i, s.N)
		}
		if !cited[s.N] {
			t.Errorf("source %d is listed but not cited in %q", s.N, a.Text)
		}
		if s.Passage == "" {
			t.Errorf("source %d has no passage", s.N)
		}
	}
}

// bagEmbedder embeds texts as hashed bags of words, normalised: texts
// sharing words are similar. It counts its calls.
type bagEmbedder struct{ calls int }

func (*bagEmbedder) ID() string { return "bag" }
func (*bagEmbedder) Dim() int   { return 64 }
func (e *bagEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.calls++
	out := make([][]float32, len(texts))
	for i, tx := range texts {
		v := make([]float32, 64)
		for _, w := range extractTerms(tx) {
			h := 0
			for _, r := range w {
				h = h*31 + int(r)
			}
			v[(h%64+64)%64]++
		}
		out[i] = v
	}
	return out, nil
}

func TestAnswerExtractiveWithEmbedder(t *testing.T) {
	hits := FixtureHits(t)
	emb := &bagEmbedder{}
	o := testOptions()
	o.Embedder = emb
	s := NewService(fixed(hits, nil), o)
	got, err := s.Answer(t.Context(), "g1", Request{Question: "Who did the Chiefs beat, and how many touchdowns did Travis Kelce catch?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if emb.calls != 1 {
		t.Errorf("embedder called %d times, want 1", emb.calls)
	}
	if got.Refused || len(got.Sources) == 0 || got.Sources[0].ArticleID != "a-sport" {
		t.Fatalf("Answer() = %+v, want one citing the Chiefs article first", got)
	}
	for _, want := range []string{"Raiders 31-17", "Travis Kelce caught two touchdown passes"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("Answer().Text = %q, want it to contain %q", got.Text, want)
		}
	}
	checkCitations(t, got)
}

// failingEmbedder always fails.
type failingEmbedder struct{}

func (failingEmbedder) ID() string { return "failing" }
func (failingEmbedder) Dim() int   { return 4 }
func (failingEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errors.New("embedding endpoint down")
}

func TestAnswerExtractiveEmbedderFailureFallsBack(t *testing.T) {
	o := testOptions()
	o.Embedder = failingEmbedder{}
	s := NewService(fixed(FixtureHits(t, "a-sport"), nil), o)
	got, err := s.Answer(t.Context(), "g1", Request{Question: "How many touchdown passes did Travis Kelce catch?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "Travis Kelce caught two touchdown passes [1].") {
		t.Errorf("Answer().Text = %q, want the Kelce sentence", got.Text)
	}
}

func TestAnswerNegativeThresholdsNeverDecline(t *testing.T) {
	o := testOptions()
	o.MinCoverage, o.MinFocus, o.MinSentence = -1, -1, -1
	s := NewService(fixed(FixtureHits(t, "a-fed"), nil), o)
	got, err := s.Answer(t.Context(), "g1", Request{Question: "What did Powell say about inflation and unicorns in Lisbon?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if got.Refused || !strings.Contains(got.Text, "Jerome Powell said inflation was still too high [1].") {
		t.Errorf("Answer() = %+v, want the Powell sentence", got)
	}
}

func TestCoverage(t *testing.T) {
	hits := FixtureHits(t, "a-verge", "a-tc")
	tests := []struct {
		name     string
		question string
		min, max float64
	}{
		{name: "covered", question: "Was Apple fined by the European Commission?", min: 0.95, max: 1},
		{name: "unknown names", question: "Did Samsung pay Qualcomm for modem patents?", min: 0, max: 0.2},
		{name: "acronym in question", question: "Did the EC fine Apple?", min: 0.95, max: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := gather(SalientTerms(tt.question, nil), 0, hits, nil)
			if ev.coverage < tt.min || ev.coverage > tt.max {
				t.Errorf("coverage of %q = %.3f, want in [%v, %v]", tt.question, ev.coverage, tt.min, tt.max)
			}
		})
	}
}

func TestCoverageAcronyms(t *testing.T) {
	hits := []news.Hit{{Chunk: news.Chunk{Text: "The U.S. economy grew while the European Union acted."}}}
	tests := []struct {
		question string
		found    bool
	}{
		{question: "Did the United States economy grow?", found: true},
		{question: "Did the EU act?", found: true},
		{question: "Did the UK act?", found: false},
	}
	for _, tt := range tests {
		ev := gather(SalientTerms(tt.question, nil), 0, hits, nil)
		if ev.found[0] != tt.found {
			t.Errorf("%q: first term %q found = %v, want %v", tt.question, ev.terms[0].Text, ev.found[0], tt.found)
		}
	}
}

func TestSalientTerms(t *testing.T) {
	tests := []struct {
		question string
		spans    []string
		want     []string // Text, with N for a name and # for a number
	}{
		{
			question: "What did NASA announce about the Artemis II crew in 2026?",
			want:     []string{"N NASA", "announce", "N Artemis II", "crew", "# 2026"},
		},
		{
			question: "What interest rate did the Bank of England set, according to The Guardian?",
			spans:    []string{"the guardian"},
			want:     []string{"interest", "rate", "N Bank of England", "set"},
		},
		{
			// A chat message's opening word is no part of the name.
			question: "Saw Palo Alto Networks wants Talon. The price?",
			want:     []string{"saw", "N Palo Alto Networks", "wants", "N Talon", "price"},
		},
		{
			question: "Roughly how much money does the NFL bring in a year?",
			want:     []string{"roughly", "money", "N NFL", "bring", "year"},
		},
		{
			// A word in single quotes is the word.
			question: "which region do they call a climate 'sweet spot'?",
			want:     []string{"region", "call", "climate", "sweet", "spot"},
		},
		{
			question: "Nike shares rose after Sam Bankman-Fried's trial?",
			want:     []string{"N Nike", "shares", "rose", "N Sam Bankman-Fried", "trial"},
		},
		{question: "what did they say?", want: nil},
	}
	for _, tt := range tests {
		var got []string
		for _, term := range SalientTerms(tt.question, tt.spans) {
			switch term.Kind {
			case TermName:
				got = append(got, "N "+term.Text)
			case TermNumber:
				got = append(got, "# "+term.Text)
			default:
				got = append(got, term.Text)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SalientTerms(%q) mismatch (-want +got):\n%s", tt.question, diff)
		}
	}
}

func TestExtractSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			name: "abbreviations and decimals",
			text: "Mr. Smith paid $3.5 million to the U.S. government. He said \"it was fair.\" Then J. R. Smith left!",
			want: []string{"Mr. Smith paid $3.5 million to the U.S. government.", "He said \"it was fair.\"", "Then J. R. Smith left!"},
		},
		{
			name: "lines are boundaries and fragments dropped",
			text: "Apple fined by the EU\nTable: 1 2\n\nShares fell 3% on the news today",
			want: []string{"Apple fined by the EU", "Shares fell 3% on the news today"},
		},
		{
			name: "lower case after full stop continues",
			text: "Founded by approx. twenty people in the city. it grew fast",
			want: []string{"Founded by approx. twenty people in the city. it grew fast"},
		},
		{
			name: "CJK",
			text: "苹果公司被罚款。欧盟委员会宣布了决定！",
			want: []string{"苹果公司被罚款。", "欧盟委员会宣布了决定！"},
		},
		{name: "empty", text: " \n ", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, extractSentences(tt.text)); diff != "" {
				t.Errorf("extractSentences() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractSentencesLongRun(t *testing.T) {
	text := strings.Repeat("word ", 130)
	got := extractSentences(text)
	if len(got) != 4 {
		t.Fatalf("got %d windows, want 4", len(got))
	}
	for _, s := range got[:3] {
		if n := len(strings.Fields(s)); n != extractWindowWords {
			t.Errorf("window has %d words, want %d", n, extractWindowWords)
		}
	}
}

func TestWithCitation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Apple won.", "Apple won [2]."},
		{"Did Apple win?", "Did Apple win [2]?"},
		{"Apple won", "Apple won [2]."},
		{"苹果胜诉。", "苹果胜诉[2]。"},
	}
	for _, tt := range tests {
		if got := withCitation(tt.in, 2); got != tt.want {
			t.Errorf("withCitation(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFollowUpQuestion(t *testing.T) {
	tests := []struct {
		name    string
		q       string
		history []news.Message
		want    string
	}{
		{name: "no history", q: "What about Google?", want: "What about Google?"},
		{
			name: "prefixes key words of the last user question",
			q:    "What about Google?",
			history: []news.Message{
				{Role: "user", Content: "Did the EU fine Microsoft?"},
				{Role: "assistant", Content: "Yes [1]."},
				{Role: "user", Content: "Did the EU fine Apple over music streaming?"},
				{Role: "assistant", Content: "Yes, €1.8 billion [1]."},
			},
			want: "EU fine Apple music streaming What about Google?",
		},
		{
			name:    "words already asked are not repeated",
			q:       "And did Apple appeal?",
			history: []news.Message{{Role: "user", Content: "Was Apple fined?"}},
			want:    "fined And did Apple appeal?",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := followUpQuestion(tt.q, tt.history); got != tt.want {
				t.Errorf("followUpQuestion() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAnswerFollowUpWithoutModel(t *testing.T) {
	var queries []Query
	s := NewService(fixed(FixtureHits(t, "a-tc"), &queries), testOptions())
	_, err := s.Answer(t.Context(), "g1", Request{
		Question: "What did Spotify say?",
		History:  []news.Message{{Role: "user", Content: "Why was Apple fined?"}, {Role: "assistant", Content: "For music streaming rules [1]."}},
	}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if len(queries) != 1 || queries[0].Text != "Apple fined What did Spotify say?" {
		t.Errorf("queries = %+v, want the follow-up prefixed with the previous key words", queries)
	}
}

func TestDeclineHold(t *testing.T) {
	tests := []struct {
		name   string
		deltas []string
		want   string
	}{
		{name: "marker held back", deltas: []string{"NO_", "ANS", "WER: the articles", " lack this"}, want: ""},
		{name: "formatted marker", deltas: []string{"**no_answer**: nothing"}, want: ""},
		{name: "answer starting like the marker", deltas: []string{"No", ", Apple", " did not [1]."}, want: "No, Apple did not [1]."},
		{name: "plain answer", deltas: []string{"Apple ", "won [1]."}, want: "Apple won [1]."},
		{name: "short reply flushed", deltas: []string{"No"}, want: "No"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got strings.Builder
			h := &declineHold{out: func(s string) { got.WriteString(s) }}
			for _, d := range tt.deltas {
				h.write(d)
			}
			if !h.decline {
				h.flush()
			}
			if got.String() != tt.want {
				t.Errorf("forwarded %q, want %q", got.String(), tt.want)
			}
		})
	}
}

func TestGroupSources(t *testing.T) {
	hits := FixtureHits(t, "a-tc", "a-verge")
	// The Verge's second passage ranks before its first.
	hits[1], hits[2] = hits[2], hits[1]
	groups := groupSources(hits)
	var got []string
	for _, g := range groups {
		got = append(got, fmt.Sprintf("%d %s %d", g.src.N, g.src.ArticleID, len(g.hits)))
	}
	if diff := cmp.Diff([]string{"1 a-tc 1", "2 a-verge 2"}, got); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	if p := groups[1].passage(nil); !strings.HasPrefix(p, "The European Commission fined") || !strings.Contains(p, "\n…\nSpotify had complained") {
		t.Errorf("passage = %q, want both passages in reading order", p)
	}
}

// TestPeriodWidenedWhenNothingOfItCovers: when nothing of the period a
// question names covers it, articles of other days answer, with a note
// that says so; when they do not cover it either, the decline stands.
func TestPeriodWidenedWhenNothingOfItCovers(t *testing.T) {
	dec3 := time.Date(2023, 12, 3, 0, 0, 0, 0, time.UTC)
	dec6 := time.Date(2023, 12, 6, 0, 0, 0, 0, time.UTC)
	ofDay := []news.Hit{hit("a-weather", "The Age", 0, "Melbourne will be hot and humid on Thursday, with storms later.", dec6)}
	other := []news.Hit{hit("a-kimbrel", "Sporting News", 0, "Craig Kimbrel signed with the Orioles. He is sitting on 417 career saves, ranking eighth all-time.", dec3)}
	var queries []Query
	retr := func(wider []news.Hit) RetrieverFunc {
		return func(_ context.Context, _ string, q Query) (Retrieval, error) {
			queries = append(queries, q)
			if q.AnyDay {
				return Retrieval{Hits: wider}, nil
			}
			return Retrieval{Hits: ofDay, Period: "yesterday"}, nil
		}
	}
	q := "kimbrel signed with the orioles yesterday, how many career saves does he have now?"
	got, err := NewService(retr(other), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "417 career saves") || !strings.Contains(got.Note, "Nothing I have from yesterday") {
		t.Errorf("Answer() = %+v, want the saves with a note on the period", got)
	}
	if len(queries) != 2 || queries[0].AnyDay || !queries[1].AnyDay {
		t.Errorf("queries = %+v, want the period's search, then any day's", queries)
	}
	got, err = NewService(retr(ofDay), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || got.Note != "" {
		t.Errorf("Answer() = %+v, want a decline without a note", got)
	}
	// No article at all of the period: the same.
	none := RetrieverFunc(func(_ context.Context, _ string, q Query) (Retrieval, error) {
		if q.AnyDay {
			return Retrieval{Hits: other}, nil
		}
		return Retrieval{Notice: "I have no articles from yesterday.", Period: "yesterday"}, nil
	})
	got, err = NewService(none, testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "417 career saves") || !strings.Contains(got.Note, "Nothing I have from yesterday") {
		t.Errorf("Answer() = %+v, want the saves with a note on the period", got)
	}
}
