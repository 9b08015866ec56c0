-- Dashboard sign-in: one row per signed-in browser. The cookie holds a random
-- token; only its hash is stored, beside the CSRF token the browser must echo.
CREATE TABLE agent_sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX agent_sessions_agent ON agent_sessions(agent_id);

-- Analytics count messages and conversations of an account by time.
CREATE INDEX messages_account_time ON messages(account_id, created_at);
CREATE INDEX conversations_account_created ON conversations(account_id, created_at);
