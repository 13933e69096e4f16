package bot

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/store"
)

// The store's feedback methods are the bot's Feedback.
var _ Feedback = (*store.Store)(nil)

func TestFeedbackWithRealStore(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := start(t, func(d *Deps, _ *Options) {
		d.Feedback = st
	})
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "What did the Fed do?"))
	ids := h.waitEdit(n, i, "**Sources**").CustomIDs()
	if len(ids) != 3 {
		t.Fatalf("buttons = %v", ids)
	}
	down := h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), ids[1]))
	h.srv.Wait(n, isCallback(down))
	src := h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), ids[2]))
	h.waitEdit(n, src, "> The Federal Reserve held rates steady on Wednesday.")
	other := h.srv.PushInteraction(discordtest.Button(guildB, channel, plainMember(), ids[2]))
	h.waitEdit(n, other, "no longer have")

	up, downs, err := st.Votes(context.Background(), guildA, 1)
	if err != nil || up != 0 || downs != 1 {
		t.Errorf("Votes() = %d, %d, %v, want 0, 1", up, downs, err)
	}
	if q, err := st.QuestionsSince(context.Background(), guildA, h.bot.opts.Now().AddDate(0, 0, -7)); err != nil || q != 1 {
		t.Errorf("QuestionsSince() = %d, %v, want 1", q, err)
	}
}
