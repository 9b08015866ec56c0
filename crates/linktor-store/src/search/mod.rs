//! Full-text search over messages and visitors: the index each engine keeps,
//! and the conversations a query finds, with where it matched.
//!
//! How the index gets into the database. Migrations (`migrations/`) are
//! portable SQL, run unchanged on both engines, and full-text DDL has
//! nothing in common between them. So the search schema is not a numbered
//! migration: the store applies it itself at start-up (`ensure_schema`),
//! after the migrations, one definition per dialect, each stamped with a
//! version in `server_settings` (`search_index`). When the stamp is already
//! the current one nothing runs; otherwise, in one transaction, the old
//! definition is dropped, the current one created, every existing row
//! indexed (the backfill of an upgrade) and the stamp written. A change to
//! the index is a new version here, never an edit of an old migration.
//!
//! SQLite (FTS5, `unicode61 remove_diacritics 2`: case and accents folded):
//! - `messages_fts` is an external-content table over `messages.search_text`,
//!   keyed by the messages' rowid; triggers add a message's words when it is
//!   inserted and remove them when it is deleted (retention), so every code
//!   path that writes messages keeps the index, the message writer's batches
//!   included (in their own transaction). The store never runs `VACUUM`, which
//!   may renumber rowids; after running one by hand, rebuild the index with
//!   `INSERT INTO messages_fts(messages_fts) VALUES('rebuild')`.
//! - `visitors_fts` (a visitor's name and email) and `conversations_fts` (the
//!   pre-chat and offline form answers) hold their own small text, keyed by
//!   rowid, kept by triggers on insert, on an update of the JSON column, and
//!   on delete.
//!
//! PostgreSQL: GIN indexes on expressions (nothing is stored twice, and
//! deleting a row deletes its entries): `to_tsvector('simple', …)` of the
//! same texts, through `linktor_search_fold`, which lowercases, folds the
//! accented Latin letters of `terms::FOLD_FROM` (the `unaccent` extension
//! cannot be relied on: it may be missing, and it is not immutable, so no
//! index can use it) and turns punctuation into spaces (PostgreSQL's parser
//! would otherwise keep `john@example.com` as one word, where FTS5 sees
//! three). The 'simple' configuration stems nothing, so every language
//! indexes alike. Lowercasing beyond ASCII follows the database's
//! `LC_CTYPE`: on a database created with the `C` locale, Cyrillic or Greek
//! capitals do not match their small letters.
//!
//! A query is words only (`terms::SearchQuery`): each term a phrase whose
//! last word is a prefix, all terms required, within one message or within
//! the visitor's details or form answers.

pub mod terms;

use std::collections::HashMap;

use linktor_core::{
    agent::{MatchSource, SearchMatch},
    AccountId, Content, ConversationId, MessageId,
};

use crate::{
    db::{query, Db},
    json_col, placeholders, Dialect, Result, Store,
};
pub use terms::SearchQuery;

/// The current index definition of each dialect; bump it when the DDL changes.
const SQLITE_VERSION: &str = "sqlite-fts5-1";
const POSTGRES_VERSION: &str = "postgres-gin-2";

/// Characters of a snippet, about.
const SNIPPET_CHARS: usize = 120;

const SQLITE_DROP: &[&str] = &[
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS visitors_fts_insert",
    "DROP TRIGGER IF EXISTS visitors_fts_update",
    "DROP TRIGGER IF EXISTS visitors_fts_delete",
    "DROP TRIGGER IF EXISTS conversations_fts_insert",
    "DROP TRIGGER IF EXISTS conversations_fts_update",
    "DROP TRIGGER IF EXISTS conversations_fts_delete",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP TABLE IF EXISTS visitors_fts",
    "DROP TABLE IF EXISTS conversations_fts",
];

