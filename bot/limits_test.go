package bot

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

func TestUserLimiter(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newUserLimiter(6, func() time.Time { return now })
	var got []bool
	for range 4 {
		got = append(got, l.allow("a"))
	}
	got = append(got, l.allow("b"))
	now = now.Add(10 * time.Second) // one token back at 6 a minute
	got = append(got, l.allow("a"), l.allow("a"))
	if diff := cmp.Diff([]bool{true, true, true, false, true, true, false}, got); diff != "" {
		t.Errorf("allow() mismatch (-want +got):\n%s", diff)
	}
	// Idle members are forgotten once many are tracked.
	for i := range 2000 {
		l.allow(fmt.Sprint(i))
	}
	now = now.Add(time.Hour)
	l.allow("c")
	if n := len(l.users); n > 2 {
		t.Errorf("limiter tracks %d members after an idle hour, want at most 2", n)
	}
}

func TestConversations(t *testing.T) {
	c := newConversations(2, 2)
	c.start("t1", "g")
	for i := range 3 {
		c.add("t1", fmt.Sprint("q", i), fmt.Sprint("a", i))
	}
	h, ok := c.history("t1")
	want := []news.Message{{Role: "user", Content: "q1"}, {Role: "assistant", Content: "a1"}, {Role: "user", Content: "q2"}, {Role: "assistant", Content: "a2"}}
	if diff := cmp.Diff(want, h); !ok || diff != "" {
		t.Errorf("history() ok %v mismatch (-want +got):\n%s", ok, diff)
	}
	c.start("t2", "g")
	c.history("t1") // t1 is now the most recent
	c.start("t3", "g")
	if _, ok := c.history("t2"); ok {
		t.Errorf("t2 kept; want the least recently used thread evicted")
	}
	if _, ok := c.history("t1"); !ok {
		t.Errorf("t1 evicted; want it kept")
	}
	c.add("unknown", "q", "a")
	if _, ok := c.history("unknown"); ok {
		t.Errorf("add() created a conversation")
	}
}
