//! Webhook endpoints and the delivery outbox. Events are queued as delivery
//! rows in the transaction of the change they announce; workers on any node
//! claim due rows with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so a
//! node that dies mid-delivery only delays it until the lease runs out.

use linktor_core::{
    api::{DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookEndpoint},
    random_token, webhook::{filter_accepts, WebhookEvent}, AccountId, DeliveryId, WebhookId,
};
use crate::db::{query, Conn, Row};
use std::collections::HashMap;

use crate::{found, json_col, now_ms, sized_sql, to_json, to_time, Result, Store, StoreError};

/// Rows per multi-row statement (see INSERT_CHUNK in conversations.rs: SQLite
/// finds each `$N` by a linear scan, so statements stay small).
const DELIVERY_CHUNK: usize = 48;
const ATTEMPT_CHUNK: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct EndpointRecord {
    pub account_id: AccountId,
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

/// A delivery a worker holds until its lease ends.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedDelivery {
    pub id: DeliveryId,
    pub event: String,
    pub payload: String,
    pub attempts: u32,
    pub url: String,
    pub secret: String,
    /// When the lease ends (ms since the epoch): after it, any worker may
    /// claim the delivery again.
    pub lease_until: i64,
}

/// Deliveries are born claimed by the node that queues them: written with
/// its lease and handed to its outbox in memory once their transaction
/// commits, so the common case costs no claim (a read and a write of every
/// row). If the node dies, or its outbox is too far behind to take them,
/// the lease runs out and any node's worker claims them as usual.
pub(crate) struct Handoff {
    lease_ms: i64,
    to: tokio::sync::mpsc::Sender<Vec<ClaimedDelivery>>,
}

impl Handoff {
    fn hand_off(&self, born: Vec<ClaimedDelivery>) {
        // Full or closed: the deliveries stay claimed until the lease ends.
        let _ = self.to.try_send(born);
    }
}

/// Batches of born deliveries the outbox may hold before handing-off stops.
const HANDOFF_QUEUE: usize = 1024;

/// Endpoints of an account, read once per transaction however many events it queues.
#[derive(Default)]
pub(crate) struct EndpointCache(HashMap<AccountId, Vec<EndpointRecord>>);

fn endpoint_from_row(row: &Row) -> Result<EndpointRecord> {
    Ok(EndpointRecord {
        account_id: AccountId::from_trusted(row.try_get("account_id")?),
        secret: row.try_get("secret")?,
        endpoint: WebhookEndpoint {
            id: WebhookId::from_trusted(row.try_get("id")?),
            url: row.try_get("url")?,
            events: json_col(row, "events")?,
            enabled: row.try_get::<i64, _>("enabled")? != 0,
            created_at: to_time(row.try_get("created_at")?),
        },
    })
}

fn delivery_from_row(row: &Row) -> Result<WebhookDelivery> {
    let status: String = row.try_get("status")?;
    let status = match status.as_str() {
        "delivered" => DeliveryStatus::Delivered,
        "failed" => DeliveryStatus::Failed,
        _ => DeliveryStatus::Pending,
    };
    Ok(WebhookDelivery {
        id: DeliveryId::from_trusted(row.try_get("id")?),
        endpoint_id: WebhookId::from_trusted(row.try_get("endpoint_id")?),
        event: row.try_get("event")?,
        attempts: row.try_get::<i64, _>("attempts")? as u32,
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| row.try_get("next_attempt_at").map(to_time)).transpose()?,
        status,
        created_at: to_time(row.try_get("created_at")?),
        attempt_log: json_col(row, "attempt_log")?,
    })
}

/// How an attempt ended, as the outbox worker decided.
pub enum AttemptOutcome {
    Delivered,
    RetryAt(i64),
    GaveUp,
}

