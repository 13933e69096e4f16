package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestDigestJSONCitesIngestedArticles(t *testing.T) {
	env := testEnv(t)
	if out, errOut, err := gazette(t, env, "ingest", "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err := gazette(t, env, "digest", "--since", "720h", "--json")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, errOut)
	}
	var d struct {
		Stories []struct {
			Headline string   `json:"headline"`
			Summary  string   `json:"summary"`
			Outlets  []string `json:"outlets"`
			Sources  []struct {
				N         int    `json:"n"`
				ArticleID string `json:"article_id"`
			} `json:"sources"`
		} `json:"stories"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("digest --json is not JSON: %v\n%s", err, out)
	}
	ingested := []string{"demo-rates", "demo-rates-2", "demo-bikes", "demo-football", "demo-chips"}
	if len(d.Stories) < 2 {
		t.Fatalf("got %d stories, want several:\n%s", len(d.Stories), out)
	}
	for _, s := range d.Stories {
		if s.Headline == "" || !strings.Contains(s.Summary, "[") || len(s.Sources) == 0 {
			t.Errorf("story without headline, citation or sources: %+v", s)
		}
		for _, src := range s.Sources {
			if !slices.Contains(ingested, src.ArticleID) {
				t.Errorf("story cites %q, which was not ingested", src.ArticleID)
			}
		}
	}
}

const rss = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Valley Wire</title><link>%[1]s/</link><description>news</description>
<item><title>Tram line opens</title><link>%[1]s/tram</link><guid>tram-1</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>
<description>The new tram line between the station and the harbour opened on Monday with free rides all week.</description></item>
</channel></rss>`

const tramPage = `<html><head><title>Tram line opens | Valley Wire</title><meta property="og:site_name" content="Valley Wire"></head>
<body><article><h1>Tram line opens</h1><p>The new tram line between the central station and the harbour opened on Monday, with free rides for everyone all week.</p>
<p>The city says trams will run every six minutes at peak times and that the line should carry 40,000 passengers a day.</p></article></body></html>`

func TestFeedAddPollList(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, rss, srv.URL)
		case "/tram":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, tramPage)
		case "/broken.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, "<rss><channel><title>oops")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	env := testEnv(t)
	env["GAZETTE_ALLOW_PRIVATE_NETWORKS"] = "true"

	if out, errOut, err := gazette(t, env, "feed", "add", srv.URL+"/feed.xml"); err != nil || !strings.Contains(out, "Valley Wire") {
		t.Fatalf("feed add = %v\n%s%s", err, out, errOut)
	}
	out, errOut, err := gazette(t, env, "feed", "poll")
	if err != nil || !strings.Contains(out, "1 new item") || !strings.Contains(out, "1 new, 0 updated") {
		t.Fatalf("feed poll = %v\n%s%s", err, out, errOut)
	}
	// Polling again ingests nothing twice.
	out, _, err = gazette(t, env, "feed", "poll")
	if err != nil || strings.Contains(out, "1 new,") {
		t.Errorf("second poll = %v\n%s", err, out)
	}
	out, _, err = gazette(t, env, "feed", "list")
	if err != nil || !strings.Contains(out, srv.URL+"/feed.xml") || !strings.Contains(out, "ok") {
		t.Errorf("feed list = %v\n%s", err, out)
	}
	_, _, err = gazette(t, env, "feed", "add", srv.URL+"/broken.xml")
	if err == nil || !strings.Contains(err.Error(), "RSS or Atom") {
		t.Errorf("feed add of a malformed feed: error = %v, want a clear refusal", err)
	}
	out, _, err = gazette(t, env, "ask", "--json", "How often will the trams run?")
	if err != nil || !strings.Contains(out, "Tram line opens") {
		t.Errorf("ask after feed poll = %v\n%s", err, out)
	}
}