/// A visitor's searchable text (name and email) from `user_json` (SQLite).
macro_rules! sqlite_visitor_doc {
    ($row:literal) => {
        concat!(
            "CASE WHEN json_valid(",
            $row,
            ".user_json) THEN coalesce(json_extract(",
            $row,
            ".user_json, '$.name'), '') || ' ' || coalesce(json_extract(",
            $row,
            ".user_json, '$.email'), '') ELSE '' END"
        )
    };
}

/// A conversation's form answers, the values of `pre_chat` (SQLite).
macro_rules! sqlite_form_doc {
    ($row:literal) => {
        concat!("CASE WHEN json_valid(", $row, ".pre_chat) THEN coalesce((SELECT group_concat(value, ' ') FROM json_each(", $row, ".pre_chat)), '') ELSE '' END")
    };
}

const SQLITE_CREATE: &[&str] = &[
    "CREATE VIRTUAL TABLE messages_fts USING fts5(search_text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
     END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
     END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO messages_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
     END",
    "CREATE VIRTUAL TABLE visitors_fts USING fts5(doc, tokenize='unicode61 remove_diacritics 2')",
    concat!("CREATE TRIGGER visitors_fts_insert AFTER INSERT ON visitors BEGIN
        INSERT INTO visitors_fts(rowid, doc) VALUES (new.rowid, ", sqlite_visitor_doc!("new"), ");
     END"),
    concat!("CREATE TRIGGER visitors_fts_update AFTER UPDATE OF user_json ON visitors BEGIN
        DELETE FROM visitors_fts WHERE rowid = old.rowid;
        INSERT INTO visitors_fts(rowid, doc) VALUES (new.rowid, ", sqlite_visitor_doc!("new"), ");
     END"),
    "CREATE TRIGGER visitors_fts_delete AFTER DELETE ON visitors BEGIN
        DELETE FROM visitors_fts WHERE rowid = old.rowid;
     END",
    "CREATE VIRTUAL TABLE conversations_fts USING fts5(doc, tokenize='unicode61 remove_diacritics 2')",
    concat!("CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversations_fts(rowid, doc) VALUES (new.rowid, ", sqlite_form_doc!("new"), ");
     END"),
    concat!("CREATE TRIGGER conversations_fts_update AFTER UPDATE OF pre_chat ON conversations BEGIN
        DELETE FROM conversations_fts WHERE rowid = old.rowid;
        INSERT INTO conversations_fts(rowid, doc) VALUES (new.rowid, ", sqlite_form_doc!("new"), ");
     END"),
    "CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
        DELETE FROM conversations_fts WHERE rowid = old.rowid;
     END",
];

/// The backfill: every row already there (an upgrade), indexed.
pub(crate) const SQLITE_BACKFILL: &[&str] = &[
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
    concat!("INSERT INTO visitors_fts(rowid, doc) SELECT v.rowid, ", sqlite_visitor_doc!("v"), " FROM visitors v"),
    concat!("INSERT INTO conversations_fts(rowid, doc) SELECT c.rowid, ", sqlite_form_doc!("c"), " FROM conversations c"),
];

/// A message's, a visitor's and a conversation's document on PostgreSQL:
/// the index expressions, which the queries repeat word for word (`$t` is
/// the columns' qualifier: `m.`, or nothing in the index).
macro_rules! pg_message_doc {
    ($t:literal) => {
        concat!("to_tsvector('simple'::regconfig, linktor_search_fold(", $t, "search_text))")
    };
}
macro_rules! pg_visitor_doc {
    ($t:literal) => {
        concat!(
            "to_tsvector('simple'::regconfig, linktor_search_fold(coalesce((",
            $t,
            "user_json::jsonb) ->> 'name', '') || ' ' || coalesce((",
            $t,
            "user_json::jsonb) ->> 'email', '')))"
        )
    };
}
macro_rules! pg_form_doc {
    ($t:literal) => {
        concat!("to_tsvector('simple'::regconfig, linktor_search_fold(linktor_search_values(", $t, "pre_chat)))")
    };
}

/// The tsquery of a query's terms (one a line in `$n`): each a phrase of
/// its words, the last a prefix, all ANDed. The phrase is PostgreSQL's own
/// rendering of a `phraseto_tsquery` (which takes any text), so the syntax
/// is made by the database, not from the input; a term with no word left is
/// skipped, and none at all is NULL, which matches nothing.
fn pg_tsquery(n: usize) -> String {
    format!(
        "(SELECT to_tsquery('simple'::regconfig, string_agg('(' || p || ':*)', ' & ')) FROM
            (SELECT phraseto_tsquery('simple'::regconfig, linktor_search_fold(t))::text AS p FROM regexp_split_to_table(${n}, chr(10)) AS t) AS terms
          WHERE p <> '')"
    )
}

fn pg_schema() -> Vec<String> {
    // The fold as one `translate`: accented letters to plain ones,
    // punctuation to spaces (a backslash too, as chr(92)), combining marks
    // (U+0300–U+036F: a decomposed accent) dropped, having no counterpart.
    // `translate` looks each character up in its list one by one, so ASCII
    // text (as many bytes as characters) takes the short list of ASCII
    // punctuation, with the same result: the long list cost 0.3 ms a
    // message, and a page's hits are checked message by message.
    const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~\u{a0}¡¿«»‘’‚“”„…–—·•、。，！？：；（）【】「」『』《》〈〉؟،؛\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{feff}";
    let marks: String = ('\u{300}'..='\u{36f}').collect();
    let from = format!("{}{PUNCTUATION}", terms::FOLD_FROM).replace('\'', "''");
    let to = format!("{}{}", terms::FOLD_TO, " ".repeat(PUNCTUATION.chars().count()));
    let ascii_punctuation: String = PUNCTUATION.chars().filter(char::is_ascii).collect();
    let ascii_spaces = " ".repeat(ascii_punctuation.len());
    let ascii_punctuation = ascii_punctuation.replace('\'', "''");
    vec![
        format!(
            "CREATE OR REPLACE FUNCTION linktor_search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
             AS $$ SELECT CASE WHEN octet_length(t) = char_length(t)
                THEN translate(lower(t), '{ascii_punctuation}' || chr(92), '{ascii_spaces} ')
                ELSE translate(lower(t), '{from}' || chr(92) || '{marks}', '{to} ') END $$"
        ),
        "CREATE OR REPLACE FUNCTION linktor_search_values(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
         AS $$ SELECT coalesce(string_agg(value, ' '), '') FROM jsonb_each_text(CASE WHEN jsonb_typeof(t::jsonb) = 'object' THEN t::jsonb ELSE '{}'::jsonb END) $$"
            .to_owned(),
        concat!("CREATE INDEX IF NOT EXISTS messages_search ON messages USING GIN (", pg_message_doc!(""), ")").to_owned(),
        concat!("CREATE INDEX IF NOT EXISTS visitors_search ON visitors USING GIN (", pg_visitor_doc!(""), ")").to_owned(),
        concat!("CREATE INDEX IF NOT EXISTS conversations_search ON conversations USING GIN (", pg_form_doc!(""), ")").to_owned(),
    ]
}

/// Indexes drop before the functions they use.
const PG_DROP: &[&str] = &[
    "DROP INDEX IF EXISTS messages_search",
    "DROP INDEX IF EXISTS visitors_search",
    "DROP INDEX IF EXISTS conversations_search",
    "DROP FUNCTION IF EXISTS linktor_search_fold(text)",
    "DROP FUNCTION IF EXISTS linktor_search_values(text)",
];

/// Brings the search index to the current definition (see the module's
/// comment); idempotent, and cheap when it is current.
pub(crate) async fn ensure_schema(db: &Db, dialect: Dialect) -> Result<()> {
    let version = match dialect {
        Dialect::Sqlite => SQLITE_VERSION,
        Dialect::Postgres => POSTGRES_VERSION,
    };
    let stamp = "SELECT value FROM server_settings WHERE key = 'search_index'";
    let current = |row: Option<crate::db::Row>| row.map(|r| r.try_get::<String, _>("value")).transpose();
    if current(query(stamp).fetch_optional(db).await?)?.as_deref() == Some(version) {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    if dialect == Dialect::Postgres {
        // Nodes starting together: one builds, the others then find the stamp.
        query("SELECT pg_advisory_xact_lock(7130452611)").execute(&mut tx).await?;
    }
    if current(query(stamp).fetch_optional(&mut tx).await?)?.as_deref() == Some(version) {
        return Ok(());
    }
    tracing::info!(version, "building the search index");
    let statements: Vec<String> = match dialect {
        Dialect::Sqlite => {
            SQLITE_DROP.iter().chain(SQLITE_CREATE).chain(SQLITE_BACKFILL).map(|s| s.to_string()).collect()
        }
        Dialect::Postgres => PG_DROP.iter().map(|s| s.to_string()).chain(pg_schema()).collect(),
    };
    for sql in &statements {
        query(sql).execute(&mut tx).await?;
    }
    query(
        "INSERT INTO server_settings (key, value) VALUES ('search_index', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(version)
    .execute(&mut tx)
    .await?;
    tx.commit().await
}

/// The conditions a search adds to the conversation list (`c` the
/// conversation, `$account` its account, `$terms` the bound query): a
/// conversation matches by a message, its visitor or its form answers.
///
/// On SQLite the full-text table comes first (`CROSS JOIN` fixes SQLite's
/// join order): left to itself the planner walked the account's messages by
/// index and ran the MATCH once per message, 7 s for a common word over
/// 20,000 messages instead of milliseconds. On PostgreSQL each set of hits
/// is an `ARRAY(…)`, computed once: as `IN (…)` the planner, misjudging the
/// conversations (statistics not yet gathered), ran the messages' search
/// once per conversation, 48 s over 100,000 messages.
pub(crate) fn condition(dialect: Dialect, account: usize, terms: usize) -> String {
    match dialect {
        Dialect::Sqlite => format!(
            "(c.id IN (SELECT m.conversation_id FROM messages_fts CROSS JOIN messages m ON m.rowid = messages_fts.rowid
                       WHERE messages_fts MATCH ${terms} AND m.account_id = ${account})
              OR c.visitor_id IN (SELECT v.id FROM visitors_fts CROSS JOIN visitors v ON v.rowid = visitors_fts.rowid
                       WHERE visitors_fts MATCH ${terms} AND v.account_id = ${account})
              OR c.rowid IN (SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH ${terms}))"
        ),
        Dialect::Postgres => {
            let q = pg_tsquery(terms);
            format!(
                concat!(
                    "(c.id = ANY (ARRAY(SELECT DISTINCT m.conversation_id FROM messages m WHERE m.account_id = ${account} AND ",
                    pg_message_doc!("m."),
                    " @@ {q}))
                  OR c.visitor_id = ANY (ARRAY(SELECT v.id FROM visitors v WHERE v.account_id = ${account} AND ",
                    pg_visitor_doc!("v."),
                    " @@ {q}))
                  OR c.id = ANY (ARRAY(SELECT f.id FROM conversations f WHERE f.account_id = ${account} AND ",
                    pg_form_doc!("f."),
                    " @@ {q})))"
                ),
                account = account,
                q = q
            )
        }
    }
}

/// The query as the dialect binds it.
pub(crate) fn bound(dialect: Dialect, q: &SearchQuery) -> String {
    match dialect {
        Dialect::Sqlite => q.fts5(),
        Dialect::Postgres => q.lines(),
    }
}

/// What a found conversation shows of its hit.
pub(crate) struct Found<'a> {
    pub id: &'a ConversationId,
    pub visitor_text: String,
    pub form_text: String,
}

impl Store {
    /// For each conversation a search found, where it matched: its latest
    /// matching message, else the visitor's details, else the form answers.
    pub(crate) async fn search_matches(&self, account: &AccountId, q: &SearchQuery, found: &[Found<'_>]) -> Result<HashMap<ConversationId, SearchMatch>> {
        let mut out = HashMap::new();
        if found.is_empty() {
            return Ok(out);
        }
        let list = placeholders(3, found.len());
        let sql = match self.dialect {
            Dialect::Sqlite => format!(
                "SELECT m.conversation_id, m.seq, m.id FROM messages_fts CROSS JOIN messages m ON m.rowid = messages_fts.rowid
                 WHERE messages_fts MATCH $2 AND m.account_id = $1 AND m.conversation_id IN ({list})"
            ),
            Dialect::Postgres => format!(
                concat!("SELECT m.conversation_id, m.seq, m.id FROM messages m WHERE m.account_id = $1 AND m.conversation_id IN ({list}) AND ", pg_message_doc!("m."), " @@ {q}"),
                list = list,
                q = pg_tsquery(2)
            ),
        };
        let mut select = query(&sql).bind(account.as_str()).bind(bound(self.dialect, q));
        for f in found {
            select = select.bind(f.id.as_str());
        }
        // The latest hit of each conversation.
        let mut latest: HashMap<String, (i64, String)> = HashMap::new();
        for row in select.fetch_all(&self.pool).await? {
            let (conversation, seq, id): (String, i64, String) = (row.try_get("conversation_id")?, row.try_get("seq")?, row.try_get("id")?);
            if latest.get(&conversation).is_none_or(|(s, _)| seq > *s) {
                latest.insert(conversation, (seq, id));
            }
        }
        if !latest.is_empty() {
            let ids: Vec<&str> = latest.values().map(|(_, id)| id.as_str()).collect();
            let sql = format!("SELECT id, conversation_id, seq, content FROM messages WHERE account_id = $1 AND id IN ({})", placeholders(2, ids.len()));
            let mut select = query(&sql).bind(account.as_str());
            for id in &ids {
                select = select.bind(*id);
            }
            for row in select.fetch_all(&self.pool).await? {
                let content: Content = json_col(&row, "content")?;
                out.insert(
                    ConversationId::from_trusted(row.try_get("conversation_id")?),
                    SearchMatch {
                        source: MatchSource::Message,
                        message_id: Some(MessageId::from_trusted(row.try_get("id")?)),
                        seq: Some(row.try_get("seq")?),
                        snippet: q.snippet(&content.search_text(), SNIPPET_CHARS),
                    },
                );
            }
        }
        for f in found {
            if out.contains_key(f.id) {
                continue;
            }
            // Not by a message: by the visitor, or the form answers.
            let (source, text) = if q.matches(&f.visitor_text) || !q.matches(&f.form_text) {
                (MatchSource::Visitor, &f.visitor_text)
            } else {
                (MatchSource::Form, &f.form_text)
            };
            out.insert(f.id.clone(), SearchMatch { source, message_id: None, seq: None, snippet: q.snippet(text, SNIPPET_CHARS) });
        }
        Ok(out)
    }
}

#[cfg(feature = "testing")]
impl Store {
    /// Takes the search index away, as a database from before it was
    /// (rows written meanwhile are not indexed), for testing the upgrade.
    pub async fn drop_search_index(&self) -> Result<()> {
        let drops = match self.dialect {
            Dialect::Sqlite => SQLITE_DROP,
            Dialect::Postgres => PG_DROP,
        };
        let mut tx = self.begin_write().await?;
        for sql in drops {
            query(sql).execute(&mut tx).await?;
        }
        query("DELETE FROM server_settings WHERE key = 'search_index'").execute(&mut tx).await?;
        tx.commit().await
    }

    /// What start-up does: the index built (and backfilled) unless current.
    pub async fn ensure_search_index(&self) -> Result<()> {
        ensure_schema(&self.pool, self.dialect).await
    }
}
