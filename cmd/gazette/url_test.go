package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gazettebot/gazette/news"
)

const storyPage = `<html><head><title>%[1]s | Valley Wire</title><meta property="og:site_name" content="Valley Wire">
<link rel="canonical" href="%[2]s/news/bridge"></head>
<body><article><h1>%[1]s</h1><p>%[3]s</p><p>Engineers will inspect the cables again next month, the city's transport office said on Tuesday.</p></article></body></html>`

// TestIngestURLDedupAndUpdate ingests a page, the same page under a
// tracking-parameter URL (unchanged), then a changed version (updated), over
// a local server with private networks allowed.
func TestIngestURLDedupAndUpdate(t *testing.T) {
	var version atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		lead := "The old bridge over the river reopened on Monday after three months of repairs to its deck."
		if version.Load() > 0 {
			lead = "The old bridge over the river reopened on Monday after three months of repairs, two weeks late."
		}
		fmt.Fprintf(w, storyPage, "Old bridge reopens", srv.URL, lead)
	}))
	defer srv.Close()
	env := testEnv(t)
	env["GAZETTE_ALLOW_PRIVATE_NETWORKS"] = "true"

	out, errOut, err := gazette(t, env, "ingest", srv.URL+"/news/bridge")
	if err != nil || !strings.Contains(out, "1 new,") || !strings.Contains(out, "Valley Wire") {
		t.Fatalf("first ingest = %v\n%s%s", err, out, errOut)
	}
	out, _, err = gazette(t, env, "ingest", srv.URL+"/news/bridge?utm_source=feed&fbclid=x#top")
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 1 unchanged") {
		t.Errorf("same page with tracking parameters = %v\n%s", err, out)
	}
	version.Store(1)
	out, _, err = gazette(t, env, "ingest", srv.URL+"/news/bridge")
	if err != nil || !strings.Contains(out, "0 new, 1 updated") {
		t.Errorf("changed page = %v\n%s", err, out)
	}
	a, err := openApp(t.Context(), mustConfig(t, env), discardLogger(), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	arts, _, err := a.store.ListArticles(t.Context(), "local", news.ListOptions{})
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles = %v, %v; want one", arts, err)
	}
	chunks, err := a.store.Chunks(t.Context(), "local", arts[0].ID)
	if err != nil || len(chunks) == 0 || !strings.Contains(chunks[0].Text, "two weeks late") {
		t.Errorf("chunks after update = %+v, %v; want the new text", chunks, err)
	}
	a.Close()
	if out, _, err := gazette(t, env, "check"); err != nil || !strings.Contains(out, "1 articles") {
		t.Errorf("check = %v\n%s", err, out)
	}
}
