package web

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/safehttp"
)

// pdfSpec describes a one-page PDF for makePDF.
type pdfSpec struct {
	title, author, created string // information dictionary; "" leaves a key out
	lines                  []string
	encrypt                bool // a Standard security handler whose password is not empty
	// pad appends this many bytes of PDF comment to the page's content
	// stream, which is then compressed (FlateDecode): a stream that
	// expands far beyond the file.
	pad int
}

// makePDF writes a minimal PDF 1.4 file: one page of Helvetica text lines
// (none makes a page with only a drawing, as a scan without a text layer
// is to a reader), an information dictionary, and a correct cross-reference
// table.
func makePDF(s pdfSpec) []byte {
	var content bytes.Buffer
	if len(s.lines) == 0 {
		content.WriteString("q 200 0 0 100 72 600 cm 0.5 g 0 0 1 1 re f Q\n")
	} else {
		content.WriteString("BT /F1 11 Tf 14 TL 72 720 Td\n")
		for _, l := range s.lines {
			fmt.Fprintf(&content, "(%s) Tj T*\n", pdfEscape(l))
		}
		content.WriteString("ET\n")
	}
	streamDict := fmt.Sprintf("<< /Length %d >>", content.Len())
	if s.pad > 0 {
		line := "% " + strings.Repeat("padding ", 12) + "\n"
		for n := 0; n < s.pad; n += len(line) {
			content.WriteString(line)
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(content.Bytes())
		zw.Close()
		content = z
		streamDict = fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", content.Len())
	}
	info := ""
	for _, kv := range [][2]string{{"Title", s.title}, {"Author", s.author}, {"CreationDate", s.created}} {
		if kv[1] != "" {
			info += fmt.Sprintf("/%s (%s) ", kv[0], pdfEscape(kv[1]))
		}
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("%s\nstream\n%sendstream", streamDict, content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< " + info + ">>",
	}
	if s.encrypt {
		objs = append(objs, "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <"+strings.Repeat("11", 32)+"> /U <"+strings.Repeat("22", 32)+"> >>")
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	trailer := fmt.Sprintf("/Size %d /Root 1 0 R /Info 6 0 R", len(objs)+1)
	if s.encrypt {
		trailer += " /Encrypt 7 0 R /ID [<" + strings.Repeat("ab", 16) + "> <" + strings.Repeat("ab", 16) + ">]"
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)
	return b.Bytes()
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// pressRelease is the fixture committed as testdata/press-release.pdf (and
// used by the command's tests).
var pressRelease = pdfSpec{
	title:   "Harbour authority approves night ferry service",
	author:  "Westby Harbour Authority",
	created: "D:20240305103000+01'00'",
	lines: []string{
		"The Westby Harbour Authority approved a night ferry service on Tuesday.",
		"From 1 June, ferries will leave the north pier every 40 minutes between midnight and 5 a.m.",
		"The service will be paid for by a levy of 30 pence on daytime tickets.",
		"The authority said the night crossings would carry up to 120 passengers each.",
	},
}

func TestPDFFixtureIsCurrent(t *testing.T) {
	if os.Getenv("GAZETTE_UPDATE_PDF") != "" {
		for _, p := range []string{"testdata/press-release.pdf", "../../cmd/gazette/testdata/pdf/press-release.pdf"} {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, makePDF(pressRelease), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := readFixture(t, "press-release.pdf"); !bytes.Equal(got, makePDF(pressRelease)) {
		t.Error("testdata/press-release.pdf differs from makePDF(pressRelease); rerun with GAZETTE_UPDATE_PDF=1")
	}
}

func TestPDFDocument(t *testing.T) {
	doc, err := DocumentFromBytes("press-release.pdf", "application/pdf", readFixture(t, "press-release.pdf"))
	if err != nil {
		t.Fatalf("DocumentFromBytes(pdf) error = %v", err)
	}
	if doc.Title != pressRelease.title || doc.Author != pressRelease.author {
		t.Errorf("title, author = %q, %q", doc.Title, doc.Author)
	}
	if want := time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC); !doc.PublishedAt.Equal(want) {
		t.Errorf("published = %v, want %v", doc.PublishedAt, want)
	}
	for _, l := range pressRelease.lines {
		if !strings.Contains(doc.Body, l) {
			t.Errorf("body lacks %q:\n%s", l, doc.Body)
		}
	}
	// Sniffed without a name or type, as a fetched file served as bytes.
	if d, err := fromContent(makePDF(pressRelease), "application/octet-stream", "https://harbour.example/news/night-ferry.pdf", ""); err != nil || d.URL != "https://harbour.example/news/night-ferry.pdf" || d.Title != pressRelease.title {
		t.Errorf("fetched pdf = %+v, %v", d, err)
	}
	// No title in the metadata: the file name, else the first line.
	untitled := pressRelease
	untitled.title = "Microsoft Word - release.docx"
	if d, err := DocumentFromBytes("night-ferry.pdf", "", makePDF(untitled)); err != nil || d.Title != "night ferry" {
		t.Errorf("untitled pdf = %q, %v", d.Title, err)
	}
}

func TestPDFRefusals(t *testing.T) {
	scan := pressRelease
	scan.lines = nil
	locked := pressRelease
	locked.encrypt = true
	for _, tc := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"scanned", makePDF(scan), "no text layer"},
		{"encrypted", makePDF(locked), "encrypted"},
		{"damaged", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DocumentFromBytes("report.pdf", "application/pdf", tc.data)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) || !strings.Contains(Reason(err), tc.reason) {
				t.Errorf("DocumentFromBytes() error = %v (reason %q), want a refusal with %q", err, Reason(err), tc.reason)
			}
		})
	}
}

func TestParsePDFDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"D:20240305103000+01'00'": time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC),
		"D:20240305103000Z":       time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC),
		"D:20240305":              time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC),
		"20231130220000-05'00":    time.Date(2023, 12, 1, 3, 0, 0, 0, time.UTC),
		"yesterday":               {},
		"D:20241399":              {},
	} {
		got, _ := parsePDFDate(in)
		if !got.Equal(want) {
			t.Errorf("parsePDFDate(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPDFDecompressionBombRefused(t *testing.T) {
	bomb := pressRelease
	bomb.pad = maxPDFPageContent + 1<<20
	data := makePDF(bomb)
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; it should be far smaller than what it expands to", len(data))
	}
	_, err := DocumentFromBytes("bomb.pdf", "application/pdf", data)
	var re *safehttp.RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "expands to more content") {
		t.Fatalf("DocumentFromBytes(bomb) error = %v, want a refusal saying it expands too far", err)
	}

	// The same page with a compressed stream of ordinary size is read.
	small := pressRelease
	small.pad = 64 << 10
	doc, err := DocumentFromBytes("small.pdf", "application/pdf", makePDF(small))
	if err != nil {
		t.Fatalf("DocumentFromBytes(compressed) error = %v", err)
	}
	if !strings.Contains(doc.Body, "night ferry") {
		t.Errorf("compressed PDF body = %q, want the page's text", doc.Body)
	}
}
