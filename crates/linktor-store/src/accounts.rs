//! Accounts (the tenants), their agents and API keys, and the server-wide
//! settings (the secret that signs visitor tokens, shared by every node).

use linktor_core::{
    agent::{AgentRole, Availability},
    api::ApiKey,
    random_token, AccountId, AgentId, ApiKeyId,
};
use crate::db::{query, Row};

use crate::{found, hash_secret, now_ms, to_time, unique_violation, Result, Store, StoreError};

fn parse_availability(s: &str) -> Availability {
    match s {
        "online" => Availability::Online,
        "away" => Availability::Away,
        _ => Availability::Offline,
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: AgentId,
    pub account_id: AccountId,
    pub email: String,
    pub name: String,
    pub role: AgentRole,
    pub availability: Availability,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(skip)]
    pub password_hash: String,
}

impl Agent {
    /// What the API shows of an agent (no account, no hash).
    pub fn api(&self) -> linktor_core::agent::Agent {
        linktor_core::agent::Agent {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            availability: self.availability,
            created_at: self.created_at,
        }
    }
}

pub(crate) fn agent_from_row(row: &Row) -> Result<Agent> {
    let role: String = row.try_get("role")?;
    let availability: String = row.try_get("availability")?;
    Ok(Agent {
        id: AgentId::from_trusted(row.try_get("id")?),
        account_id: AccountId::from_trusted(row.try_get("account_id")?),
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: if role == "admin" { AgentRole::Admin } else { AgentRole::Agent },
        availability: parse_availability(&availability),
        created_at: to_time(row.try_get("created_at")?),
        password_hash: row.try_get("password_hash")?,
    })
}

fn api_key_from_row(row: &Row) -> Result<ApiKey> {
    Ok(ApiKey {
        id: ApiKeyId::from_trusted(row.try_get("id")?),
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_at: to_time(row.try_get("created_at")?),
        last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(to_time),
    })
}

