package web

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// MaxUploadBytes limits an uploaded file.
const MaxUploadBytes = 10 << 20

// DocumentFromBytes turns an uploaded file into a document. The type comes
// from the file name's extension (.txt, .text, .md, .markdown, .html, .htm,
// .xhtml), else from contentType. Anything else, PDF included, and files
// over [MaxUploadBytes] are refused with a [*safehttp.RefusedError] whose
// Reason a user can read.
func DocumentFromBytes(name, contentType string, data []byte) (ingest.Document, error) {
	if len(data) > MaxUploadBytes {
		return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the file is larger than the %d MB limit", MaxUploadBytes>>20)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the file is empty"}
	}
	ext := strings.ToLower(path.Ext(name))
	ct := contentType
	switch ext {
	case ".txt", ".text":
		ct = withCharset("text/plain", contentType)
	case ".md", ".markdown":
		ct = withCharset("text/markdown", contentType)
	case ".html", ".htm", ".xhtml":
		ct = withCharset("text/html", contentType)
	case ".pdf":
		return ingest.Document{}, &safehttp.RefusedError{Reason: "PDF is not supported yet; upload the article as .txt, .md or .html"}
	case "":
	default:
		if kindOfMediaType(mediaType(contentType)) == kindUnknown || kindOfMediaType(mediaType(contentType)) == kindPDF {
			return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("%s files cannot be read; upload .txt, .md or .html", ext)}
		}
	}
	if ext != "" && ingest.LooksBinary(data) {
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the file is not text; it may be corrupt or of another type"}
	}
	doc, err := fromContent(data, ct, "", name)
	if err != nil {
		return ingest.Document{}, refuseWrap("", err)
	}
	return doc, nil
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// withCharset keeps the charset parameter of the uploader's content type.
func withCharset(mt, contentType string) string {
	if i := strings.Index(strings.ToLower(contentType), "charset="); i >= 0 {
		return mt + "; " + contentType[i:]
	}
	return mt
}

// textDocument reads plain text or Markdown: decoded to UTF-8, the title
// from a leading Markdown heading or a short first line, else the file name.
func textDocument(data []byte, contentType, pageURL, name string, markdown bool) (ingest.Document, error) {
	if !utf8.Valid(data) || hasCharset(contentType) {
		dec, _, err := decodeText(data, contentType)
		if err != nil {
			return ingest.Document{}, err
		}
		data = dec
	}
	text := cleanText(strings.TrimPrefix(string(data), "\ufeff"))
	if text == "" {
		return ingest.Document{}, ErrNoText
	}
	title := ""
	first, rest, _ := strings.Cut(text, "\n")
	switch {
	case markdown && strings.HasPrefix(first, "#"):
		title = strings.TrimSpace(strings.TrimLeft(first, "#"))
		text = strings.TrimSpace(rest)
	case len(first) <= 200 && rest != "" && !strings.HasSuffix(first, "."):
		title = first
		text = strings.TrimSpace(rest)
	}
	if title == "" {
		title = titleFromName(name)
	}
	if text == "" {
		text, title = title, titleFromName(name)
	}
	doc := ingest.Document{Title: title, Body: text}
	if pageURL != "" {
		doc.URL = preferCanonical(pageURL, "")
	}
	return doc, nil
}

func hasCharset(ct string) bool {
	return strings.Contains(strings.ToLower(ct), "charset=")
}

// titleFromName turns "my-story_2024.txt" into "my story 2024".
func titleFromName(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.NewReplacer("-", " ", "_", " ").Replace(base)
	if base == "." || base == "/" {
		return ""
	}
	return strings.TrimSpace(base)
}
