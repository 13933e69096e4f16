package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

// fakeSource is an in-memory Source.
type fakeSource struct {
	arts   []news.Article
	chunks map[string][]news.Chunk
	err    error
}

func (f *fakeSource) IngestedBetween(_ context.Context, ns string, since, until time.Time) ([]news.Article, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []news.Article
	for _, a := range f.arts {
		if a.Namespace == ns && !a.IngestedAt.Before(since) && a.IngestedAt.Before(until) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeSource) Chunks(_ context.Context, _, articleID string) ([]news.Chunk, error) {
	return f.chunks[articleID], nil
}

// loadArticles reads testdata/articles.json: three outlets on one event (a*)
// and two articles on two other events (b1, c1).
func loadArticles(t *testing.T) []news.Article {
	t.Helper()
	b, err := os.ReadFile("testdata/articles.json")
	if err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	if err := json.Unmarshal(b, &arts); err != nil {
		t.Fatal(err)
	}
	for i := range arts {
		arts[i].Namespace = "g1"
	}
	return arts
}

// eventVector is a unit vector near axis k, nudged by seed, so articles of
// one event have cosine about 0.9 and of different events about 0.
func eventVector(k int, seed float64) []float32 {
	v := make([]float32, 8)
	v[k] = 1
	v[(k+4)%8] = float32(0.35 * math.Sin(seed))
	v[(k+5)%8] = float32(0.35 * math.Cos(seed))
	u, _ := news.Normalize(v)
	return u
}

// newSource builds a source from the fixture; with vectors, each article's
// two chunks carry embeddings of its event.
func newSource(t *testing.T, vectors bool) *fakeSource {
	t.Helper()
	arts := loadArticles(t)
	f := &fakeSource{arts: arts, chunks: map[string][]news.Chunk{}}
	for i, a := range arts {
		paras := strings.Split(a.Body, "\n\n")
		for p, text := range paras {
			c := news.Chunk{ID: a.ID + "#" + strconv.Itoa(p), ArticleID: a.ID, Position: p, Text: text}
			if vectors {
				c.Embedding = eventVector(int(a.ID[0]-'a'), float64(i*3+p))
			}
			f.chunks[a.ID] = append(f.chunks[a.ID], c)
		}
	}
	return f
}

var (
	since = time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC)
	until = time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
)

// storyIDs lists each story's article ids.
func storyIDs(d Digest) [][]string {
	var out [][]string
	for _, s := range d.Stories {
		var ids []string
		for _, src := range s.Sources {
			ids = append(ids, src.ArticleID)
		}
		out = append(out, ids)
	}
	return out
}

// checkCitations fails unless every story's summary cites at least one of
// its own sources and nothing else, and numbers run 1..n over the digest.
func checkCitations(t *testing.T, d Digest) {
	t.Helper()
	n := 0
	for _, s := range d.Stories {
		own := map[int]bool{}
		for _, src := range s.Sources {
			n++
			if src.N != n {
				t.Errorf("source %q numbered %d, want %d", src.ArticleID, src.N, n)
			}
			own[src.N] = true
		}
		ms := regexp.MustCompile(`\[(\d+)\]`).FindAllStringSubmatch(s.Summary, -1)
		if len(ms) == 0 {
			t.Errorf("summary %q cites nothing", s.Summary)
		}
		for _, m := range ms {
			k, _ := strconv.Atoi(m[1])
			if !own[k] {
				t.Errorf("summary %q cites [%d], not a source of its story", s.Summary, k)
			}
		}
	}
}

func TestBuildClustersOneEventAcrossOutlets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		vectors bool
	}{
		{name: "embeddings", vectors: true},
		{name: "lexical fallback", vectors: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Build(t.Context(), newSource(t, tc.vectors), "g1", since, until, BuildOptions{})
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			// Three outlets first (newest first), then the single-outlet
			// stories by recency.
			want := [][]string{{"a3", "a2", "a1"}, {"b1"}, {"c1"}}
			if diff := cmp.Diff(want, storyIDs(d)); diff != "" {
				t.Errorf("stories mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Metro Daily", "Coastal Wire", "Harbor Times"}, d.Stories[0].Outlets); diff != "" {
				t.Errorf("outlets mismatch (-want +got):\n%s", diff)
			}
			if d.Articles != 5 {
				t.Errorf("Articles = %d, want 5", d.Articles)
			}
			checkCitations(t, d)
			// Two outlets' lead sentences, each cited.
			if got := d.Stories[0].Summary; !strings.Contains(got, "[1]") || !strings.Contains(got, "[2]") {
				t.Errorf("summary = %q, want lead sentences cited [1] and [2]", got)
			}
			if strings.Contains(d.Stories[1].Summary, "By Ana") || strings.HasPrefix(d.Stories[0].Summary, "By ") {
				t.Errorf("summary starts with a byline: %q", d.Stories[0].Summary)
			}
		})
	}
}

