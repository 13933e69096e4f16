package bot

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gazettebot/gazette/news"
)

// userLimiter is a per-member token bucket, bounded in memory: members idle
// for longer than it takes to refill are forgotten.
type userLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	now     func() time.Time
	users   map[string]*rate.Limiter
	checked time.Time
}

func newUserLimiter(perMinute int, now func() time.Time) *userLimiter {
	return &userLimiter{
		every: rate.Limit(float64(perMinute) / 60),
		burst: min(3, perMinute),
		now:   now,
		users: map[string]*rate.Limiter{},
	}
}

// allow reports whether the member may ask now, spending a token if so.
func (l *userLimiter) allow(userID string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.checked) > time.Minute && len(l.users) > 1024 {
		for id, lim := range l.users {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(l.users, id)
			}
		}
		l.checked = now
	}
	lim, ok := l.users[userID]
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.users[userID] = lim
	}
	return lim.AllowN(now, 1)
}

// conversation is a thread the bot started from a mention, with its recent
// turns.
type conversation struct {
	threadID string
	guildID  string
	history  []news.Message
}

// conversations keeps the most recently used threads, bounded in number
// and in turns per thread.
type conversations struct {
	mu       sync.Mutex
	max      int
	maxTurns int
	lru      *list.List // of *conversation, most recent first
	byID     map[string]*list.Element
}

func newConversations(maxThreads, maxTurns int) *conversations {
	return &conversations{max: maxThreads, maxTurns: maxTurns, lru: list.New(), byID: map[string]*list.Element{}}
}

// start records a new thread.
func (c *conversations) start(threadID, guildID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[threadID]; ok {
		c.lru.MoveToFront(e)
		return
	}
	c.byID[threadID] = c.lru.PushFront(&conversation{threadID: threadID, guildID: guildID})
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.byID, old.Value.(*conversation).threadID)
	}
}

// history returns a copy of the thread's recent turns and whether the bot
// knows the thread.
func (c *conversations) history(threadID string) ([]news.Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[threadID]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return append([]news.Message(nil), e.Value.(*conversation).history...), true
}

// set replaces a known thread's history.
func (c *conversations) set(threadID string, history []news.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[threadID]; ok {
		e.Value.(*conversation).history = append([]news.Message(nil), history...)
	}
}

// add appends a question and its answer to a known thread.
func (c *conversations) add(threadID, question, answer string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[threadID]
	if !ok {
		return
	}
	conv := e.Value.(*conversation)
	conv.history = append(conv.history,
		news.Message{Role: "user", Content: question},
		news.Message{Role: "assistant", Content: answer})
	if n := len(conv.history) - 2*c.maxTurns; n > 0 {
		conv.history = append([]news.Message(nil), conv.history[n:]...)
	}
}
