package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// Limits on the decoded size of a PDF's compressed streams. A compressed
// stream can expand to far more than the file (a decompression bomb), and
// the reader holds what it decodes in memory (a page's text, a font's
// character map, a token), so streams are counted, without being held,
// before the reader decodes them:
//
//   - every compressed stream in the file, once, before the reader opens
//     it (it inflates object and cross-reference streams to find objects):
//     maxPDFInflated in all; images and embedded font programs, which the
//     reader never decodes, are not counted;
//   - what reading each page decodes (its content streams and its fonts'
//     character maps, read again for every page that uses them):
//     maxPDFPageContent a page, maxPDFTotalContent in all.
const (
	maxPDFInflated     = 64 << 20 // decoded bytes of every compressed stream of the file
	maxPDFPageContent  = 16 << 20 // decoded bytes read for one page
	maxPDFTotalContent = 64 << 20 // decoded bytes read for every page
)

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
	if limit := maxPDFObjects(len(data)); declaredObjects(data, limit) > limit {
		return ingest.Document{}, &safehttp.RefusedError{Reason: "the PDF declares far more objects than a file of its size can hold; it may be damaged"}
	}
	if inflatedSize(data, maxPDFInflated) > maxPDFInflated {
		return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the PDF's compressed data expands to more than %d MB; Gazette does not read it", maxPDFInflated>>20)}
	}
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
	var content int64
	for i := 1; i <= n; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		n := contentBytes(p.V.Key("Contents"), maxPDFPageContent)
		n += fontMapBytes(p, maxPDFPageContent-n)
		if content += n; n > maxPDFPageContent || content > maxPDFTotalContent {
			return ingest.Document{}, &safehttp.RefusedError{Reason: fmt.Sprintf("the PDF's page %d expands to more content than Gazette reads (%d MB a page, %d MB in all)", i, maxPDFPageContent>>20, maxPDFTotalContent>>20)}
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

// fontMapBytes counts the decoded bytes of the character maps
// (ToUnicode streams) of a page's fonts, which the reader decodes for the
// page, reading at most limit+1.
func fontMapBytes(p pdf.Page, limit int64) int64 {
	var total int64
	for _, name := range p.Fonts() {
		if total > limit {
			break
		}
		if m := p.Font(name).V.Key("ToUnicode"); m.Kind() == pdf.Stream {
			total += contentBytes(m, limit-total)
		}
	}
	return total
}

// contentBytes counts the decoded bytes of a page's content streams (one
// stream or an array of them), reading at most limit+1 and holding none of
// them, so a stream that would expand enormously is found cheaply.
func contentBytes(v pdf.Value, limit int64) int64 {
	var total int64
	count := func(s pdf.Value) {
		if limit-total < 0 {
			return
		}
		rc := s.Reader()
		defer rc.Close()
		n, _ := io.Copy(io.Discard, io.LimitReader(rc, limit-total+1))
		total += n
	}
	switch v.Kind() {
	case pdf.Stream:
		count(v)
	case pdf.Array:
		for i := 0; i < v.Len() && total <= limit; i++ {
			count(v.Index(i))
		}
	}
	return total
}