func TestBuildRanksAndCaps(t *testing.T) {
	d, err := Build(t.Context(), newSource(t, true), "g1", since, until, BuildOptions{MaxStories: 2, MaxSourcesPerStory: 2})
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	want := [][]string{{"a3", "a2"}, {"b1"}}
	if diff := cmp.Diff(want, storyIDs(d)); diff != "" {
		t.Errorf("stories mismatch (-want +got):\n%s", diff)
	}
	if d.Stories[0].Articles != 3 {
		t.Errorf("Articles = %d, want 3", d.Stories[0].Articles)
	}
	checkCitations(t, d)
}

func TestBuildFilters(t *testing.T) {
	for _, tc := range []struct {
		name         string
		since, until time.Time
		opts         BuildOptions
		want         [][]string
	}{
		{name: "outlet", since: since, until: until, opts: BuildOptions{Outlets: []string{"metro daily"}}, want: [][]string{{"a3"}, {"c1"}}},
		{name: "topic", since: since, until: until, opts: BuildOptions{Topics: []string{"Conductor"}}, want: [][]string{{"b1"}}},
		{name: "window", since: time.Date(2026, 3, 28, 6, 0, 0, 0, time.UTC), until: time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC), want: [][]string{{"a1"}, {"c1"}}},
		{name: "empty", since: until, until: until.Add(24 * time.Hour), want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Build(t.Context(), newSource(t, true), "g1", tc.since, tc.until, tc.opts)
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, storyIDs(d)); diff != "" {
				t.Errorf("stories mismatch (-want +got):\n%s", diff)
			}
			if d.Empty() != (tc.want == nil) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

func TestBuildOtherNamespaceIsEmpty(t *testing.T) {
	d, err := Build(t.Context(), newSource(t, true), "g2", since, until, BuildOptions{})
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	if !d.Empty() {
		t.Errorf("stories = %v, want none", storyIDs(d))
	}
}

func TestBuildErrors(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Build(t.Context(), &fakeSource{err: boom}, "g1", since, until, BuildOptions{}); !errors.Is(err, boom) {
		t.Errorf("Build() error = %v, want %v", err, boom)
	}
	if _, err := Build(t.Context(), &fakeSource{}, "g1", until, since, BuildOptions{}); err == nil {
		t.Error("Build() with since after until: error = nil")
	}
}

// fakeCompleter replies with a fixed text and records the prompts.
type fakeCompleter struct {
	reply string
	err   error
	got   []string
}

func (f *fakeCompleter) Complete(_ context.Context, msgs []news.Message, _ func(string)) (string, error) {
	f.got = append(f.got, msgs[len(msgs)-1].Content)
	return f.reply, f.err
}

func TestBuildWithModel(t *testing.T) {
	for _, tc := range []struct {
		name             string
		reply            string
		err              error
		wantHeadline     string
		wantSummary      string
		wantDisagreement string
	}{
		{
			name:             "used",
			reply:            "HEADLINE: Barge strike closes bridge\nSUMMARY: A barge hit the Kessler Bridge [1][2].\nDISAGREEMENT: Outlets differ on the closure: a week [1] or ten days [2].",
			wantHeadline:     "Barge strike closes bridge",
			wantSummary:      "A barge hit the Kessler Bridge [1][2].",
			wantDisagreement: "Outlets differ on the closure: a week [1] or ten days [2].",
		},
		{
			name:         "no disagreement",
			reply:        "**HEADLINE:** Barge strike closes bridge\n**SUMMARY:** A barge hit the bridge [3].\n**DISAGREEMENT:** none",
			wantHeadline: "Barge strike closes bridge",
			wantSummary:  "A barge hit the bridge [3].",
		},
		{
			name:         "cites another story's source: extractive",
			reply:        "HEADLINE: Bridge\nSUMMARY: A barge hit the bridge [4].\nDISAGREEMENT: none",
			wantHeadline: "Kessler Bridge closes after barge strike in Port Almera",
		},
		{
			name:         "no citation: extractive",
			reply:        "HEADLINE: Bridge\nSUMMARY: A barge hit the bridge.",
			wantHeadline: "Kessler Bridge closes after barge strike in Port Almera",
		},
		{
			name:         "model error: extractive",
			err:          errors.New("503"),
			wantHeadline: "Kessler Bridge closes after barge strike in Port Almera",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeCompleter{reply: tc.reply, err: tc.err}
			d, err := Build(t.Context(), newSource(t, true), "g1", since, until, BuildOptions{Completer: c, MaxStories: 1})
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			st := d.Stories[0]
			if st.Headline != tc.wantHeadline {
				t.Errorf("Headline = %q, want %q", st.Headline, tc.wantHeadline)
			}
			if tc.wantSummary != "" && st.Summary != tc.wantSummary {
				t.Errorf("Summary = %q, want %q", st.Summary, tc.wantSummary)
			}
			if st.Disagreement != tc.wantDisagreement {
				t.Errorf("Disagreement = %q, want %q", st.Disagreement, tc.wantDisagreement)
			}
			checkCitations(t, d)
			if len(c.got) != 1 || !strings.Contains(c.got[0], `<source n="3" outlet="Harbor Times" date="2026-03-28">`) {
				t.Errorf("prompt does not list source 3: %q", c.got)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{name: "two", in: "The bridge closed. Traffic stopped.", want: []string{"The bridge closed.", "Traffic stopped."}},
		{name: "abbreviation", in: "Mr. Lang scored 31 in the U.S. on Friday. He left.", want: []string{"Mr. Lang scored 31 in the U.S. on Friday.", "He left."}},
		{name: "initial", in: "John F. Kennedy spoke. Then he left!", want: []string{"John F. Kennedy spoke.", "Then he left!"}},
		{name: "quote", in: `"It broke," she said. "We left." Then rain.`, want: []string{`"It broke," she said.`, `"We left."`, "Then rain."}},
		{name: "decimal", in: "It rose 3.5 percent. Shares fell.", want: []string{"It rose 3.5 percent.", "Shares fell."}},
		{name: "lower case after period", in: "See e.g. the report. Done.", want: []string{"See e.g. the report.", "Done."}},
		{name: "empty", in: "  ", want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Sentences(tc.in)); diff != "" {
				t.Errorf("Sentences() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntities(t *testing.T) {
	got := entities("The Kessler Bridge in Port Almera was closed on Friday by the Almera Transit Authority. In March, Delta Freight said.", "Harbor Times")
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"almera transit authority", "delta freight", "kessler bridge", "port almera"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("entities mismatch (-want +got):\n%s", diff)
	}
}

func TestJSON(t *testing.T) {
	pub := time.Date(2026, 3, 28, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	d := Digest{
		Since: since, Until: until,
		Stories: []Story{{
			Headline: "H", Summary: "S [1].", Outlets: []string{"Metro Daily"},
			Sources: []news.Source{
				{N: 1, ArticleID: "a3", Title: "T", Outlet: "Metro Daily", PublishedAt: pub, URL: "https://m.example/a"},
				{N: 2, ArticleID: "x", Title: "U", Outlet: "x.example"},
			},
		}},
	}
	b, err := json.Marshal(d.JSON())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"since":"2026-03-27T12:00:00Z","until":"2026-03-28T12:00:00Z","stories":[{"headline":"H","summary":"S [1].","outlets":["Metro Daily"],"sources":[` +
		`{"n":1,"title":"T","outlet":"Metro Daily","published_at":"2026-03-28T08:00:00Z","url":"https://m.example/a","article_id":"a3"},` +
		`{"n":2,"title":"U","outlet":"x.example","published_at":null,"url":"","article_id":"x"}]}]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
	empty, _ := json.Marshal(Digest{Since: since, Until: until}.JSON())
	if got := string(empty); !strings.HasSuffix(got, `"stories":[]}`) {
		t.Errorf("empty JSON = %s, want stories []", got)
	}
	if got := d.Text(); !strings.Contains(got, "[1] T (Metro Daily, 2026-03-28) <https://m.example/a>") {
		t.Errorf("Text() = %q", got)
	}
}

// benchSource makes n articles about n/3 events (three outlets each), with
// 512-dimension vectors when vectors is set.
func benchSource(n int, vectors bool) *fakeSource {
	f := &fakeSource{chunks: map[string][]news.Chunk{}}
	outlets := []string{"Harbor Times", "Coastal Wire", "Metro Daily"}
	for i := range n {
		ev := i / 3
		id := fmt.Sprintf("n%d", i)
		body := fmt.Sprintf("Officials in Town%d said on Monday that Project%d had reached stage %d after a long review by the Board%d. ", ev, ev, i%3, ev) +
			strings.Repeat(fmt.Sprintf("Residents of District%d asked about costs and timing of the works number %d. ", ev%17, ev), 8)
		a := news.Article{Namespace: "g1", ID: id, Title: fmt.Sprintf("Project%d in Town%d reaches a new stage", ev, ev), Outlet: outlets[i%3],
			IngestedAt: since.Add(time.Duration(i) * time.Minute), Body: body}
		f.arts = append(f.arts, a)
		c := news.Chunk{ID: id + "#0", ArticleID: id, Text: body}
		if vectors {
			v := make([]float32, 512)
			v[ev%512] = 1
			v[(i*7)%512] += 0.3
			c.Embedding, _ = news.Normalize(v)
		}
		f.chunks[id] = []news.Chunk{c}
	}
	return f
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{60, 300} {
		for _, vectors := range []bool{false, true} {
			src := benchSource(n, vectors)
			b.Run(fmt.Sprintf("articles=%d/vectors=%v", n, vectors), func(b *testing.B) {
				for b.Loop() {
					if _, err := Build(b.Context(), src, "g1", since, until, BuildOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func TestBuildKeepsEventsDaysApartSeparate(t *testing.T) {
	src := newSource(t, true)
	// The same words a week earlier are another event (a recurring report).
	for i := range src.arts {
		if src.arts[i].ID == "a1" {
			src.arts[i].PublishedAt = src.arts[i].PublishedAt.Add(-7 * 24 * time.Hour)
		}
	}
	for _, tc := range []struct {
		name string
		span time.Duration
		want [][]string
	}{
		{name: "default span", want: [][]string{{"a3", "a2"}, {"b1"}, {"c1"}, {"a1"}}},
		{name: "no limit", span: -1, want: [][]string{{"a3", "a2", "a1"}, {"b1"}, {"c1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Build(t.Context(), src, "g1", since, until, BuildOptions{Cluster: ClusterOptions{MaxEventSpan: tc.span}})
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, storyIDs(d)); diff != "" {
				t.Errorf("stories mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanHeadline(t *testing.T) {
	for _, tc := range []struct{ in, outlet, want string }{
		{in: "United stand up and die | Barney Ronay", outlet: "The Guardian", want: "United stand up and die"},
		{in: "Bridge closes - Harbor Times", outlet: "Harbor Times", want: "Bridge closes"},
		{in: "Warriors - Suns: what we learned", outlet: "Wire", want: "Warriors - Suns: what we learned"},
		{in: "A | B is a long phrase of five words here", outlet: "Wire", want: "A | B is a long phrase of five words here"},
		{in: "  Plain\ntitle ", outlet: "Wire", want: "Plain title"},
	} {
		if got := cleanHeadline(tc.in, tc.outlet); got != tc.want {
			t.Errorf("cleanHeadline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLeadSentence(t *testing.T) {
	title := "Valdora Symphony names Mira Okafor as music director"
	topic := map[string]bool{}
	for _, w := range words(title) {
		if !stopword[w] && len(w) > 2 {
			topic[w] = true
		}
	}
	scene := "The hall was quiet when the rehearsal ended late on a rainy evening in the old town."
	news := "The Valdora Symphony has named Mira Okafor its next music director, the orchestra said on Thursday."
	for _, tc := range []struct{ name, body, want string }{
		{name: "news first", body: news + " " + scene, want: news},
		{name: "scene-setting opening", body: "By Ana Ruiz\n\n" + scene + " " + news, want: news},
		{name: "no topic words: the first", body: scene + " It was a long night for everyone who had come to listen.", want: scene},
		{name: "nothing usable", body: "Photo: Getty Images\n\nShort.", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := leadSentence(title, tc.body, topic); got != tc.want {
				t.Errorf("leadSentence() = %q, want %q", got, tc.want)
			}
		})
	}
}
