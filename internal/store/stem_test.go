package store

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/rag"
)

// TestStemAgreesWithKeywordIndex checks that rag.Stem, which answering uses
// to match words, gives each word the stem the keyword index's tokenizer
// gives it (read from the migration that creates the index).
func TestStemAgreesWithKeywordIndex(t *testing.T) {
	mig, err := migrationFiles.ReadFile("migrations/0001_core.sql")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`tokenize\s*=\s*'([^']+)'`).FindSubmatch(mig)
	if m == nil {
		t.Fatal("no tokenize clause in migrations/0001_core.sql")
	}
	s := openTest(t, "")
	ctx := t.Context()
	// Temporary tables belong to one connection.
	db, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.stems USING fts5(x, tokenize = '`+string(m[1])+`')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.stemvocab USING fts5vocab(temp, stems, 'row')`); err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(`fined fines fine finely companies company streaming streams streamed
		generalization generalizations oscillators relational conditional rational valency hopeful
		goodness formality sensitivity happily agreed feed disabled matting mating meeting meetings
		hoping hopping caresses ponies ties caress cats running ran runs electricity electrical
		adjustable adjustment dependent adoption controlling rolling sky skies dying lying
		elections elected electing president presidential economy economic economies growth grew
		growing grows rates rated rating fed feeding united states european union apple apples
		café décor pokémon fernández jürgen árboles históricos élite méliès exposé jesús más
		a is as us ss sss yes news analyses analysis crisis bus gas`)
	for _, w := range words {
		if _, err := db.ExecContext(ctx, `DELETE FROM temp.stems`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO temp.stems (x) VALUES (?)`, w); err != nil {
			t.Fatal(err)
		}
		var want string
		if err := db.QueryRowContext(ctx, `SELECT term FROM temp.stemvocab`).Scan(&want); err != nil {
			t.Fatalf("stem of %q in the index: %v", w, err)
		}
		if got := rag.Stem(w); got != want {
			t.Errorf("rag.Stem(%q) = %q, the keyword index %q", w, got, want)
		}
	}
}
