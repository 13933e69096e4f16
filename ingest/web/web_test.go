package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtractHTMLFixture(t *testing.T) {
	page := readFixture(t, "article.html")
	doc, err := ExtractHTML(page, "text/html", "https://coastalherald.example/amp/harbour?utm_medium=social#top")
	if err != nil {
		t.Fatalf("ExtractHTML() error = %v", err)
	}
	body := doc.Body
	doc.Body = ""
	want := ingest.Document{
		URL:         "https://www.coastalherald.example/news/harbour-bridge-reopens",
		Title:       "Harbour bridge reopens after two-year repair",
		Outlet:      "The Coastal Herald",
		Author:      "Maria Lindqvist",
		PublishedAt: time.Date(2024, 3, 14, 7, 30, 0, 0, time.UTC),
		Language:    "en-GB",
	}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("ExtractHTML() mismatch (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		"The harbour bridge reopened to traffic on Thursday morning",
		"\"We had no choice but to close it,\" said",
		"Cyclists will have a separate lane",
	} {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q:\n%s", s, body)
		}
	}
	for _, s := range []string{"should never appear", "Related stories", "Council approves new budget", "Copyright", "Privacy", "Weather"} {
		if strings.Contains(body, s) {
			t.Errorf("body keeps page furniture %q:\n%s", s, body)
		}
	}
	if strings.Count(body, "\n\n") < 5 {
		t.Errorf("body paragraphs not separated:\n%s", body)
	}
}

func TestExtractHTMLNoText(t *testing.T) {
	_, err := ExtractHTML([]byte("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"), "text/html", "")
	if !errors.Is(err, ErrNoText) {
		t.Errorf("ExtractHTML() error = %v, want ErrNoText", err)
	}
}

func closedClient() *safehttp.Client { return safehttp.New(safehttp.Options{}) }
func openClient() *safehttp.Client   { return safehttp.New(safehttp.Options{AllowPrivate: true}) }

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func charsetPage(title, para, metaCharset string) string {
	meta := ""
	if metaCharset != "" {
		meta = `<meta http-equiv="Content-Type" content="text/html; charset=` + metaCharset + `">`
	}
	var ps strings.Builder
	for i := range 5 {
		fmt.Fprintf(&ps, "<p>%s (%d)</p>\n", para, i+1)
	}
	return "<html><head>" + meta + "<title>" + title + "</title></head><body><article><h1>" + title + "</h1>" + ps.String() + "</article></body></html>"
}

func TestFetchCharsets(t *testing.T) {
	const (
		frTitle = "Élection à Montréal : le maire réélu"
		frPara  = "Le maire sortant a été réélu dimanche avec une avance confortable, selon les résultats publiés par la ville après le dépouillement des bulletins dans tous les arrondissements."
		jaTitle = "東京で新しい橋が開通"
		jaPara  = "東京湾に架かる新しい橋が月曜日に開通し、多くの市民が朝早くから渡り初めを楽しんだ。市の担当者によると、通勤時間は大幅に短縮される見込みだという。"
		koTitle = "서울에 새 도서관 개관"
		koPara  = "서울시는 월요일 시내 중심가에 새 공공 도서관을 열었으며, 첫날부터 많은 시민이 찾아 책을 빌리고 열람실을 이용했다고 밝혔다. 도서관은 밤늦게까지 운영된다."
	)
	tests := []struct {
		name        string
		contentType string
		body        []byte
		title, want string
	}{
		{"windows-1252 in header", "text/html; charset=windows-1252", encode(t, charmap.Windows1252, charsetPage(frTitle, frPara, "")), frTitle, frPara},
		{"windows-1252 in meta", "text/html", encode(t, charmap.Windows1252, charsetPage(frTitle, frPara, "windows-1252")), frTitle, frPara},
		{"shift_jis in header", "text/html; charset=Shift_JIS", encode(t, japanese.ShiftJIS, charsetPage(jaTitle, jaPara, "")), jaTitle, jaPara},
		{"shift_jis in meta", "text/html", encode(t, japanese.ShiftJIS, charsetPage(jaTitle, jaPara, "shift_jis")), jaTitle, jaPara},
		{"euc-kr in header", "text/html; charset=euc-kr", encode(t, korean.EUCKR, charsetPage(koTitle, koPara, "")), koTitle, koPara},
		{"euc-kr in meta", "text/html", encode(t, korean.EUCKR, charsetPage(koTitle, koPara, "euc-kr")), koTitle, koPara},
		{"utf-8 with bom", "text/html", append([]byte("\xef\xbb\xbf"), charsetPage(jaTitle, jaPara, "")...), jaTitle, jaPara},
		{"plain text in shift_jis", "text/plain; charset=shift_jis", encode(t, japanese.ShiftJIS, jaTitle+"\n\n"+jaPara), jaTitle, jaPara},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write(tt.body)
			}))
			defer srv.Close()
			doc, err := NewFetcher(openClient()).Fetch(t.Context(), srv.URL+"/story")
			if err != nil {
				t.Fatalf("Fetch() error = %v", err)
			}
			if doc.Title != tt.title {
				t.Errorf("Title = %q, want %q", doc.Title, tt.title)
			}
			if !strings.Contains(doc.Body, tt.want) {
				t.Errorf("Body = %q, want it to contain %q", doc.Body, tt.want)
			}
		})
	}
}

