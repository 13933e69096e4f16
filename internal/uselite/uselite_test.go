package uselite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/news"
)

var _ news.Embedder = (*Encoder)(nil)

type golden struct {
	Cases []struct {
		Text      string    `json:"text"`
		Embedding []float32 `json:"embedding"`
	} `json:"cases"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/use-lite-golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) != 4 {
		t.Fatalf("golden has %d cases, want 4", len(g.Cases))
	}
	return g
}

func mustLoad(t testing.TB) *Encoder {
	t.Helper()
	e, err := Load()
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	return e
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func cosine(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	return d
}

func TestGolden(t *testing.T) {
	e := mustLoad(t)
	g := loadGolden(t)
	for _, c := range g.Cases {
		t.Run(c.Text, func(t *testing.T) {
			got := e.EmbedText(c.Text)
			if len(got) != len(c.Embedding) {
				t.Fatalf("len = %d, want %d", len(got), len(c.Embedding))
			}
			diff := maxAbsDiff(got, c.Embedding)
			t.Logf("max abs diff %.3g", diff)
			if diff > 1e-4 {
				t.Errorf("EmbedText(%q): max abs diff %g > 1e-4", c.Text, diff)
			}
		})
	}
}

func TestEmbedMatchesEmbedText(t *testing.T) {
	e := mustLoad(t)
	g := loadGolden(t)
	long := strings.Repeat("The central bank raised interest rates again on Tuesday, citing stubborn inflation. ", 12)
	texts := []string{long, "", "  "}
	for _, c := range g.Cases {
		texts = append(texts, c.Text)
	}
	got, err := e.Embed(t.Context(), texts)
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}
	if len(got) != len(texts) {
		t.Fatalf("Embed() returned %d vectors, want %d", len(got), len(texts))
	}
	for i, text := range texts {
		want := e.EmbedText(text)
		if d := maxAbsDiff(got[i], want); d > 1e-6 {
			t.Errorf("text %d: Embed and EmbedText differ by %g", i, d)
		}
		var ss float64
		for _, v := range got[i] {
			if math.IsNaN(float64(v)) {
				t.Fatalf("text %d: NaN in vector", i)
			}
			ss += float64(v) * float64(v)
		}
		if math.Abs(ss-1) > 1e-5 {
			t.Errorf("text %d: squared norm %g, want 1", i, ss)
		}
	}
}

func TestSanityCosines(t *testing.T) {
	e := mustLoad(t)
	a := e.EmbedText("Iraq asked the US to stop Israeli jets using its airspace")
	b := e.EmbedText("Baghdad complained to the UN about airspace violations by Israel")
	c := e.EmbedText("The football match ended in a draw")
	if got := cosine(a, b); got <= 0.7 {
		t.Errorf("cos(related) = %.3f, want > 0.7", got)
	}
	if got := cosine(a, c); got >= 0.3 {
		t.Errorf("cos(unrelated) = %.3f, want < 0.3", got)
	}
}

func TestEmbedCancelled(t *testing.T) {
	e := mustLoad(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.Embed(ctx, []string{"a", "b", "c"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Embed() error = %v, want context.Canceled", err)
	}
}

func TestIDAndDim(t *testing.T) {
	e := mustLoad(t)
	if e.Dim() != 512 {
		t.Errorf("Dim() = %d, want 512", e.Dim())
	}
	if e.ID() == "" {
		t.Error("ID() is empty")
	}
	if e2, _ := Load(); e2 != e {
		t.Error("Load() returned a different encoder on the second call")
	}
}

func TestConcurrentUse(t *testing.T) {
	e := mustLoad(t)
	texts := []string{"Oil prices rose.", "", "Stocks fell in Tokyo after the bank of Japan held rates.", strings.Repeat("word ", 300)}
	want := make([][]float32, len(texts))
	for i, s := range texts {
		want[i] = e.EmbedText(s)
	}
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			if g%2 == 0 {
				got, err := e.Embed(t.Context(), texts)
				if err == nil {
					for i := range texts {
						if d := maxAbsDiff(got[i], want[i]); d > 1e-6 {
							err = fmt.Errorf("text %d differs by %g", i, d)
						}
					}
				}
				done <- err
				return
			}
			for i, s := range texts {
				if d := maxAbsDiff(e.EmbedText(s), want[i]); d > 1e-6 {
					done <- fmt.Errorf("text %d differs by %g", i, d)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
