package bot

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	dto "github.com/prometheus/client_model/go"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// syncBuffer is a log sink safe for the bot's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFailedFinalEditFallsBack: when the edit that carries an ingest's
// outcome fails, the failure is logged (without the token Discord echoed)
// and counted, and the outcome reaches the member as a follow-up instead of
// leaving "Fetching…" on screen.
func TestFailedFinalEditFallsBack(t *testing.T) {
	var logs syncBuffer
	metrics := NewMetrics(nil)
	h := start(t, func(d *Deps, _ *Options) {
		d.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		d.Metrics = metrics
	})
	h.srv.Handle("PATCH /api/v9/webhooks/{app}/{token}/messages/{message}", func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		if strings.Contains(body.String(), "Fetching") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"1","content":"Fetching"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message": "upstream saw Authorization: Bot test-token", "code": 0}`))
	})
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "https://example.com/fed")))
	f := h.srv.Wait(n, func(c discordtest.Call) bool { return isFollowup(i)(c) && strings.Contains(c.Content(), "Added") })
	if !strings.Contains(f.Content(), "Fed holds rates") {
		t.Errorf("follow-up = %q, want the receipt", f.Content())
	}
	var m dto.Metric
	if err := metrics.DiscordErrors.WithLabelValues("edit").Write(&m); err != nil {
		t.Fatal(err)
	}
	if got := m.GetCounter().GetValue(); got < 1 {
		t.Errorf("gazette_discord_errors_total{op=edit} = %v, want at least 1", got)
	}
	out := logs.String()
	if !strings.Contains(out, "discord call failed") || !strings.Contains(out, "op=edit") {
		t.Errorf("the failed edit was not logged:\n%s", out)
	}
	if strings.Contains(out, "test-token") {
		t.Errorf("the log holds the token:\n%s", out)
	}
}

func attachmentInteraction(fileURL string, size int) *discordgo.Interaction {
	in := discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("file", discordgo.ApplicationCommandOptionAttachment, "att1"))
	cd := in.Data.(discordgo.ApplicationCommandInteractionData)
	cd.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
		"att1": {ID: "att1", Filename: "notes.txt", ContentType: "text/plain", URL: fileURL, Size: size},
	}}
	in.Data = cd
	return in
}

// TestAttachmentOnPrivateNetworkRefused: attachments are downloaded
// through the SSRF-safe client, so one on 127.0.0.1 is refused when
// private networks are closed, even from an expected host; and a host
// other than Discord's file servers is refused before any request.
func TestAttachmentOnPrivateNetworkRefused(t *testing.T) {
	tests := []struct {
		name  string
		hosts []string
		want  string
	}{
		{name: "private address", hosts: []string{"127.0.0.1"}, want: "I couldn't add that: I couldn't download it: "},
		{name: "unexpected host", hosts: nil, want: "I couldn't add that: the file is not on Discord's file server."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, func(_ *Deps, o *Options) {
				o.Files = safehttp.New(safehttp.Options{AllowPrivate: false})
				o.FileHosts = tt.hosts
			})
			data := []byte("A private file.")
			fileURL := h.srv.AddAttachment("notes.txt", "text/plain", data)
			n := h.srv.Len()
			i := h.srv.PushInteraction(attachmentInteraction(fileURL, len(data)))
			e := h.waitEdit(n, i, "I couldn't add that")
			if !strings.Contains(e.Content(), tt.want) {
				t.Errorf("reply = %q, want it to contain %q", e.Content(), tt.want)
			}
			for _, c := range h.srv.Calls()[n:] {
				if strings.Contains(c.Path, "/attachments/") {
					t.Errorf("the attachment was fetched: %s %s", c.Method, c.Path)
				}
			}
			h.ing.mu.Lock()
			defer h.ing.mu.Unlock()
			if len(h.ing.files) != 0 {
				t.Errorf("ingested %d files, want none", len(h.ing.files))
			}
		})
	}
}
