package bot

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// BenchmarkDeferLatency measures the time from pushing INTERACTION_CREATE
// on the fake gateway to the fake receiving the deferral, with 50 /ask
// interactions pushed at once (each then answered and edited), over
// loopback with the real discordgo client. It reports the median and 99th
// percentile over all interactions of the run.
//
// The sub-benchmarks compare the pooled default REST client with Go's
// standard transport (2 idle connections per host).
func BenchmarkDeferLatency(b *testing.B) {
	b.Run("client=default", func(b *testing.B) { benchDefer(b, SessionOptions{}) })
	b.Run("client=stdlib", func(b *testing.B) {
		benchDefer(b, SessionOptions{HTTPClient: &http.Client{Timeout: 30 * time.Second}})
	})
}

func benchDefer(b *testing.B, so SessionOptions) {
	const concurrent = 50
	h := startWith(b, so, func(_ *Deps, o *Options) {
		o.MaxConcurrent = 2 * concurrent
		o.QuestionsPerMinute = 1 << 20
	})
	h.lib.add(guildA, fedArticle())
	h.ans.set(func(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error) {
		onDelta("Rates held ")
		return libraryAnswerer(h.lib)(ctx, ns, req, nil)
	})
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		n := h.srv.Len()
		pushed := make(map[string]time.Time, concurrent)
		ids := make([]*discordgo.Interaction, 0, concurrent)
		for k := range concurrent {
			i := ask(guildA, discordtest.Member(fmt.Sprint(k), 0), "What did the Fed do?")
			i.ID = h.srv.NewID()
			pushed[i.ID] = time.Now()
			h.srv.PushInteraction(i)
			ids = append(ids, i)
		}
		for _, i := range ids {
			c := h.srv.Wait(n, isCallback(i))
			lat = append(lat, c.At.Sub(pushed[i.ID]))
		}
		// Let the answers finish before the next round.
		for _, i := range ids {
			h.waitEdit(n, i, "**Sources**")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(len(lat)), "interactions")
}

// BenchmarkConcurrentAnswers measures the time from pushing
// INTERACTION_CREATE to the final cited edit for 50 /ask interactions pushed
// at once, when each REST edit takes 20 ms (a stand-in for the round trip
// to Discord). It compares a rate-limit bucket per interaction token with
// discordgo's default single bucket for every webhook edit.
func BenchmarkConcurrentAnswers(b *testing.B) {
	for _, shared := range []bool{false, true} {
		b.Run(fmt.Sprintf("shared-bucket=%v", shared), func(b *testing.B) {
			const concurrent = 50
			h := start(b, func(_ *Deps, o *Options) {
				o.MaxConcurrent = 2 * concurrent
				o.QuestionsPerMinute = 1 << 20
			})
			h.bot.sharedEditBucket = shared
			h.lib.add(guildA, fedArticle())
			h.srv.Handle("PATCH /api/v9/webhooks/{app}/{token}/messages/{message}", func(w http.ResponseWriter, _ *http.Request) {
				time.Sleep(20 * time.Millisecond)
				_, _ = w.Write([]byte(`{"id":"1","channel_id":"1"}`))
			})
			var lat []time.Duration
			b.ResetTimer()
			for range b.N {
				n := h.srv.Len()
				pushed := make(map[string]time.Time, concurrent)
				var ids []*discordgo.Interaction
				for k := range concurrent {
					i := ask(guildA, discordtest.Member(fmt.Sprint(k), 0), "What did the Fed do?")
					i.ID = h.srv.NewID()
					pushed[i.ID] = time.Now()
					h.srv.PushInteraction(i)
					ids = append(ids, i)
				}
				for _, i := range ids {
					c := h.waitEdit(n, i, "**Sources**")
					lat = append(lat, c.At.Sub(pushed[i.ID]))
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			q := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(q(0.50), "p50-ms")
			b.ReportMetric(q(0.99), "p99-ms")
		})
	}
}
