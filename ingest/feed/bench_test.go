package feed

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/safehttp"
)

// timedStore records when each feed's poll was last saved: the time its
// poll ended.
type timedStore struct {
	*memStore
	mu    sync.Mutex
	start time.Time
	saved map[string]time.Duration
}

func (s *timedStore) SaveFeed(ctx context.Context, f Feed) error {
	s.mu.Lock()
	s.saved[f.URL] = time.Since(s.start)
	s.mu.Unlock()
	return s.memStore.SaveFeed(ctx, f)
}

// benchHosts starts n local news sites, each on its own loopback address
// (127.0.0.2, 127.0.0.3, …; distinct hosts for the per-host limits), each
// serving feeds of one new item whose page is on the same site. When
// stall is set, the first site accepts connections and never answers.
func benchHosts(b *testing.B, n int, stall bool) []string {
	b.Helper()
	var urls []string
	for i := range n {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
		if err != nil {
			b.Skipf("loopback address 127.0.0.%d: %v", i+2, err)
		}
		mux := http.NewServeMux()
		if stall && i == 0 {
			mux.HandleFunc("/", func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		} else {
			mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
				fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			})
			mux.HandleFunc("/feed/{n}", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				base := "http://" + r.Host
				fmt.Fprint(w, rss("Site "+r.Host, item{"g-" + r.PathValue("n"), "Story " + r.PathValue("n"),
					base + "/story/" + r.PathValue("n"), "Mon, 02 Jun 2025 08:00:00 GMT", "<p>Summary.</p>"}))
			})
			mux.HandleFunc("/story/{n}", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, articlePage("Story "+r.PathValue("n"), "The harbour committee met on Monday to discuss the ferry timetable."))
			})
		}
		srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
		srv.Start()
		b.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	return urls
}

// BenchmarkPollRound polls 500 feeds on 50 local hosts (10 a host, each
// with one new item whose page is fetched and extracted), with the default
// politeness (2 requests at a time and about 2 a second per host,
// robots.txt read once per host) and 16 hosts at once, with and without a
// host that never answers (a 20 s fetch timeout, the default). It reports
// the round's time and when the healthy hosts' feeds finished: the same
// with and without the stalled host means it delayed only its own feeds.
//
//	go test ./ingest/feed -run '^$' -bench PollRound -benchtime 1x
func BenchmarkPollRound(b *testing.B) {
	const hosts, perHost = 50, 10
	timeout := 20 * time.Second
	if v := os.Getenv("GAZETTE_BENCH_FETCH_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		timeout = d
	}
	for _, stall := range []bool{false, true} {
		name := "healthy"
		if stall {
			name = "one_stalled"
		}
		b.Run(name, func(b *testing.B) {
			urls := benchHosts(b, hosts, stall)
			var rounds, healthyMax, healthyP50, healthyP95, stalledEnd []float64
			for b.Loop() {
				st := &timedStore{memStore: newMemStore(), saved: map[string]time.Duration{}}
				for _, u := range urls {
					for k := range perHost {
						if err := st.memStore.SaveFeed(context.Background(), Feed{Namespace: "g", URL: fmt.Sprintf("%s/feed/%d", u, k), AddedAt: t0, NextPollAt: t0}); err != nil {
							b.Fatal(err)
						}
					}
				}
				client := safehttp.New(safehttp.Options{AllowPrivate: true, Timeout: timeout})
				p := NewPoller(st, client, &fakeIngester{}, Options{Jitter: -1, Now: func() time.Time { return t0 }, Logger: slog.New(slog.DiscardHandler)})
				st.start = time.Now()
				rs, err := p.PollDue(context.Background())
				round := time.Since(st.start)
				if err != nil || len(rs) != hosts*perHost {
					b.Fatalf("PollDue() = %d results, %v", len(rs), err)
				}
				var healthy []float64
				var stalled float64
				for _, r := range rs {
					at := st.saved[r.Feed.URL].Seconds()
					if stall && strings.HasPrefix(r.Feed.URL, urls[0]) {
						stalled = max(stalled, at)
						if r.Err == nil {
							b.Errorf("stalled feed %s polled without error", r.Feed.URL)
						}
						continue
					}
					if r.Err != nil || len(r.Receipts) != 1 {
						b.Errorf("feed %s: %v, %d receipts", r.Feed.URL, r.Err, len(r.Receipts))
					}
					healthy = append(healthy, at)
				}
				slices.Sort(healthy)
				rounds = append(rounds, round.Seconds())
				healthyP50 = append(healthyP50, healthy[len(healthy)/2])
				healthyP95 = append(healthyP95, healthy[len(healthy)*95/100])
				healthyMax = append(healthyMax, healthy[len(healthy)-1])
				stalledEnd = append(stalledEnd, stalled)
			}
			b.ReportMetric(median(rounds), "round-s")
			b.ReportMetric(median(healthyP50), "healthy-p50-s")
			b.ReportMetric(median(healthyP95), "healthy-p95-s")
			b.ReportMetric(median(healthyMax), "healthy-last-s")
			if stall {
				b.ReportMetric(median(stalledEnd), "stalled-last-s")
			}
		})
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
