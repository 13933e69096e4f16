package web

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// maxPDFPages is the most pages of a PDF read; a longer one is refused
// rather than cut silently.
const maxPDFPages = 2000

// pdfDocument reads a text PDF (a report, a press release, a filing): the
// text of every page, the title, author and date from the document's
// information dictionary. Encrypted PDFs that need a password and PDFs
// without a text layer (scans) are refused with a reason a user can read.
func pdfDocument(data []byte, pageURL, name string) (doc ingest.Document, err error) {
	defer func() {
		// The reader panics on some malformed files.
		if r := recover(); r != nil {
			doc, err = ingest.Document{}, &safehttp.RefusedError{Reason: "the PDF could not be read; it may be damaged", Err: fmt.Errorf("read pdf: %v", r)}
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(strings.ToLower(err.Error()), "encrypt") {
			return ingest.Document{}, &safehttp.RefusedError{Reason: "the PDF is encrypted; send a copy without a password", Err: err}
		}
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the PDF could not be read; it may be damaged or of a version Gazette does not read", Err: err}
	}
	n := r.NumPage()
	if n > maxPDFPages {
		return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the PDF has %d pages; Gazette reads PDFs of up to %d", n, maxPDFPages)}
	}
	var pages []string
	size := 0
	for i := 1; i <= n; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		text, err := p.GetPlainText(nil)
		if err != nil {
			return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("page %d of the PDF could not be read", i), Err: err}
		}
		if size += len(text); size > MaxUploadBytes {
			return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the PDF holds more than %d MB of text", MaxUploadBytes>>20)}
		}
		pages = append(pages, text)
	}
	body := cleanText(strings.Join(pages, "\n\n"))
	if len(strings.Fields(body)) < minWords {
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the PDF has no text layer; it may be a scanned document, and Gazette does not read text in images"}
	}
	info := r.Trailer().Key("Info")
	doc = ingest.Document{
		Title:  strings.TrimSpace(info.Key("Title").Text()),
		Author: strings.TrimSpace(info.Key("Author").Text()),
		Body:   body,
	}
	if t, ok := parsePDFDate(info.Key("CreationDate").Text()); ok {
		doc.PublishedAt = t
	}
	if doc.Title == "" || strings.EqualFold(doc.Title, "untitled") || looksLikeFileName(doc.Title) {
		doc.Title = titleFromName(name)
		if first, _, _ := strings.Cut(body, "\n"); doc.Title == "" && len(first) <= 200 {
			doc.Title = strings.TrimSpace(first)
		}
	}
	if pageURL != "" {
		doc.URL = preferCanonical(pageURL, "")
	}
	return finishDocument(doc), nil
}

// looksLikeFileName reports whether a PDF's title is the name of the file
// it was made from ("Microsoft Word - report.docx"), which says nothing.
func looksLikeFileName(s string) bool {
	l := strings.ToLower(s)
	for _, ext := range []string{".doc", ".docx", ".odt", ".pdf", ".indd", ".pptx", ".xlsx", ".tex", ".rtf"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// pdfDate matches a PDF date: D:YYYYMMDDHHmmSS with an optional zone
// (Z, or +HH'mm'), every part after the year optional.
var pdfDate = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?`)

// parsePDFDate reads a date as PDF metadata writes it.
func parsePDFDate(s string) (time.Time, bool) {
	m := pdfDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return n
	}
	loc := time.UTC
	if m[8] != "" {
		off := num(m[9], 0)*3600 + num(m[10], 0)*60
		if m[8] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t := time.Date(num(m[1], 0), time.Month(num(m[2], 1)), num(m[3], 1), num(m[4], 0), num(m[5], 0), num(m[6], 0), 0, loc)
	if t.Year() < 1990 || t.Year() > 2200 || t.Month() != time.Month(num(m[2], 1)) {
		return time.Time{}, false
	}
	return t.UTC(), true
}
