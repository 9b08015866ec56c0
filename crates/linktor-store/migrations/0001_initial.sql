-- Linktor WebChat schema: portable SQL run unchanged on SQLite and PostgreSQL.
-- Times are Unix milliseconds; JSON columns hold typed values (linktor-core).
CREATE TABLE server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    availability TEXT NOT NULL DEFAULT 'offline',
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    allowed_domains TEXT NOT NULL,
    default_language TEXT NOT NULL,
    settings TEXT NOT NULL,
    identity_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX channels_account ON channels(account_id);

CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    channel_id TEXT NOT NULL REFERENCES channels(id),
    verified_user_id TEXT,
    user_json TEXT NOT NULL,
    context TEXT NOT NULL,
    anonymize_ip BIGINT NOT NULL DEFAULT 0,
    retention_days BIGINT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX visitors_verified ON visitors(channel_id, verified_user_id);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    channel_id TEXT NOT NULL REFERENCES channels(id),
    visitor_id TEXT NOT NULL REFERENCES visitors(id),
    status TEXT NOT NULL,
    assignee_id TEXT,
    last_seq BIGINT NOT NULL DEFAULT 0,
    visitor_read_seq BIGINT NOT NULL DEFAULT 0,
    agent_read_seq BIGINT NOT NULL DEFAULT 0,
    delivered_seq BIGINT NOT NULL DEFAULT 0,
    pre_chat TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX conversations_visitor ON conversations(visitor_id, last_activity_at);
CREATE INDEX conversations_account ON conversations(account_id, last_activity_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    seq BIGINT NOT NULL,
    direction TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    content TEXT NOT NULL,
    client_id TEXT,
    reply_to TEXT,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    read_at BIGINT
);
CREATE UNIQUE INDEX messages_seq ON messages(conversation_id, seq);
CREATE UNIQUE INDEX messages_client ON messages(conversation_id, client_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    attempt_log TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    visitor_id TEXT,
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
