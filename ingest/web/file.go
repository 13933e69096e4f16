package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// MaxUploadBytes limits an uploaded file: the same limit as a file read
// from disk.
const MaxUploadBytes = ingest.MaxFileSize

// The one conversion of [ingest.Convert]: files on disk and uploads go
// through it, fetched pages through the same function with their URL.
var _ ingest.Convert = DocumentFromBytes

// DocumentFromBytes turns a file (an upload, or a file on disk) into a
// document. Its type comes from the name's extension (.txt, .text, .md,
// .markdown, .html, .htm, .xhtml, .pdf), else from contentType, else from
// the bytes. Files of other types, over [MaxUploadBytes], empty, binary
// where text was expected, scanned or encrypted PDFs are refused with a
// [*safehttp.RefusedError] whose Reason a user can read.
func DocumentFromBytes(name, contentType string, data []byte) (ingest.Document, error) {
	if len(data) > MaxUploadBytes {
		return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the file is larger than the %d MB limit", MaxUploadBytes>>20)}
	}
	doc, err := fromContent(data, contentType, "", name)
	if err != nil {
		return ingest.Document{}, refuseWrap("", err)
	}
	return doc, nil
}

// kind is a content family Gazette can read.
type kind int

const (
	kindUnknown kind = iota
	kindHTML
	kindText
	kindMarkdown
	kindPDF
)

func kindOfMediaType(mt string) kind {
	switch mt {
	case "text/html", "application/xhtml+xml", "application/xml+xhtml":
		return kindHTML
	case "text/plain":
		return kindText
	case "text/markdown", "text/x-markdown", "text/x-web-markdown":
		return kindMarkdown
	case "application/pdf", "application/x-pdf":
		return kindPDF
	}
	return kindUnknown
}

func kindOfExt(ext string) kind {
	switch ext {
	case ".txt", ".text":
		return kindText
	case ".md", ".markdown":
		return kindMarkdown
	case ".html", ".htm", ".xhtml":
		return kindHTML
	case ".pdf":
		return kindPDF
	}
	return kindUnknown
}

// detect tells what data is: by the extension of name, else by the media
// type of contentType, else by sniffing the bytes (when contentType is
// absent or says only "bytes").
func detect(name, contentType string, data []byte) (kind, string) {
	ext := strings.ToLower(path.Ext(name))
	if k := kindOfExt(ext); k != kindUnknown {
		return k, mediaType(contentType)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && mt != "application/octet-stream" && mt != "binary/octet-stream" {
		return kindOfMediaType(mt), mt
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return kindPDF, "application/pdf"
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return kindOfMediaType(sniffed), sniffed
}

// fromContent is the one path from bytes to a document, for uploads, files
// and fetched pages: detection, the binary check, extraction and metadata.
// pageURL is where the bytes were fetched from ("" for files), name the
// file name ("" for fetched pages).
func fromContent(data []byte, contentType, pageURL, name string) (ingest.Document, error) {
	what := "file"
	if name == "" && pageURL != "" {
		what = "page"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the " + what + " is empty"}
	}
	k, mt := detect(name, contentType, data)
	switch k {
	case kindHTML, kindText, kindMarkdown:
		if ingest.LooksBinary(data) && !hasUTF16BOM(data) {
			return ingest.Document{}, &safehttp.RefusedError{Reason: "the " + what + " is not text; it may be corrupt or of another type", Err: ingest.ErrBinary}
		}
	}
	switch k {
	case kindHTML:
		doc, err := extractHTML(data, charsetOnly(contentType), pageURL)
		if err != nil {
			return ingest.Document{}, err
		}
		if doc.Title == "" {
			doc.Title = titleFromName(name)
		}
		return doc, nil
	case kindText, kindMarkdown:
		return textDocument(data, charsetOnly(contentType), pageURL, name, k == kindMarkdown)
	case kindPDF:
		defer acquireExtraction(len(data))()
		return pdfDocument(data, pageURL, name)
	}
	if ext := strings.ToLower(path.Ext(name)); ext != "" {
		return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("%s files cannot be read; Gazette reads .txt, .md, .html and .pdf", ext)}
	}
	if mt == "" {
		mt = "unknown"
	}
	return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("content of type %s cannot be read; Gazette reads HTML, plain text, Markdown and PDF", mt)}
}

// hasUTF16BOM reports whether data starts with a UTF-16 byte order mark:
// such text is full of NUL bytes and still text.
func hasUTF16BOM(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe})
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// charsetOnly keeps only the charset parameter of a content type, as a
// text/plain type: what decoding reads of it.
func charsetOnly(contentType string) string {
	if i := strings.Index(strings.ToLower(contentType), "charset="); i >= 0 {
		return "text/plain; " + contentType[i:]
	}
	return ""
}

// textDocument reads plain text or Markdown with [ingest.ParseText], after
// decoding it to UTF-8; the title falls back to the file name.
func textDocument(data []byte, contentType, pageURL, name string, markdown bool) (ingest.Document, error) {
	if !utf8.Valid(data) || hasCharset(contentType) || hasUTF16BOM(data) {
		dec, _, err := decodeText(data, contentType)
		if err != nil {
			return ingest.Document{}, err
		}
		data = dec
	}
	doc := ingest.ParseText(string(data), markdown)
	doc.Body = cleanText(doc.Body)
	if doc.Body == "" {
		if doc.Title == "" {
			return ingest.Document{}, ErrNoText
		}
		// A heading alone: the heading is the text.
		doc.Body, doc.Title = doc.Title, ""
	}
	if doc.Title == "" {
		doc.Title = titleFromName(name)
	}
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
