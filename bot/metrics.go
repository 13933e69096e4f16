package bot

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the bot's Prometheus collectors.
type Metrics struct {
	// Questions counts questions by source (slash, mention, thread) and
	// outcome (answered, refused, no_sources, busy, rate_limited, invalid,
	// interrupted, error).
	Questions *prometheus.CounterVec
	// AnswerSeconds observes the time from a question to its final answer.
	AnswerSeconds prometheus.Histogram
	// DeferSeconds observes the time from receiving an interaction to the
	// end of its first response.
	DeferSeconds prometheus.Histogram
	// Ingests counts ingests by kind (url, file) and status (new, updated,
	// unchanged, refused, error).
	Ingests *prometheus.CounterVec
	// Errors counts internal errors by operation.
	Errors *prometheus.CounterVec
	// DiscordErrors counts failed Discord calls by operation (defer,
	// respond, edit, followup, send, start_thread…); each is also logged.
	DiscordErrors *prometheus.CounterVec
	// FeedPolls counts feed polls by outcome; the feed poller reports them
	// through [Metrics.FeedPolled].
	FeedPolls *prometheus.CounterVec
}

// NewMetrics creates the collectors and registers them with reg when reg is
// not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gazette_questions_total", Help: "Questions asked, by source and outcome.",
		}, []string{"source", "outcome"}),
		AnswerSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gazette_answer_seconds", Help: "Time from a question to its final answer.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60},
		}),
		DeferSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gazette_interaction_ack_seconds", Help: "Time from receiving an interaction to its first response.",
			Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3},
		}),
		Ingests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gazette_ingests_total", Help: "Ingest requests, by kind and status.",
		}, []string{"kind", "status"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gazette_errors_total", Help: "Internal errors, by operation.",
		}, []string{"op"}),
		DiscordErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gazette_discord_errors_total", Help: "Failed Discord calls, by operation.",
		}, []string{"op"}),
		FeedPolls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gazette_feed_polls_total", Help: "Feed polls, by outcome.",
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.Questions, m.AnswerSeconds, m.DeferSeconds, m.Ingests, m.Errors, m.DiscordErrors, m.FeedPolls)
	}
	return m
}

// FeedPolled counts one feed poll with its outcome ("ok", "error", ...).
func (m *Metrics) FeedPolled(outcome string) {
	m.FeedPolls.WithLabelValues(outcome).Inc()
}

// AdminHandler serves /healthz (the process is up), /readyz (the gateway
// session is ready: 200, otherwise 503) and /metrics from g.
func AdminHandler(g prometheus.Gatherer, ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ready == nil || !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	return mux
}