func TestFetch(t *testing.T) {
	article := readFixture(t, "article.html")
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(article)
	})
	mux.HandleFunc("/amp/story", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(bytes.Replace(article, []byte("https://www.coastalherald.example/news/harbour-bridge-reopens?utm_source=rss"), []byte("/news/story?utm_campaign=x#c"), 1))
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/plain?utm_source=x&b=2&a=1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "Local election results\n\nTurnout rose to 61 percent in the city's local election.")
	})
	mux.HandleFunc("/notes.md", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		fmt.Fprint(w, "# Budget notes\n\nThe council *approved* the budget.\n\n- roads\n- schools\n")
	})
	mux.HandleFunc("/doc.pdf", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4")
	})
	mux.HandleFunc("/img", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(bytes.Repeat([]byte("word "), 1000))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	t.Run("article", func(t *testing.T) {
		doc, err := NewFetcher(openClient()).Fetch(t.Context(), srv.URL+"/page")
		if err != nil {
			t.Fatal(err)
		}
		// The page's canonical link is on another site: keep the fetched URL.
		if doc.URL != srv.URL+"/page" || doc.Outlet != "The Coastal Herald" {
			t.Errorf("Fetch() = URL %q outlet %q", doc.URL, doc.Outlet)
		}
	})
	t.Run("same-site canonical link", func(t *testing.T) {
		doc, err := NewFetcher(openClient()).Fetch(t.Context(), srv.URL+"/amp/story?utm_source=feed")
		if err != nil {
			t.Fatal(err)
		}
		if doc.URL != srv.URL+"/news/story" {
			t.Errorf("Fetch() URL = %q, want %q", doc.URL, srv.URL+"/news/story")
		}
	})
	t.Run("redirected plain text", func(t *testing.T) {
		doc, err := NewFetcher(openClient()).Fetch(t.Context(), srv.URL+"/old")
		if err != nil {
			t.Fatal(err)
		}
		want := ingest.Document{URL: srv.URL + "/plain?a=1&b=2", Title: "Local election results", Body: "Turnout rose to 61 percent in the city's local election."}
		if diff := cmp.Diff(want, doc); diff != "" {
			t.Errorf("Fetch() mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("markdown", func(t *testing.T) {
		doc, err := NewFetcher(openClient()).Fetch(t.Context(), srv.URL+"/notes.md")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Title != "Budget notes" || !strings.HasPrefix(doc.Body, "The council *approved* the budget.") {
			t.Errorf("Fetch() = %+v", doc)
		}
	})

	refused := []struct {
		name, path, reason string
		client             *safehttp.Client
	}{
		{"damaged pdf", "/doc.pdf", "the PDF could not be read", openClient()},
		{"image", "/img", "content of type image/png cannot be read", openClient()},
		{"not found", "/missing", "the site answered 404 Not Found", openClient()},
		{"too large", "/big", "larger than the 1 KB limit", safehttp.New(safehttp.Options{AllowPrivate: true, MaxBytes: 1024})},
		{"loopback with the setting off", "/page", "the address is not allowed", closedClient()},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := hits.Load()
			_, err := NewFetcher(tt.client).Fetch(t.Context(), srv.URL+tt.path)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("Fetch() error = %v, want *safehttp.RefusedError", err)
			}
			if got := Reason(err); !strings.Contains(got, tt.reason) {
				t.Errorf("Reason() = %q, want it to contain %q", got, tt.reason)
			}
			if tt.client == closedClient() || strings.Contains(tt.name, "setting off") {
				if hits.Load() != before {
					t.Error("the refused address was fetched")
				}
			}
		})
	}
	_, err := NewFetcher(openClient()).Fetch(t.Context(), "ftp://example.com/x")
	if got := Reason(err); !strings.Contains(got, "only http and https") {
		t.Errorf("Reason(ftp) = %q", got)
	}
}