impl Store {
    pub async fn create_webhook_endpoint(&self, account: &AccountId, url: &str, events: &[String]) -> Result<EndpointRecord> {
        let id = WebhookId::generate();
        let secret = format!("whsec_{}", random_token(32));
        query(
            "INSERT INTO webhook_endpoints (id, account_id, url, events, secret, enabled, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(url)
        .bind(to_json(&events))
        .bind(&secret)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.webhook_endpoint(account, &id).await
    }

    pub async fn webhook_endpoint(&self, account: &AccountId, id: &WebhookId) -> Result<EndpointRecord> {
        let row = query("SELECT * FROM webhook_endpoints WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        endpoint_from_row(&row)
    }

    pub async fn list_webhook_endpoints(&self, account: &AccountId) -> Result<Vec<EndpointRecord>> {
        let rows = query("SELECT * FROM webhook_endpoints WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at, id")
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(endpoint_from_row).collect()
    }

    pub async fn delete_webhook_endpoint(&self, account: &AccountId, id: &WebhookId) -> Result<()> {
        let done = query("UPDATE webhook_endpoints SET deleted_at = $1, enabled = 0 WHERE id = $2 AND account_id = $3 AND deleted_at IS NULL")
            .bind(now_ms())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(())
    }

    /// Queues `events` for every enabled endpoint of `account` whose filter takes them.
    pub(crate) async fn enqueue_events(
        &self,
        tx: &mut Conn,
        cache: &mut EndpointCache,
        account: &AccountId,
        events: Vec<WebhookEvent>,
    ) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        if !cache.0.contains_key(account) {
            let rows = query("SELECT * FROM webhook_endpoints WHERE account_id = $1 AND enabled = 1 AND deleted_at IS NULL")
                .bind(account.as_str())
                .fetch_all(&mut *tx)
                .await?;
            let endpoints = rows.iter().map(endpoint_from_row).collect::<Result<Vec<_>>>()?;
            cache.0.insert(account.clone(), endpoints);
        }
        let now = now_ms();
        // With a handoff, born claimed: leased to this node until then.
        let handoff = self.handoff.as_ref().map(|h| (h, now + h.lease_ms));
        // (id, endpoint, event name, payload) of every delivery, then one multi-row insert per chunk.
        let mut rows: Vec<(DeliveryId, &EndpointRecord, &'static str, String)> = Vec::new();
        for event in &events {
            let endpoints: Vec<&EndpointRecord> =
                cache.0[account].iter().filter(|ep| filter_accepts(&ep.endpoint.events, event.name())).collect();
            if endpoints.is_empty() {
                continue;
            }
            let payload = to_json(event);
            rows.extend(endpoints.into_iter().map(|ep| (DeliveryId::generate(), ep, event.name(), payload.clone())));
        }
        // $1 account, $2 now, $3 the lease; then id, endpoint, event, payload per row.
        for chunk in rows.chunks(DELIVERY_CHUNK) {
            let sql = sized_sql("insert_deliveries", chunk.len(), || {
                let values = (0..chunk.len())
                    .map(|k| format!("(${}, $1, ${}, ${}, ${}, 'pending', 0, $2, $3, $2)", 4 + 4 * k, 5 + 4 * k, 6 + 4 * k, 7 + 4 * k))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "INSERT INTO webhook_deliveries (id, account_id, endpoint_id, event, payload, status, attempts, next_attempt_at, locked_until, created_at) VALUES {values}"
                )
            });
            let mut q = query(&sql).bind(account.as_str()).bind(now).bind(handoff.map(|(_, until)| until));
            for (id, endpoint, event, payload) in chunk {
                q = q.bind(id.as_str()).bind(endpoint.endpoint.id.as_str()).bind(*event).bind(payload.as_str());
            }
            q.execute(&mut *tx).await?;
        }
        if let Some((handoff, lease_until)) = handoff {
            let born: Vec<ClaimedDelivery> = rows
                .into_iter()
                .map(|(id, endpoint, event, payload)| ClaimedDelivery {
                    id,
                    event: event.to_owned(),
                    payload,
                    attempts: 0,
                    url: endpoint.endpoint.url.clone(),
                    secret: endpoint.secret.clone(),
                    lease_until,
                })
                .collect();
            if !born.is_empty() {
                let handoff = handoff.clone();
                tx.after_commit(move || handoff.hand_off(born));
            }
        }
        Ok(())
    }

    /// Makes the deliveries this store queues born claimed for `lease` and
    /// handed, once committed, to the returned receiver (the node's outbox
    /// worker). A store without it (the CLI's) leaves them for any worker to claim.
    pub fn with_delivery_handoff(mut self, lease: std::time::Duration) -> (Self, tokio::sync::mpsc::Receiver<Vec<ClaimedDelivery>>) {
        let (to, from) = tokio::sync::mpsc::channel(HANDOFF_QUEUE);
        self.handoff = Some(std::sync::Arc::new(Handoff { lease_ms: lease.as_millis() as i64, to }));
        (self, from)
    }

    /// Queues one event on its own (for changes that store nothing else).
    pub async fn enqueue_event(&self, account: &AccountId, event: WebhookEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        self.enqueue_events(&mut tx, &mut EndpointCache::default(), account, vec![event]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due deliveries for `lease_ms`.
    pub async fn claim_due_deliveries(&self, limit: i64, lease_ms: i64) -> Result<Vec<ClaimedDelivery>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let rows = query(&format!(
            "SELECT d.id, d.event, d.payload, d.attempts, e.url, e.secret
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.locked_until IS NULL OR d.locked_until < $1)
             ORDER BY d.next_attempt_at, d.id LIMIT $2{}",
            match self.dialect {
                crate::Dialect::Postgres => " FOR UPDATE OF d SKIP LOCKED",
                crate::Dialect::Sqlite => "",
            }
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            query("UPDATE webhook_deliveries SET locked_until = $1 WHERE id = $2")
                .bind(now + lease_ms)
                .bind(&id)
                .execute(&mut tx)
                .await?;
            claimed.push(ClaimedDelivery {
                lease_until: now + lease_ms,
                id: DeliveryId::from_trusted(id),
                event: row.try_get("event")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get::<i64, _>("attempts")? as u32,
                url: row.try_get("url")?,
                secret: row.try_get("secret")?,
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// When the next delivery falls due (for the worker to sleep until then).
    pub async fn next_delivery_due(&self) -> Result<Option<i64>> {
        let row = query("SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE status = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        row.try_get::<Option<i64>, _>("due")
    }

    /// Logs an attempt and moves the delivery on.
    pub async fn record_attempt(&self, id: &DeliveryId, attempt: DeliveryAttempt, outcome: AttemptOutcome) -> Result<()> {
        self.record_attempts(vec![(id.clone(), attempt, outcome)]).await
    }

    /// Logs a batch of attempts in one transaction.
    pub async fn record_attempts(&self, attempts: Vec<(DeliveryId, DeliveryAttempt, AttemptOutcome)>) -> Result<()> {
        if attempts.is_empty() {
            return Ok(());
        }
        // One UPDATE per chunk, whose CASE gives each delivery its own
        // status and time and appends its attempt to its log in the database.
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let append = |p: usize| match self.dialect {
            crate::Dialect::Sqlite => format!("json_insert(attempt_log, '$[#]', json(${p}))"),
            crate::Dialect::Postgres => format!("(attempt_log::jsonb || jsonb_build_array(${p}::jsonb))::text"),
        };
        for chunk in attempts.chunks(ATTEMPT_CHUNK) {
            // Per row: $id, $status, $next, $attempt.
            let name = match self.dialect {
                crate::Dialect::Sqlite => "record_attempts_sqlite",
                crate::Dialect::Postgres => "record_attempts_postgres",
            };
            let update = sized_sql(name, chunk.len(), || {
                let case = |col: usize| (0..chunk.len()).map(|k| format!(" WHEN ${} THEN ${}", 4 * k + 1, 4 * k + 1 + col)).collect::<String>();
                let logs = (0..chunk.len()).map(|k| format!(" WHEN ${} THEN {}", 4 * k + 1, append(4 * k + 4))).collect::<String>();
                let ids = (0..chunk.len()).map(|k| format!("${}", 4 * k + 1)).collect::<Vec<_>>().join(", ");
                format!(
                    "UPDATE webhook_deliveries SET status = CASE id{} END, next_attempt_at = CASE id{} END,
                        attempts = attempts + 1, locked_until = NULL, attempt_log = CASE id{logs} END WHERE id IN ({ids})",
                    case(1),
                    case(2),
                )
            });
            let mut u = query(&update);
            for (id, attempt, outcome) in chunk {
                let (status, next) = match outcome {
                    AttemptOutcome::Delivered => ("delivered", now),
                    AttemptOutcome::RetryAt(at) => ("pending", *at),
                    AttemptOutcome::GaveUp => ("failed", now),
                };
                u = u.bind(id.as_str()).bind(status).bind(next).bind(to_json(attempt));
            }
            u.execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_deliveries(&self, account: &AccountId, endpoint: &WebhookId, limit: i64) -> Result<Vec<WebhookDelivery>> {
        self.webhook_endpoint(account, endpoint).await?;
        let rows = query(
            "SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 AND account_id = $2 ORDER BY created_at DESC, id LIMIT $3",
        )
        .bind(endpoint.as_str())
        .bind(account.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    pub async fn delivery(&self, account: &AccountId, id: &DeliveryId) -> Result<WebhookDelivery> {
        let row = query("SELECT * FROM webhook_deliveries WHERE id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        delivery_from_row(&row)
    }

    /// Queues a delivery again now (the dashboard's resend button).
    pub async fn resend_delivery(&self, account: &AccountId, id: &DeliveryId) -> Result<WebhookDelivery> {
        let done = query(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, locked_until = NULL WHERE id = $2 AND account_id = $3",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&self.pool)
        .await?;
        found(&done)?;
        self.delivery(account, id).await
    }
}
