package bot

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/llm"
	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/rag"
)

// The load suite: many /ask interactions at once through the fake Discord
// (real discordgo client), answered by the real rag.Service over a real
// SQLite store and the go-openai client streaming from the fake OpenAI
// server, with a small answer cap so that some questions are told "busy".

const guildC = "100000000000000003"

// loadShape is the size of one burst.
type loadShape struct {
	interactions  int // pushed per burst
	users         int // distinct members asking
	waves         int // the burst is pushed in this many waves…
	wavePause     time.Duration
	maxConcurrent int // the bot's answer cap
}

var defaultLoad = loadShape{interactions: 200, users: 50, waves: 8, wavePause: 20 * time.Millisecond, maxConcurrent: 4}

var loadGuilds = []string{guildA, guildB, guildC}

// loadTopics are the subjects of each guild's articles and questions.
var loadTopics = []string{"ferry", "library", "stadium", "bakery", "tramway", "museum", "harbour", "orchard", "bridge", "festival"}

// hashEmbedder is a deterministic bag-of-words embedder: each lower-cased
// word adds ±1 to one of 64 dimensions chosen by its hash; vectors are unit
// length.
type hashEmbedder struct{}

func (hashEmbedder) ID() string { return "load-hash-64" }
func (hashEmbedder) Dim() int   { return 64 }

func (hashEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		v := make([]float32, 64)
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		}) {
			h := fnv.New32a()
			h.Write([]byte(w))
			s := h.Sum32()
			if s&(1<<31) != 0 {
				v[s%64]--
			} else {
				v[s%64]++
			}
		}
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if n == 0 {
			v[0], n = 1, 1
		}
		for k := range v {
			v[k] /= float32(math.Sqrt(n))
		}
		out[i] = v
	}
	return out, nil
}

// loadRig is a running bot wired to the real engine and both fakes.
type loadRig struct {
	h    *harness
	oa   *openaitest.Server
	rest *http.Client // the bot's REST client, to drop idle connections
	// gate, when set, holds every model reply until it is closed.
	mu       sync.Mutex
	gate     chan struct{}
	gateOnce *sync.Once
}

// holdReplies makes model replies wait until openGate is called.
func (r *loadRig) holdReplies(tb testing.TB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gate, r.gateOnce = make(chan struct{}), new(sync.Once)
	tb.Cleanup(r.openGate) // before the fake OpenAI closes: it waits for its handlers
}

// openGate releases the held replies.
func (r *loadRig) openGate() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gate != nil {
		r.gateOnce.Do(func() { close(r.gate) })
	}
}

func (r *loadRig) wait() {
	r.mu.Lock()
	g := r.gate
	r.mu.Unlock()
	if g != nil {
		<-g
	}
}

// startLoadRig ingests ten articles into each of three guilds and starts
// the bot with answers capped at maxConcurrent.
func startLoadRig(tb testing.TB, maxConcurrent int) *loadRig {
	tb.Helper()
	ctx := context.Background()
	emb := hashEmbedder{}
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "gazette.db"), store.Options{EmbedderID: emb.ID(), Dim: emb.Dim()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	pipe := ingest.NewPipeline(st, emb, ingest.PipelineOptions{})
	for g, guild := range loadGuilds {
		var docs []ingest.Document
		for k, topic := range loadTopics {
			docs = append(docs, ingest.Document{
				ID: fmt.Sprintf("%s-%d", topic, g), Title: fmt.Sprintf("Council approves the %s plan", topic),
				URL:    fmt.Sprintf("https://news%d.example.com/%s", g, topic),
				Outlet: "Valley Herald", PublishedAt: time.Date(2026, 11, 2+k, 9, 0, 0, 0, time.UTC),
				Body: fmt.Sprintf("The %s plan was approved by the town council on Monday. Officials said the %s will cost %d million "+
					"and open next spring.\n\nResidents welcomed the %s, though some asked who would pay for its upkeep.",
					topic, topic, 10*(g+1)+k, topic),
			})
		}
		if _, err := pipe.IngestBatch(ctx, guild, docs, nil); err != nil {
			tb.Fatal(err)
		}
	}

	r := &loadRig{oa: openaitest.New(tb)}
	r.oa.SetStreamChunk(12)
	r.oa.SetReply(func(openaitest.ChatRequest) string {
		r.wait()
		return "The council approved the plan, which opens next spring [1]."
	})
	svc := rag.NewService(rag.NewRetriever(st, emb, rag.RetrieverOptions{}), rag.Options{
		Embedder:  emb,
		Completer: llm.NewChat(llm.Config{BaseURL: r.oa.URL(), Model: "test-model", HTTPClient: r.oa.Client()}),
	})
	r.rest = DefaultHTTPClient()
	r.h = startWith(tb, SessionOptions{HTTPClient: r.rest}, func(d *Deps, o *Options) {
		d.Answerer = svc
		o.MaxConcurrent = maxConcurrent
		o.QuestionsPerMinute = 1 << 20
		o.AnswerTimeout = time.Minute
	})
	return r
}

