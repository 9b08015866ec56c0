//! Under test, every statement's SQLite query plan is looked at once: a
//! full scan of a table that grows with traffic fails the test, so a query
//! that silently stops using its index (as one did) is caught.

use std::{collections::HashSet, sync::Mutex};

/// Tables that grow with every visitor or message.
const GROWING: [&str; 11] = [
    "messages",
    "conversations",
    "visitors",
    "webhook_deliveries",
    "agent_sessions",
    "conversation_activity",
    "conversation_labels",
    "satisfaction_ratings",
    "visitor_pages",
    "email_conversations",
    "email_log",
];
/// Statements that scan on purpose: rare maintenance, not the hot path
/// (a visitor's retention is a per-row expression no index can serve; the
/// search index's backfill reads every row once).
const MAY_SCAN: [&str; 5] = [
    "DELETE FROM visitors WHERE retention_days IS NOT NULL",
    "DELETE FROM visitor_pages WHERE visitor_id IN (SELECT id FROM visitors WHERE retention_days IS NOT NULL",
    "DELETE FROM email_optouts WHERE visitor_id IN (SELECT id FROM visitors WHERE retention_days IS NOT NULL",
    // The search index's backfill, once per upgrade (`search::SQLITE_BACKFILL`).
    "INSERT OR FAIL INTO visitors_fts(rowid, doc) SELECT",
    "INSERT OR FAIL INTO conversations_fts(rowid, doc) SELECT",
];

static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

pub(super) fn check(conn: &rusqlite::Connection, sql: &str) {
    if !SEEN.lock().unwrap().get_or_insert_with(HashSet::new).insert(sql.to_owned()) {
        return;
    }
    if MAY_SCAN.iter().any(|m| sql.starts_with(m)) || sql.trim_start().to_ascii_uppercase().starts_with("PRAGMA") {
        return;
    }
    let Ok(mut stmt) = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")) else { return };
    // Parameters stay unbound (NULL): the plan does not depend on them.
    let mut rows = stmt.raw_query();
    let mut details = Vec::new();
    while let Some(r) = rows.next().expect("query plan") {
        details.push(r.get::<_, String>(3).expect("plan detail"));
    }
    for d in &details {
        let scanned = d.strip_prefix("SCAN ").map(|t| t.split_whitespace().next().unwrap_or_default());
        if let Some(table) = scanned.filter(|t| GROWING.contains(t)) {
            panic!("full scan of `{table}`:\n{sql}\nplan: {details:?}");
        }
    }
}
