package config

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/joho/godotenv"
)

// maxDotEnv bounds the .env file read.
const maxDotEnv = 1 << 20

// ReadDotEnv reads the variables of a .env file. A missing file is an error
// matching [io/fs.ErrNotExist]. A file that does not parse gives an error that
// names the line and, when it can, the variable, but never the file's
// values: a .env holds secrets, and the parser's own messages quote them.
func ReadDotEnv(path string) (map[string]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if st.Size() > maxDotEnv {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxDotEnv)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	vars, err := godotenv.UnmarshalBytes(src)
	if err != nil {
		return nil, fmt.Errorf("read %s: %s", path, describeDotEnvError(src, err))
	}
	return vars, nil
}

// maxLocateLines bounds the lines searched for the one that fails; the
// search parses each prefix, so it is quadratic.
const maxLocateLines = 2000

var dotEnvKey = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]`)

// describeDotEnvError says where and why src does not parse, without any
// value from it. The failing statement starts on the line after the
// longest prefix of whole lines that parses: a statement that fails never
// completes at any later line.
func describeDotEnvError(src []byte, err error) string {
	why := "it does not parse"
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "unterminated quoted value"):
		why = "a quoted value is not closed"
	case strings.HasPrefix(msg, "unexpected character"):
		why = "a variable name has a character other than letters, digits, '_' and '.', or a line has no '='"
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) > maxLocateLines {
		return why
	}
	bad := 0
	for k := len(lines) - 1; k >= 0; k-- {
		if _, err := godotenv.UnmarshalBytes(bytes.Join(lines[:k], nil)); err == nil {
			bad = k
			break
		}
	}
	// Skip blank and comment lines: the statement starts at the next line
	// with content.
	for bad < len(lines)-1 {
		l := strings.TrimSpace(string(lines[bad]))
		if l != "" && !strings.HasPrefix(l, "#") {
			break
		}
		bad++
	}
	where := fmt.Sprintf("line %d", bad+1)
	if m := dotEnvKey.FindSubmatch(lines[bad]); m != nil {
		where += fmt.Sprintf(" (%s)", m[1])
	}
	return where + ": " + why
}
