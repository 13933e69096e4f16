package bot

import "github.com/gazettebot/gazette/rag"

// Request is a question for an [Answerer].
type Request struct {
	Question string
	History  []rag.Message
	Filter   rag.Filter
}
