package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The library is copied between SQLite and PostgreSQL table by table: the
// two schemas hold the same columns, in each database's own types. Chunk
// sequence numbers, the keyword index (rebuilt by each side), re-embedding
// runs in progress and the change log are not copied.

// colKind is how a column is represented on each side.
type colKind byte

const (
	kText  colKind = iota // text both sides
	kInt                  // integer both sides
	kTime                 // SQLite ms integer, PostgreSQL timestamptz; NULL allowed
	kBool                 // SQLite 0/1, PostgreSQL boolean
	kJSON                 // SQLite text, PostgreSQL jsonb
	kBytes                // blob, bytea
)

type column struct {
	name string
	kind colKind
}

type table struct {
	name  string
	cols  []column
	order string
}

func cols(spec string) []column {
	var out []column
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		c := column{name: name}
		switch kind {
		case "i":
			c.kind = kInt
		case "t":
			c.kind = kTime
		case "b":
			c.kind = kBool
		case "j":
			c.kind = kJSON
		case "x":
			c.kind = kBytes
		}
		out = append(out, c)
	}
	return out
}

// tables lists what a migration copies, parents before children.
var tables = []table{
	{"meta", cols("key value"), "key"},
	{"articles", cols("namespace id url title outlet author published_at:t ingested_at:t content_hash language body"), "namespace, id"},
	{"chunks", cols("namespace id article_id position:i text embedding:x embedder"), "namespace, article_id, position"},
	{"feeds", cols("namespace url title added_at:t last_polled_at:t last_success_at:t next_poll_at:t etag last_modified failures:i last_error items:i"), "namespace, url"},
	{"feed_items", cols("namespace feed_url item_key article_id status seen_at:t"), "namespace, feed_url, item_key"},
	{"questions", cols("id:i namespace channel_id user_id question answer refused:b sources:j asked_at:t"), "id"},
	{"feedback", cols("question_id:i user_id vote:i voted_at:t"), "question_id, user_id"},
	{"digest_subscriptions", cols("channel_id guild_id hour:i minute:i timezone outlets:j topics:j created_by created_at:t"), "channel_id"},
	{"digest_runs", cols("channel_id day guild_id status scheduled_at:t claimed_at:t finished_at:t message_id since:t until:t article_ids:j attempts:i error holder lease_until:t"), "channel_id, day"},
}

func (t table) names(prefix string) string {
	parts := make([]string, len(t.cols))
	for i, c := range t.cols {
		parts[i] = prefix + c.name
	}
	return strings.Join(parts, ", ")
}

// Counts says how many rows of each table a migration copied.
type Counts map[string]int

func (c Counts) String() string {
	var parts []string
	for _, t := range tables {
		if t.name != "meta" {
			parts = append(parts, fmt.Sprintf("%d %s", c[t.name], strings.ReplaceAll(t.name, "_", " ")))
		}
	}
	return strings.Join(parts, ", ")
}

// ErrTargetNotEmpty means the migration's target already holds articles,
// feeds, subscriptions or recorded answers.
var ErrTargetNotEmpty = errors.New("the target store is not empty")

// emptiness counts what a store holds, to refuse a non-empty target.
const emptinessQuery = `SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM feeds)
	+ (SELECT count(*) FROM digest_subscriptions) + (SELECT count(*) FROM questions)`

