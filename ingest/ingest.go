// Package ingest turns documents (files, web pages, feed items, corpus
// lines) into stored, chunked and embedded articles.
package ingest

import (
	"time"
)

// Document is an article before it is stored: what a loader or extractor
// produced from a file, a web page, a feed item or a JSON Lines record.
type Document struct {
	ID          string // optional; derived from URL or content hash when empty
	URL         string
	Title       string
	Outlet      string
	Author      string
	PublishedAt time.Time
	Language    string
	Body        string
	// Source names where the document came from, for reports: a file
	// path, "path:line" or "line N" of a JSON Lines file, or the address
	// fetched. It is not stored.
	Source string
}

// Status is the outcome of ingesting one document.
type Status string

// Outcomes of ingesting one document.
const (
	StatusNew       Status = "new"
	StatusUpdated   Status = "updated"
	StatusUnchanged Status = "unchanged"
	StatusRefused   Status = "refused"
	// StatusSkipped is a file of a type the loaders do not read, found in
	// a folder: reported with its reason, not an error.
	StatusSkipped Status = "skipped"
)

// Receipt reports what happened to one ingested document.
type Receipt struct {
	Status      Status
	ArticleID   string
	Title       string
	Outlet      string
	URL         string
	PublishedAt time.Time
	Words       int
	Chunks      int
	// Reason says, in words a user can read, why a document was refused.
	Reason string
	// Source is the document's [Document.Source], or the input that could
	// not be read, for reports.
	Source string
	// Cut reports that the document was longer than the pipeline's
	// ChunkOptions.MaxChunks allow: only its first Chunks passages were
	// stored. It is never set without such a bound.
	Cut bool
}

// Progress is called after each document of a batch: done of total.
type Progress func(done, total int, r Receipt)