// loadResult is what one burst did.
type loadResult struct {
	acks             []time.Duration // push to first response, one per interaction
	answered, busy   int
	unexpected       []string // interactions that ended otherwise
	goroutinesBefore int
	goroutinesAfter  int
	heapBefore       uint64 // HeapInuse after GC, bytes
	heapAfter        uint64
}

// quiesce waits for in-flight answers to end, drops idle client
// connections and returns the goroutine count, giving up to ten seconds
// for it to fall to at most target (0: one settle pass).
func (r *loadRig) quiesce(target int) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.rest.CloseIdleConnections()
		r.oa.Client().CloseIdleConnections()
		runtime.GC()
		n := runtime.NumGoroutine()
		if len(r.h.bot.slots) == 0 && (n <= target || time.Now().After(deadline)) {
			return n
		}
		if target == 0 && len(r.h.bot.slots) == 0 {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// warmUp asks one question per guild with the gate open and waits for the
// answers, so connection pools and lazily built state exist before a
// baseline is taken.
func (r *loadRig) warmUp(tb testing.TB) {
	tb.Helper()
	n := r.h.srv.Len()
	var ins []*discordgo.Interaction
	for _, g := range loadGuilds {
		ins = append(ins, r.h.srv.PushInteraction(ask(g, discordtest.Member("399999999999999999", 0), "How much will the ferry cost?")))
	}
	for _, in := range ins {
		r.h.waitEdit(n, in, "**Sources**")
	}
}

// burst pushes s.interactions /ask interactions in s.waves waves and waits
// for every one to end. When gated, model replies are held until the first
// busy reply is seen, so every burst has both outcomes.
func (r *loadRig) burst(tb testing.TB, s loadShape, gated bool) loadResult {
	tb.Helper()
	var res loadResult
	res.goroutinesBefore = r.quiesce(0)
	res.heapBefore = heapInuse()
	if gated {
		r.holdReplies(tb)
	}

	n := r.h.srv.Len()
	pushed := make([]time.Time, s.interactions)
	ins := make([]*discordgo.Interaction, s.interactions)
	done := make(chan struct{})
	go func() {
		defer close(done)
		per := (s.interactions + s.waves - 1) / s.waves
		for k := range s.interactions {
			if k > 0 && k%per == 0 {
				time.Sleep(s.wavePause)
			}
			g := loadGuilds[k%len(loadGuilds)]
			m := discordtest.Member(fmt.Sprintf("31%016d", k%s.users), 0)
			in := ask(g, m, fmt.Sprintf("How much will the %s cost?", loadTopics[k%len(loadTopics)]))
			in.ID = r.h.srv.NewID()
			pushed[k] = time.Now()
			ins[k] = r.h.srv.PushInteraction(in)
		}
	}()
	if gated {
		r.h.srv.Wait(n, isBusyReply)
		r.openGate()
	}
	<-done

	for k, in := range ins {
		ack := r.h.srv.Wait(n, isCallback(in))
		res.acks = append(res.acks, ack.At.Sub(pushed[k]))
		switch {
		case isBusyReply(ack):
			res.busy++
		case callbackType(ack) == int(discordgo.InteractionResponseDeferredChannelMessageWithSource):
			final := r.h.waitEdit(n, in, "**Sources**")
			if !strings.Contains(final.Content(), "[1]") || !strings.Contains(final.Content(), "Valley Herald") {
				res.unexpected = append(res.unexpected, fmt.Sprintf("interaction %d: final answer %q", k, final.Content()))
				continue
			}
			res.answered++
		default:
			res.unexpected = append(res.unexpected, fmt.Sprintf("interaction %d: first response %s", k, ack.Raw))
		}
	}
	res.goroutinesAfter = r.quiesce(res.goroutinesBefore + goroutineSlack)
	res.heapAfter = heapInuse()
	return res
}

// goroutineSlack allows for goroutines that come and go on their own
// (timers, a connection being torn down); a leak per interaction would be
// hundreds.
const goroutineSlack = 10

// heapGrowthBound is a generous bound on the heap kept after a burst: the
// fake Discord records every call (a few hundred kilobytes per burst).
const heapGrowthBound = 64 << 20

func isBusyReply(c discordtest.Call) bool {
	return c.Method == "POST" && strings.HasSuffix(c.Path, "/callback") &&
		callbackType(c) == int(discordgo.InteractionResponseChannelMessageWithSource) && strings.Contains(c.Content(), "busy")
}

func quantile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// TestLoadBurst pushes 200 /ask interactions from 50 members of three
// guilds, in eight waves 20 ms apart, at a bot answering at most four at a
// time. Every interaction must get its first response (a deferral or the
// busy reply), every deferred one must end with a cited answer, and after
// the burst the goroutine count must return to its level before it and
// the heap must not keep growing. Acknowledgement latencies are logged,
// not asserted; BenchmarkLoadBurst reports them.
func TestLoadBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("load suite")
	}
	r := startLoadRig(t, defaultLoad.maxConcurrent)
	r.warmUp(t)
	res := r.burst(t, defaultLoad, true)
	for _, u := range res.unexpected {
		t.Error(u)
	}
	if got := res.answered + res.busy + len(res.unexpected); got != defaultLoad.interactions {
		t.Errorf("%d interactions ended, want %d", got, defaultLoad.interactions)
	}
	if res.answered < defaultLoad.maxConcurrent || res.busy == 0 {
		t.Errorf("answered %d, busy %d: want at least %d answered (held until the first busy reply) and one busy",
			res.answered, res.busy, defaultLoad.maxConcurrent)
	}
	if res.goroutinesAfter > res.goroutinesBefore+goroutineSlack {
		var buf [1 << 16]byte
		t.Errorf("goroutines %d before the burst, %d after it settled:\n%s",
			res.goroutinesBefore, res.goroutinesAfter, buf[:runtime.Stack(buf[:], true)])
	}
	if res.heapAfter > res.heapBefore+heapGrowthBound {
		t.Errorf("heap in use %d MiB before the burst, %d MiB after it", res.heapBefore>>20, res.heapAfter>>20)
	}
	late := 0
	for _, a := range res.acks {
		if a > 3*time.Second { // Discord's deadline; reported, not asserted
			late++
		}
	}
	t.Logf("%d interactions: %d answered, %d busy; ack p50 %v p99 %v max %v, %d over 3 s; goroutines %d → %d; heap %d → %d MiB",
		len(res.acks), res.answered, res.busy, quantile(res.acks, 0.5), quantile(res.acks, 0.99), quantile(res.acks, 1), late,
		res.goroutinesBefore, res.goroutinesAfter, res.heapBefore>>20, res.heapAfter>>20)
}

