package web

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"io"
	"strings"
)

// inflatedSize counts the bytes the compressed streams of a PDF decode to,
// reading the file's bytes itself rather than through the PDF reader,
// which inflates object and cross-reference streams as it opens the file
// and looks objects up. It stops counting once the total passes limit, and
// holds no decoded data.
//
// Every "stream" keyword after a dictionary starts a stream. Its filters
// are told from its data, not from the dictionary (a filter may be an
// indirect object): a zlib header is FlateDecode, ASCII85 text decoding to
// one is ASCII85Decode then FlateDecode, layered up to maxFilterLayers
// deep; the reader decodes no other filter. Data the reader does not
// inflate (uncompressed streams) is bounded by the file and not counted,
// nor are images and embedded font programs, which the reader never
// decodes, when their dictionary says so plainly (see neverDecoded). An
// encrypted file's streams cannot be told apart from noise here: the
// per-page limits still bound what reading its pages decodes.
func inflatedSize(data []byte, limit int64) int64 {
	var total int64
	for pos := 0; total <= limit; {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		i += pos
		pos = i + len("stream")
		if i >= 3 && string(data[i-3:i]) == "end" {
			continue
		}
		end := i // the end of the stream's dictionary, ">>"
		for end > 0 && isPDFSpace(data[end-1]) {
			end--
		}
		if end < 2 || data[end-1] != '>' || data[end-2] != '>' {
			continue
		}
		if neverDecoded(streamDict(data[:end])) {
			continue
		}
		start := pos
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		total += decodedSize(data[start:], limit-total+1)
	}
	return total
}

// maxFilterLayers is how many filters deep decodedSize looks.
const maxFilterLayers = 4

// decodedSize counts what the stream at the start of data decodes to
// (FlateDecode, ASCII85Decode before it, layered), reading at most limit
// bytes of the outermost decoded layer; 0 when it is not compressed.
func decodedSize(data []byte, limit int64) int64 {
	var r io.Reader = bytes.NewReader(data)
	compressed := false
	for range maxFilterLayers {
		br := bufio.NewReader(r)
		head, _ := br.Peek(32)
		switch {
		case isZlibHeader(head):
			zr, err := zlib.NewReader(br)
			if err != nil {
				return 0
			}
			r, compressed = zr, true
			continue
		case isASCII85Zlib(head):
			r = ascii85.NewDecoder(br)
			continue
		}
		r = br
		break
	}
	if !compressed {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, limit))
	return n
}

// isZlibHeader reports whether b starts with a zlib stream header (deflate,
// and a valid check).
func isZlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// isASCII85Zlib reports whether b starts with ASCII85 text (whitespace
// allowed) that decodes to a zlib header.
func isASCII85Zlib(b []byte) bool {
	var text []byte
	for _, c := range b {
		if isPDFSpace(c) {
			continue
		}
		if c != 'z' && (c < '!' || c > 'u') {
			break
		}
		text = append(text, c)
	}
	if len(text) < 5 {
		return false
	}
	dst := make([]byte, 4*len(text))
	n, _, err := ascii85.Decode(dst, text[:len(text)/5*5], false)
	return err == nil && isZlibHeader(dst[:n])
}

// streamDict returns the dictionary that ends data (which ends with
// ">>"), or nil when it cannot be told with certainty.
func streamDict(data []byte) []byte {
	depth := 0
	for i := len(data) - 1; i > 0; i-- {
		switch {
		case data[i] == '>' && data[i-1] == '>':
			depth++
			i--
		case data[i] == '<' && data[i-1] == '<':
			depth--
			i--
			if depth == 0 {
				return data[i:]
			}
		}
	}
	return nil
}

// neverDecoded reports whether a stream's dictionary plainly says it is an
// image or an embedded font program, which the PDF reader never decodes.
// "Plainly" means with no literal string and no escaped name in it, which
// could hide what the dictionary really holds from a scan that does not
// parse it, and no /Type other than /XObject (an object or cross-reference
// stream is typed, and is always counted).
func neverDecoded(dict []byte) bool {
	if dict == nil || bytes.ContainsAny(dict, "()#") {
		return false
	}
	fields := strings.Fields(strings.NewReplacer("/", " /", "<<", " << ", ">>", " >> ", "[", " [ ", "]", " ] ").Replace(string(dict)))
	kind := false
	for i, f := range fields {
		next := ""
		if i+1 < len(fields) {
			next = fields[i+1]
		}
		switch f {
		case "/Type":
			if next != "/XObject" {
				return false
			}
		case "/Subtype":
			switch next {
			case "/Image", "/Type1C", "/CIDFontType0C", "/OpenType":
				kind = true
			}
		case "/Length1", "/Length2", "/Length3": // FontFile and FontFile2 programs
			kind = true
		}
	}
	return kind
}