func TestDocumentFromBytes(t *testing.T) {
	article := readFixture(t, "article.html")
	tests := []struct {
		name, file, contentType string
		data                    []byte
		want                    ingest.Document
		wantIn                  string
	}{
		{"txt", "notes.txt", "", []byte("Water prices\n\nPrices rose by 4 percent this year."), ingest.Document{Title: "Water prices", Body: "Prices rose by 4 percent this year."}, ""},
		{"txt single paragraph", "water-report_2024.txt", "text/plain", []byte("Prices rose by 4 percent this year."), ingest.Document{Title: "water report 2024", Body: "Prices rose by 4 percent this year."}, ""},
		{"md", "brief.md", "", []byte("# The brief\n\nA **bold** claim.\n"), ingest.Document{Title: "The brief", Body: "A bold claim."}, ""},
		{"utf-16 txt with a byte order mark", "de.txt", "", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "Wahl\n\nDer Bürgermeister wurde wiedergewählt."), ingest.Document{Title: "Wahl", Body: "Der Bürgermeister wurde wiedergewählt."}, ""},
		{"markdown served as bytes", "notes", "application/octet-stream", []byte("Harbour notes\n\nThe ferry runs hourly."), ingest.Document{Title: "Harbour notes", Body: "The ferry runs hourly."}, ""},
		{"windows-1252 txt", "fr.txt", "text/plain; charset=windows-1252", encode(t, charmap.Windows1252, "Élection\n\nLe maire a été réélu."), ingest.Document{Title: "Élection", Body: "Le maire a été réélu."}, ""},
		{"html", "page.html", "", article, ingest.Document{}, "The harbour bridge reopened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := DocumentFromBytes(tt.file, tt.contentType, tt.data)
			if err != nil {
				t.Fatalf("DocumentFromBytes() error = %v", err)
			}
			if tt.wantIn != "" {
				if !strings.Contains(doc.Body, tt.wantIn) || doc.Title == "" {
					t.Errorf("DocumentFromBytes() = %+v", doc)
				}
				return
			}
			if diff := cmp.Diff(tt.want, doc); diff != "" {
				t.Errorf("DocumentFromBytes() mismatch (-want +got):\n%s", diff)
			}
		})
	}

	refused := []struct {
		name, file, contentType string
		data                    []byte
		reason                  string
	}{
		{"damaged pdf", "report.pdf", "application/pdf", []byte("%PDF-1.7"), "the PDF could not be read"},
		{"docx", "report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", []byte("PK\x03\x04"), ".docx files cannot be read"},
		{"too large", "big.txt", "", bytes.Repeat([]byte("a"), MaxUploadBytes+1), "larger than the 10 MB limit"},
		{"empty", "empty.txt", "", []byte("  \n"), "the file is empty"},
		{"binary without extension", "blob", "", []byte("\x00\x01\x02\x03binary"), "cannot be read"},
		{"corrupt html", "story.html", "text/html", []byte("<html><p>Half a story\x00\x89PNG\x00"), "the file is not text"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DocumentFromBytes(tt.file, tt.contentType, tt.data)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("DocumentFromBytes() error = %v, want *safehttp.RefusedError", err)
			}
			if !strings.Contains(Reason(err), tt.reason) {
				t.Errorf("Reason() = %q, want %q", Reason(err), tt.reason)
			}
		})
	}
}

