package web

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// TestPairedTiming times go-trafilatura alone and ExtractHTML on the same
// pages, interleaved, so that both medians come from one run on a shared
// machine. It needs GAZETTE_EXTRACTION_CASES.
func TestPairedTiming(t *testing.T) {
	var a, b []float64
	var sa, sb []pageCounts
	for _, c := range devPages(t) {
		page := c.HTML
		var rawText, ourText string
		for range 3 {
			s := time.Now()
			root, _ := html.Parse(bytes.NewReader(page))
			res, err := trafilatura.ExtractDocument(root, trafilatura.Options{ExcludeComments: true, HtmlDateMode: trafilatura.Fast})
			a = append(a, float64(time.Since(s).Microseconds())/1000)
			if err == nil {
				rawText = res.ContentText
			}
			s = time.Now()
			doc, _ := ExtractHTML(page, "text/html; charset=utf-8", c.URL)
			b = append(b, float64(time.Since(s).Microseconds())/1000)
			ourText = doc.Body
		}
		sa = append(sa, scorePage(c.Body, rawText))
		sb = append(sb, scorePage(c.Body, ourText))
	}
	for _, r := range []struct {
		name string
		s    []pageCounts
		ms   []float64
	}{{"go-trafilatura alone", sa, a}, {"ExtractHTML", sb, b}} {
		p, rc, acc := aggregate(r.s)
		t.Logf("%-20s P=%.4f R=%.4f F1=%.4f acc=%.3f p50=%.2fms", r.name, p, rc, 2*p*rc/(p+rc), acc, median(r.ms))
	}
	t.Logf("time ratio ExtractHTML / go-trafilatura = %.2f", median(b)/median(a))
	// Paired bootstrap over pages: F1 of each and their difference.
	rng := rand.New(rand.NewPCG(1, 2))
	var fa, fb, fd []float64
	for range 1000 {
		var ra, rb []pageCounts
		for range sa {
			i := rng.IntN(len(sa))
			ra, rb = append(ra, sa[i]), append(rb, sb[i])
		}
		f1 := func(s []pageCounts) float64 { p, r, _ := aggregate(s); return 2 * p * r / (p + r) }
		x, y := f1(ra), f1(rb)
		fa, fb, fd = append(fa, x), append(fb, y), append(fd, y-x)
	}
	t.Logf("bootstrap F1 sd: go-trafilatura %.4f, ExtractHTML %.4f; gain %.4f ± %.4f (sd), gain > 0 in %.1f%% of resamples",
		stddev(fa), stddev(fb), mean(fd), stddev(fd), 100*share(fd, func(x float64) bool { return x > 0 }))
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	m := mean(xs)
	var s float64
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)))
}

func share(xs []float64, f func(float64) bool) float64 {
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}
