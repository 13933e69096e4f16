package web

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	// fontMap, when positive, gives the font a character map (ToUnicode
	// stream) that expands to this many bytes, and no other encoding.
	fontMap int
	// extra objects, numbered after the information dictionary.
	extra []string
}

// flateObject is a stream object whose data, compressed layers times
// with FlateDecode (ASCII85-encoded after, when a85), expands to n bytes of
// text; dict holds its other keys.
func flateObject(dict string, n, layers int, a85 bool) string {
	key := fmt.Sprint(n, layers, a85)
	flateCache.Lock()
	defer flateCache.Unlock()
	data, ok := flateCache.m[key]
	if !ok {
		data = flateData(n, layers, a85)
		flateCache.m[key] = data
	}
	filters := strings.Repeat(" /FlateDecode", layers)
	if a85 {
		filters = " /ASCII85Decode" + filters
	}
	return fmt.Sprintf("<< %s /Length %d /Filter [%s ] >>\nstream\n%s\nendstream", dict, len(data), filters, data)
}

// flateCache keeps the data flateObject made, which is slow to compress.
var flateCache = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

func flateData(n, layers int, a85 bool) string {
	line := []byte("% " + strings.Repeat("padding ", 12) + "\n")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	for w := 0; w < n; w += len(line) {
		zw.Write(line)
	}
	zw.Close()
	for range layers - 1 {
		var next bytes.Buffer
		zw := zlib.NewWriter(&next)
		zw.Write(z.Bytes())
		zw.Close()
		z = next
	}
	if a85 {
		var enc bytes.Buffer
		w := ascii85.NewEncoder(&enc)
		w.Write(z.Bytes())
		w.Close()
		enc.WriteString("~>")
		z = enc
	}
	return z.String()
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
	if s.fontMap > 0 {
		objs[4] = fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>", len(objs)+1)
		objs = append(objs, flateObject("", s.fontMap, 1, false))
	}
	objs = append(objs, s.extra...)
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
		trailer += fmt.Sprintf(" /Encrypt %d 0 R /ID [<", len(objs)) + strings.Repeat("ab", 16) + "> <" + strings.Repeat("ab", 16) + ">]"
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

// TestPDFStreamBombsRefused: every stream the reader decodes is bounded,
// not only page contents: a font's character map, an object stream (the
// reader inflates it to find the objects in it), layered filters. Images,
// which the reader never decodes, are not counted.
func TestPDFStreamBombsRefused(t *testing.T) {
	big := maxPDFInflated + 1<<20
	fontMap := pressRelease
	fontMap.fontMap = maxPDFPageContent + 1<<20
	objStm := func(layers int, a85 bool) pdfSpec {
		s := pressRelease
		s.extra = []string{flateObject("/Type /ObjStm /N 1 /First 4", big, layers, a85)}
		return s
	}
	// An indirect /Type hides what the stream is from a plain reading of
	// its dictionary: it is counted.
	hidden := pressRelease
	hidden.extra = []string{flateObject("/Type 9 0 R /N 1 /First 4 /Subtype /Image", big, 1, false), "/ObjStm"}
	for _, tc := range []struct {
		name   string
		spec   pdfSpec
		reason string
	}{
		{"font character map", fontMap, "page 1 expands to more content than Gazette reads"},
		{"object stream", objStm(1, false), "compressed data expands to more than 64 MB"},
		{"object stream compressed twice", objStm(2, false), "compressed data expands to more than 64 MB"},
		{"object stream in ASCII85", objStm(1, true), "compressed data expands to more than 64 MB"},
		{"object stream said to be an image", hidden, "compressed data expands to more than 64 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := makePDF(tc.spec)
			if len(data) > 1<<20 {
				t.Fatalf("the bomb is %d bytes; it should be far smaller than what it expands to", len(data))
			}
			_, err := DocumentFromBytes("bomb.pdf", "application/pdf", data)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Reason, tc.reason) {
				t.Fatalf("DocumentFromBytes() error = %v, want a refusal saying %q", err, tc.reason)
			}
		})
	}

	// A large compressed image is not decoded by the reader: the PDF is read.
	photo := pressRelease
	photo.extra = []string{flateObject("/Type /XObject /Subtype /Image /Width 4000 /Height 6000 /ColorSpace /DeviceRGB /BitsPerComponent 8", big, 1, false)}
	doc, err := DocumentFromBytes("photo.pdf", "application/pdf", makePDF(photo))
	if err != nil || !strings.Contains(doc.Body, "night ferry") {
		t.Fatalf("DocumentFromBytes(pdf with a large image) = %q, %v; want the text", doc.Body, err)
	}
}

// TestPDFObjectTableBombRefused: the reader sizes its object table by the
// numbers a file declares, so a file of a few hundred bytes could ask for
// gigabytes; such a file is refused before the reader opens it.
func TestPDFObjectTableBombRefused(t *testing.T) {
	tiny := func(xref, trailer string) []byte {
		var b bytes.Buffer
		b.WriteString("%PDF-1.5\n")
		off := b.Len()
		b.WriteString("1 0 obj\n<< /Type /Catalog >>\nendobj\n")
		at := b.Len()
		fmt.Fprintf(&b, xref+"trailer\n<< %s /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", off, trailer, at)
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"table subsection", tiny("xref\n0 1\n0000000000 65535 f \n900000000 1\n%010d 00000 n \n", "/Size 2")},
		{"trailer size", tiny("xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n", "/Size 900000000")},
		{"escaped size", tiny("xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n", "/Si#7ae 900000000")},
		{"stream index", tiny("xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n", "/Size 2 /Prev 9 /W [1 2 1] /Index [0 2 900000000 5]")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DocumentFromBytes("tiny.pdf", "application/pdf", tc.data)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Reason, "declares far more objects") {
				t.Fatalf("DocumentFromBytes() error = %v, want a refusal of the object count", err)
			}
		})
	}
	if n := declaredObjects(makePDF(pressRelease), 1<<30); n != 7 {
		t.Errorf("declaredObjects(press release) = %d, want 7", n)
	}
}