// BenchmarkLoadBurst runs the burst of TestLoadBurst b.N times (model
// replies not held) and reports the acknowledgement latency over all
// interactions (p50, p99, max), the answered and busy counts per burst, and
// the goroutine and heap growth from before the first burst to after the
// last. The answer cap is TestLoadBurst's 4, then 200 (every question is
// answered, all at once).
func BenchmarkLoadBurst(b *testing.B) {
	for _, limit := range []int{defaultLoad.maxConcurrent, defaultLoad.interactions} {
		b.Run(fmt.Sprintf("cap=%d", limit), func(b *testing.B) {
			s := defaultLoad
			s.maxConcurrent = limit
			benchLoad(b, s)
		})
	}
}

func benchLoad(b *testing.B, shape loadShape) {
	r := startLoadRig(b, shape.maxConcurrent)
	r.warmUp(b)
	g0 := r.quiesce(0)
	h0 := heapInuse()
	calls0 := r.h.srv.Len()
	var (
		acks           []time.Duration
		answered, busy int
		last           loadResult
	)
	b.ResetTimer()
	for range b.N {
		last = r.burst(b, shape, false)
		for _, u := range last.unexpected {
			b.Error(u)
		}
		acks = append(acks, last.acks...)
		answered += last.answered
		busy += last.busy
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(quantile(acks, 0.5)), "ack-p50-ms")
	b.ReportMetric(ms(quantile(acks, 0.99)), "ack-p99-ms")
	b.ReportMetric(ms(quantile(acks, 1)), "ack-max-ms")
	b.ReportMetric(float64(answered)/float64(b.N), "answered/op")
	b.ReportMetric(float64(busy)/float64(b.N), "busy/op")
	b.ReportMetric(float64(last.goroutinesAfter-g0), "goroutine-growth")
	b.ReportMetric(float64(int64(last.heapAfter)-int64(h0))/(1<<20), "heap-growth-MiB")
	// The fake Discord keeps every call it receives, decoded: part of the
	// heap growth is its log.
	b.ReportMetric(float64(r.h.srv.Len()-calls0)/float64(b.N), "fake-calls/op")
}
