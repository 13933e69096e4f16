package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// gazette runs the command in-process with the given environment and
// returns its output.
func gazette(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err = run(t.Context(), args, &out, &errb, getenv)
	return out.String(), errb.String(), err
}

func testEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"GAZETTE_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
}

func TestDemoPrintsCitedAnswer(t *testing.T) {
	out, errOut, err := gazette(t, testEnv(t), "demo")
	if err != nil {
		t.Fatalf("demo error = %v\n%s", err, errOut)
	}
	for _, want := range []string{"Ingested 5 sample articles", "[1]", "Sources:", "Harbor City Ledger"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestIngestFilesThenAskJSON(t *testing.T) {
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", "testdata/articles", "sample/articles.jsonl")
	if err != nil {
		t.Fatalf("ingest error = %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "8 new, 0 updated, 0 unchanged, 0 refused") {
		t.Errorf("ingest summary:\n%s", out)
	}
	// Ingesting again changes nothing.
	out, _, err = gazette(t, env, "ingest", "-q", "testdata/articles")
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 3 unchanged") {
		t.Errorf("second ingest = %v:\n%s", err, out)
	}

	out, errOut, err = gazette(t, env, "ask", "--json", "When will harbour ferry fares rise, and by how much?")
	if err != nil {
		t.Fatalf("ask error = %v\n%s", err, errOut)
	}
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json output is not JSON: %v\n%s", err, out)
	}
	if ans.Refused || len(ans.Sources) == 0 || !strings.Contains(ans.Answer, "[1]") {
		t.Fatalf("ask --json = %+v, want a cited answer", ans)
	}
	if !strings.Contains(strings.ToLower(ans.Sources[0].Title), "ferry") {
		t.Errorf("first source = %+v, want the ferry article", ans.Sources[0])
	}

	out, _, err = gazette(t, env, "ask", "--json", "What did a Bloomberg article say about ferry fares?")
	if err != nil {
		t.Fatal(err)
	}
	ans = jsonAnswer{}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if !ans.Refused || !strings.Contains(ans.Answer, "Bloomberg") {
		t.Errorf("ask about an outlet with no articles = %+v, want a refusal naming it", ans)
	}
}

func TestIngestRefusesPrivateAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><head><title>Secret</title></head><body><article><p>internal only</p></article></body></html>"))
	}))
	defer srv.Close()
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", srv.URL+"/page")
	if err == nil {
		t.Fatalf("ingest of a loopback URL succeeded:\n%s", out)
	}
	if msg := out + errOut + err.Error(); !strings.Contains(msg, "not allowed") {
		t.Errorf("refusal does not say the address is not allowed:\n%s", msg)
	}
	a, err := openApp(context.Background(), mustConfig(t, env), discardLogger(), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	st, err := a.store.Stats(t.Context(), "local")
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 0 {
		t.Errorf("store holds %d articles after a refused ingest", st.Articles)
	}
}

func TestEvalRetrievalJSON(t *testing.T) {
	out, errOut, err := gazette(t, testEnv(t), "eval", "retrieval", "--corpus", "sample/articles.jsonl",
		"--queries", filepath.Join("testdata", "queries.jsonl"), "--json")
	if err != nil {
		t.Fatalf("eval error = %v\n%s", err, errOut)
	}
	var rep struct {
		Queries      int     `json:"queries"`
		Chunks       int     `json:"chunks"`
		NullDeclined float64 `json:"null_declined"`
		Overall      struct {
			HitsAt10 float64 `json:"hits_at_10"`
			AllAt10  float64 `json:"all_at_10"`
		} `json:"overall"`
		ByType map[string]json.RawMessage `json:"by_type"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval output is not JSON: %v\n%s", err, out)
	}
	if rep.Queries != 4 || rep.Chunks == 0 || rep.Overall.HitsAt10 != 1 || rep.Overall.AllAt10 != 1 || rep.NullDeclined != 1 {
		t.Errorf("eval report = %+v", rep)
	}
	if _, ok := rep.ByType["comparison_query"]; !ok {
		t.Errorf("by_type lacks comparison_query: %v", rep.ByType)
	}
}

func TestUnknownCommand(t *testing.T) {
	_, _, err := gazette(t, testEnv(t), "frobnicate")
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("error = %v, want unknown command", err)
	}
}

func TestBadConfigReportsAllProblems(t *testing.T) {
	env := testEnv(t)
	env["LOG_LEVEL"] = "loud"
	env["GAZETTE_EMBEDDER"] = "magic"
	_, _, err := gazette(t, env, "ask", "hello")
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") || !strings.Contains(err.Error(), "GAZETTE_EMBEDDER") {
		t.Errorf("error = %v, want both problems", err)
	}
}