impl Store {
    /// A server-wide secret by name, created (randomly) the first time it is asked for.
    pub async fn server_secret(&self, key: &str) -> Result<String> {
        let candidate = random_token(48);
        query("INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(&candidate)
            .execute(&self.pool)
            .await?;
        let row = query("SELECT value FROM server_settings WHERE key = $1").bind(key).fetch_one(&self.pool).await?;
        row.try_get("value")
    }

    /// A server-wide setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = query("SELECT value FROM server_settings WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get("value")).transpose()
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        query("INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_account(&self, name: &str) -> Result<AccountId> {
        let id = AccountId::generate();
        query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.as_str())
            .bind(name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// The oldest account, the one CLI commands act on by default.
    pub async fn first_account(&self) -> Result<Option<AccountId>> {
        let row = query("SELECT id FROM accounts ORDER BY created_at, id LIMIT 1").fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get::<String, _>("id").map(AccountId::from_trusted)).transpose()
    }

    pub async fn account_exists(&self, id: &AccountId) -> Result<bool> {
        Ok(query("SELECT 1 FROM accounts WHERE id = $1").bind(id.as_str()).fetch_optional(&self.pool).await?.is_some())
    }

    pub async fn create_agent(
        &self,
        account: &AccountId,
        email: &str,
        name: &str,
        role: AgentRole,
        password_hash: &str,
    ) -> Result<Agent> {
        let id = AgentId::generate();
        let role_str = role.as_str();
        let email = email.trim().to_ascii_lowercase();
        query(
            "INSERT INTO agents (id, account_id, email, name, role, password_hash, availability, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'online', $7)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(&email)
        .bind(name)
        .bind(role_str)
        .bind(password_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(|e| if unique_violation(&e) { StoreError::Conflict("an agent with this email exists".into()) } else { e })?;
        self.agent(account, &id).await
    }

    pub async fn agent(&self, account: &AccountId, id: &AgentId) -> Result<Agent> {
        let row = query("SELECT * FROM agents WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        agent_from_row(&row)
    }

    pub async fn agent_by_email(&self, email: &str) -> Result<Option<Agent>> {
        let row = query("SELECT * FROM agents WHERE email = $1 AND deleted_at IS NULL")
            .bind(email.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agent_from_row).transpose()
    }

    pub async fn set_availability(&self, account: &AccountId, id: &AgentId, availability: Availability) -> Result<()> {
        let done = query("UPDATE agents SET availability = $1 WHERE id = $2 AND account_id = $3")
            .bind(availability.as_str())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(())
    }

    pub async fn list_agents(&self, account: &AccountId) -> Result<Vec<Agent>> {
        let rows = query("SELECT * FROM agents WHERE account_id = $1 AND deleted_at IS NULL ORDER BY name, id")
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(agent_from_row).collect()
    }

    /// Removes an agent: signed out everywhere, unassigned from its
    /// conversations, its email free for a new agent. Its messages keep its name.
    pub async fn delete_agent(&self, account: &AccountId, id: &AgentId) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = query(
            "UPDATE agents SET deleted_at = $1, availability = 'offline', email = id || ':' || email
             WHERE id = $2 AND account_id = $3 AND deleted_at IS NULL",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&mut tx)
        .await?;
        found(&done)?;
        query("DELETE FROM agent_sessions WHERE agent_id = $1").bind(id.as_str()).execute(&mut tx).await?;
        query("UPDATE conversations SET assignee_id = NULL WHERE assignee_id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_password_hash(&self, account: &AccountId, id: &AgentId, hash: &str) -> Result<()> {
                let done = query("UPDATE agents SET password_hash = $1 WHERE id = $2 AND account_id = $3 AND deleted_at IS NULL")
            .bind(hash)
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(())
    }

    /// Whether any agent of the account is available: set online, and heard
    /// from (a dashboard open) within `presence_ms`.
    pub async fn agents_online(&self, account: &AccountId) -> Result<bool> {
        let row = query(
            "SELECT 1 FROM agents WHERE account_id = $1 AND availability = 'online' AND deleted_at IS NULL
             AND last_seen_at >= $2 LIMIT 1",
        )
        .bind(account.as_str())
        .bind(now_ms() - self.presence_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Records that `agent`'s dashboard is open now; with `lapse_in_ms`, that it
    /// closed: the agent stops counting as available that much later, unless
    /// another dashboard of theirs is heard from meanwhile.
    pub async fn agent_seen(&self, account: &AccountId, agent: &AgentId, lapse_in_ms: Option<i64>) -> Result<()> {
        let at = match lapse_in_ms {
            None => now_ms(),
            Some(lapse) => now_ms() - self.presence_ms + lapse,
        };
        query("UPDATE agents SET last_seen_at = $1 WHERE id = $2 AND account_id = $3")
            .bind(at)
            .bind(agent.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Accounts where an online agent stopped counting as available in
    /// `(since_ms, until_ms]`: their widgets must hear about it.
    pub async fn presence_lapsed(&self, since_ms: i64, until_ms: i64) -> Result<Vec<AccountId>> {
        let rows = query(
            "SELECT DISTINCT account_id FROM agents WHERE availability = 'online' AND deleted_at IS NULL
             AND last_seen_at > $1 AND last_seen_at <= $2",
        )
        .bind(since_ms - self.presence_ms)
        .bind(until_ms - self.presence_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(AccountId::from_trusted(r.try_get("account_id")?))).collect()
    }

    /// Creates an API key; returns it with its secret, which is stored only hashed.
    pub async fn create_api_key(&self, account: &AccountId, name: &str) -> Result<(ApiKey, String)> {
        let id = ApiKeyId::generate();
        let secret = format!("lk_{}", random_token(40));
        let prefix: String = secret.chars().take(10).collect();
        let now = now_ms();
        query(
            "INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(name)
        .bind(&prefix)
        .bind(hash_secret(&secret))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((ApiKey { id, name: name.to_owned(), prefix, created_at: to_time(now), last_used_at: None }, secret))
    }

    /// The account an API key belongs to, when the key is valid and not revoked.
    pub async fn authenticate_api_key(&self, secret: &str) -> Result<Option<AccountId>> {
        let row = query("SELECT id, account_id, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(hash_secret(secret))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        // Record use at most once a minute: a hot key must not become a write per request.
        let now = now_ms();
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|l| now - l > 60_000) {
            query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.try_get::<String, _>("id")?)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(AccountId::from_trusted(row.try_get("account_id")?)))
    }

    pub async fn list_api_keys(&self, account: &AccountId) -> Result<Vec<ApiKey>> {
        let rows = query("SELECT * FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC")
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(api_key_from_row).collect()
    }

    pub async fn revoke_api_key(&self, account: &AccountId, id: &ApiKeyId) -> Result<()> {
        let done = query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(())
    }
}