// FromSQLite copies everything in the SQLite database src (the store of
// internal/store, opened) into dst, which must be empty, in one
// transaction. Processes following dst reload the copied namespaces.
func FromSQLite(ctx context.Context, src *sql.DB, dst *Store) (Counts, error) {
	tx, err := dst.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy to postgres: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var n int
	if err := tx.QueryRow(ctx, emptinessQuery).Scan(&n); err != nil {
		return nil, fmt.Errorf("copy to postgres: %w", err)
	}
	if n > 0 {
		return nil, fmt.Errorf("copy to postgres: %w (%d rows)", ErrTargetNotEmpty, n)
	}
	// One snapshot of the source for every table.
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("copy to postgres: read source: %w", err)
	}
	defer stx.Rollback()
	counts := Counts{}
	for _, t := range tables {
		rows, err := stx.QueryContext(ctx, `SELECT `+t.names("")+` FROM `+t.name+` ORDER BY `+t.order)
		if err != nil {
			return nil, fmt.Errorf("copy to postgres: read %s: %w", t.name, err)
		}
		c, err := copyRowsToPG(ctx, tx, t, rows)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("copy to postgres: %s: %w", t.name, err)
		}
		counts[t.name] = c
	}
	if _, err := tx.Exec(ctx, `SELECT setval('questions_id_seq', coalesce((SELECT max(id) FROM questions), 0) + 1, false)`); err != nil {
		return nil, fmt.Errorf("copy to postgres: question ids: %w", err)
	}
	nss, err := pgStrings(ctx, tx, `SELECT DISTINCT namespace FROM articles`)
	if err != nil {
		return nil, fmt.Errorf("copy to postgres: %w", err)
	}
	var seq int64
	for _, ns := range nss {
		if seq, err = logChange(ctx, tx, ns, ""); err != nil {
			return nil, fmt.Errorf("copy to postgres: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("copy to postgres: commit: %w", err)
	}
	if err := dst.reloadEmbedder(ctx); err != nil {
		return counts, err
	}
	if err := dst.syncTo(ctx, seq); err != nil {
		return counts, fmt.Errorf("copy to postgres: copied, but %w", err)
	}
	return counts, nil
}

// copyRowsToPG inserts the SQLite rows of t into PostgreSQL.
func copyRowsToPG(ctx context.Context, tx pgx.Tx, t table, rows *sql.Rows) (int, error) {
	ph := make([]string, len(t.cols))
	for i := range t.cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	var insert string
	switch t.name {
	case "meta":
		insert = `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	case "chunks":
		// The keyword document needs the article's title.
		insert = `INSERT INTO chunks (` + t.names("") + `, tsv) SELECT ` + strings.Join(ph, ", ") + `, ` +
			tsvExpr("a.title", "$5") + ` FROM articles a WHERE a.namespace = $1 AND a.id = $3`
	default:
		insert = `INSERT INTO ` + t.name + ` (` + t.names("") + `) VALUES (` + strings.Join(ph, ", ") + `)`
	}
	n := 0
	batch := &pgx.Batch{}
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		err := tx.SendBatch(ctx, batch).Close()
		batch = &pgx.Batch{}
		return err
	}
	for rows.Next() {
		vals, err := scanSQLite(rows, t.cols)
		if err != nil {
			return n, err
		}
		batch.Queue(insert, vals...)
		n++
		if batch.Len() == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// scanSQLite reads one SQLite row as PostgreSQL parameters.
func scanSQLite(rows *sql.Rows, cs []column) ([]any, error) {
	dest := make([]any, len(cs))
	for i, c := range cs {
		switch c.kind {
		case kInt, kBool:
			dest[i] = new(int64)
		case kTime:
			dest[i] = new(sql.NullInt64)
		case kBytes:
			dest[i] = new([]byte)
		default:
			dest[i] = new(string)
		}
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	vals := make([]any, len(cs))
	for i, c := range cs {
		switch c.kind {
		case kInt:
			vals[i] = *dest[i].(*int64)
		case kBool:
			vals[i] = *dest[i].(*int64) != 0
		case kTime:
			if v := *dest[i].(*sql.NullInt64); v.Valid {
				vals[i] = time.UnixMilli(v.Int64).UTC()
			} else {
				vals[i] = nil
			}
		case kBytes:
			vals[i] = *dest[i].(*[]byte)
		default:
			vals[i] = *dest[i].(*string)
		}
	}
	return vals, nil
}

// ToSQLite copies everything in src into the SQLite database dst (the store
// of internal/store, opened with src's embedder, then closed and reopened
// so that it rebuilds its vector index), which must be empty, in one
// transaction.
func ToSQLite(ctx context.Context, src *Store, dst *sql.DB) (Counts, error) {
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy to sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, emptinessQuery).Scan(&n); err != nil {
		return nil, fmt.Errorf("copy to sqlite: %w", err)
	}
	if n > 0 {
		return nil, fmt.Errorf("copy to sqlite: %w (%d rows)", ErrTargetNotEmpty, n)
	}
	// One snapshot of the source for every table.
	ptx, err := src.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("copy to sqlite: begin: %w", err)
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))
	counts := Counts{}
	for _, t := range tables {
		c, err := copyRowsToSQLite(ctx, ptx, tx, t)
		if err != nil {
			return nil, fmt.Errorf("copy to sqlite: %s: %w", t.name, err)
		}
		counts[t.name] = c
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("copy to sqlite: commit: %w", err)
	}
	return counts, nil
}

func copyRowsToSQLite(ctx context.Context, src pgx.Tx, dst *sql.Tx, t table) (int, error) {
	sel := make([]string, len(t.cols))
	for i, c := range t.cols {
		sel[i] = c.name
		if c.kind == kJSON {
			sel[i] = c.name + "::text"
		}
	}
	rows, err := src.Query(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+t.name+` ORDER BY `+t.order)
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	insert := `INSERT INTO ` + t.name + ` (` + t.names("") + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + `)`
	if t.name == "meta" {
		insert += ` ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	}
	stmt, err := dst.PrepareContext(ctx, insert)
	if err != nil {
		return 0, fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	n := 0
	for rows.Next() {
		dest := make([]any, len(t.cols))
		for i, c := range t.cols {
			switch c.kind {
			case kInt:
				dest[i] = new(int64)
			case kBool:
				dest[i] = new(bool)
			case kTime:
				dest[i] = new(*time.Time)
			case kBytes:
				dest[i] = new([]byte)
			default:
				dest[i] = new(string)
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return n, fmt.Errorf("read: %w", err)
		}
		vals := make([]any, len(t.cols))
		for i, c := range t.cols {
			switch c.kind {
			case kInt:
				vals[i] = *dest[i].(*int64)
			case kBool:
				if *dest[i].(*bool) {
					vals[i] = 1
				} else {
					vals[i] = 0
				}
			case kTime:
				if v := *dest[i].(**time.Time); v != nil {
					vals[i] = v.UnixMilli()
				} else {
					vals[i] = nil
				}
			case kBytes:
				vals[i] = *dest[i].(*[]byte)
			default:
				vals[i] = *dest[i].(*string)
			}
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return n, fmt.Errorf("write: %w", err)
		}
		n++
	}
	return n, rows.Err()
}

func pgStrings(ctx context.Context, tx pgx.Tx, q string) ([]string, error) {
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// reloadEmbedder re-reads the embedder the database records (a copy may
// have brought one).
func (s *Store) reloadEmbedder(ctx context.Context) error {
	id, dim, err := readEmbedder(ctx, s.pool)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.embedderID, s.dim = id, dim
	s.mu.Unlock()
	s.idx.mu.Lock()
	s.idx.embedder, s.idx.dim = id, dim
	s.idx.mu.Unlock()
	return nil
}