func TestScorePage(t *testing.T) {
	tests := []struct {
		name, expected, extracted string
		p, r                      float64
		extractedCounted          bool
	}{
		{"exact", "one two three four five", "one, two three four five!", 1, 1, true},
		{"empty extraction", "one two three four five", "", 0, 0, false},
		{"half extra", "a b c d e", "a b c d e f g", 2.0 / 4, 1, true},
		{"half missing", "a b c d e f g", "a b c d e", 1, 2.0 / 4, true},
		{"short texts", "a b", "a b", 1, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scorePage(tt.expected, tt.extracted)
			if got.precision != tt.p || got.recall != tt.r || got.extracted != tt.extractedCounted {
				t.Errorf("scorePage() = p %v r %v counted %v, want p %v r %v counted %v", got.precision, got.recall, got.extracted, tt.p, tt.r, tt.extractedCounted)
			}
		})
	}
}

func TestEvalExtraction(t *testing.T) {
	dir := t.TempDir()
	page := readFixture(t, "article.html")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(page)
	zw.Close()
	if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "html", "a.html.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := ExtractHTML(page, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// Case a expects exactly what is extracted; case b expects text that
	// is not on the page at all.
	lines := fmt.Sprintf(`{"id":"a","url":"https://example.com/a","html_file":"html/a.html.gz","body":%q}
{"id":"b","url":"https://example.com/b","html_file":"html/a.html.gz","body":"entirely different words that the page never says"}
`, doc.Body)
	cases := filepath.Join(dir, "cases.jsonl")
	if err := os.WriteFile(cases, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := EvalExtraction(t.Context(), cases)
	if err != nil {
		t.Fatalf("EvalExtraction() error = %v", err)
	}
	if r.Pages != 2 || r.Precision != 0.5 || r.Recall != 0.5 || r.F1 != 0.5 || r.Accuracy != 0.5 || r.MsPerPageP50 <= 0 || r.TimingRuns != 3 {
		t.Errorf("EvalExtraction() = %+v, want 2 pages, P=R=F1=0.5", r)
	}
	if _, err := EvalExtraction(t.Context(), filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("EvalExtraction(missing) error = nil")
	}
}

func TestExtractKeepsEmbeddedPost(t *testing.T) {
	page := bytes.Replace(readFixture(t, "article.html"), []byte("<p>Shopkeepers"),
		[]byte(`<div class="social-media-embed"><blockquote class="twitter-tweet"><p lang="en">The bridge is open again and the queue of cyclists stretches back to the station this morning.</p>— City Cyclists (@citycyclists) <a href="https://twitter.com/x/status/1">March 14, 2024</a></blockquote><script src="https://platform.twitter.com/widgets.js"></script></div><p>Shopkeepers`), 1)
	doc, err := ExtractHTML(page, "text/html", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Body, "the queue of cyclists stretches back to the station") {
		t.Errorf("embedded post dropped:\n%s", doc.Body)
	}
}

func TestPruneUnwrapsInlineCustomElements(t *testing.T) {
	page := []byte(`<html><body><p>Cited <x-source><a href="/s">source</a></x-source> here.</p><x-menu><a href="/">Home</a></x-menu><script>x()</script><!-- c --><style>p{}</style></body></html>`)
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	prune(root)
	var b bytes.Buffer
	if err := html.Render(&b, root); err != nil {
		t.Fatal(err)
	}
	want := `<html><head></head><body><p>Cited <a href="/s">source</a> here.</p><x-menu><a href="/">Home</a></x-menu></body></html>`
	if got := b.String(); got != want {
		t.Errorf("prune() = %s, want %s", got, want)
	}
}