// isPDFSpace reports whether c is PDF white space.
func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

// maxPDFObjects is the most objects a PDF of n bytes may declare. The
// reader sizes its object table by the numbers the file declares, so a
// file of a few bytes could otherwise ask for gigabytes; an object takes
// more than 4 bytes of a file even in a compressed object stream.
func maxPDFObjects(n int) int64 { return int64(n)/4 + 1<<16 }

// declaredObjects returns the largest object number (plus one) the file's
// cross-reference data declares: every /Size, every /Index range of a
// cross-reference stream and every subsection of a cross-reference table.
// It stops early once past limit.
func declaredObjects(data []byte, limit int64) int64 {
	var most int64
	see := func(n int64) { most = max(most, n) }
	for i := 0; i < len(data) && most <= limit; i++ {
		switch {
		case data[i] == '/':
			name, end := pdfName(data, i+1)
			switch name {
			case "Size":
				if n, _, ok := pdfInt(data, end); ok {
					see(n)
				}
			case "Index":
				j := skipPDFSpace(data, end)
				if j >= len(data) || data[j] != '[' {
					break
				}
				for j++; most <= limit; {
					start, count, next, ok := pdfPair(data, j)
					if !ok {
						break
					}
					see(start + count)
					j = next
				}
			}
		case data[i] == 'x' && bytes.HasPrefix(data[i:], []byte("xref")) && (i < 5 || string(data[i-5:i]) != "start"):
			for j := i + len("xref"); most <= limit; {
				start, count, next, ok := pdfPair(data, j)
				if !ok {
					break
				}
				see(start + count)
				j = next
				// skip the subsection's entries: offset, generation, n or f
				for k := int64(0); k < 3*count && j < len(data); k++ {
					j = skipPDFSpace(data, j)
					for j < len(data) && !isPDFSpace(data[j]) {
						j++
					}
				}
			}
		}
	}
	return most
}

// pdfName reads the name starting at data[i] (after its slash), decoding
// #xx escapes as the reader does, and returns it with the index after it.
func pdfName(data []byte, i int) (string, int) {
	var b []byte
	for ; i < len(data) && len(b) < 16; i++ {
		c := data[i]
		if isPDFSpace(c) || strings.IndexByte("()<>[]{}/%", c) >= 0 {
			break
		}
		if c == '#' && i+2 < len(data) {
			if x, ok := unhex2(data[i+1], data[i+2]); ok {
				b = append(b, x)
				i += 2
				continue
			}
		}
		b = append(b, c)
	}
	return string(b), i
}

func unhex2(a, b byte) (byte, bool) {
	h := func(c byte) (byte, bool) {
		switch {
		case '0' <= c && c <= '9':
			return c - '0', true
		case 'a' <= c && c <= 'f':
			return c - 'a' + 10, true
		case 'A' <= c && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	x, ok1 := h(a)
	y, ok2 := h(b)
	return x<<4 | y, ok1 && ok2
}

// pdfPair reads two integers from data at i, a cross-reference
// subsection's first object and count, and returns where they end.
func pdfPair(data []byte, i int) (first, count int64, next int, ok bool) {
	first, next, ok = pdfInt(data, i)
	if !ok {
		return 0, 0, i, false
	}
	count, next, ok = pdfInt(data, next)
	return first, count, next, ok
}

// pdfInt reads an integer after white space at data[i:], returning it, the
// index after it and whether there was one. Values are capped at 1<<40.
func pdfInt(data []byte, i int) (int64, int, bool) {
	i = skipPDFSpace(data, i)
	neg := false
	if i < len(data) && (data[i] == '+' || data[i] == '-') {
		neg = data[i] == '-'
		i++
	}
	start := i
	var n int64
	for ; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		n = min(n*10+int64(data[i]-'0'), 1<<40)
	}
	if i == start || (i < len(data) && data[i] == '.') {
		return 0, i, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}

func skipPDFSpace(data []byte, i int) int {
	for i < len(data) && isPDFSpace(data[i]) {
		i++
	}
	return i
}
