-- Conversations that continue by email (portable: SQLite and PostgreSQL).
-- One row per conversation that ever had a business message while email was
-- on. `emailed_seq` is the durable mark of what was mailed: it only moves by a
-- compare-and-set before the mail is sent, so no message is mailed twice, on
-- one node or many. `due_at` is when a worker should look again (NULL:
-- nothing pending), `pending_seq` the last business message that asked for a
-- look, `locked_until` a worker's claim.
CREATE TABLE email_conversations (
    conversation_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    emailed_seq BIGINT NOT NULL DEFAULT 0,
    pending_seq BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT,
    locked_until BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX email_conversations_due ON email_conversations(due_at);

-- Visitors who followed an unsubscribe link: they get no more mail.
CREATE TABLE email_optouts (
    visitor_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Every mail sent: unread messages (`unread`) or a transcript (`transcript`),
-- to whom and which seqs; transcripts are rate limited from it.
CREATE TABLE email_log (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX email_log_conversation ON email_log(conversation_id, kind, created_at);
-- Transcripts are also limited per account (addresses a visitor types are anyone's).
CREATE INDEX email_log_account ON email_log(account_id, kind, created_at);
