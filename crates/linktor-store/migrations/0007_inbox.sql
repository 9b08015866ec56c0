-- The agents' side beside conversations: labels, saved replies, a
-- conversation's activity (private notes, assignment and satisfaction
-- events) and satisfaction ratings. Portable SQL, as 0001.

-- Labels of an account, by name (their identity: a name never changes).
CREATE TABLE labels (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);
-- A conversation's labels: the rows the inbox filters by, and a sorted JSON
-- copy on the conversation (written in the same transaction) that every
-- read of a conversation returns without a join.
CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (conversation_id, name)
);
CREATE INDEX conversation_labels_name ON conversation_labels(account_id, name);
ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';

CREATE TABLE saved_replies (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    shortcut TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX saved_replies_shortcut ON saved_replies(account_id, shortcut);

-- Agent-only entries of a conversation, apart from its messages (which the
-- visitor, emails and webhooks see), so nothing here can leak to them.
CREATE TABLE conversation_activity (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    kind TEXT NOT NULL,
    agent_id TEXT,
    assignee_id TEXT,
    previous_assignee_id TEXT,
    text TEXT,
    rating BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX conversation_activity_conversation ON conversation_activity(conversation_id, created_at);

-- One rating per resolution of a conversation (a reopened and resolved again
-- conversation may be rated again); agent_id is the assignee when rated.
CREATE TABLE satisfaction_ratings (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    resolved_at BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    agent_id TEXT,
    rating BIGINT NOT NULL,
    comment TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, resolved_at)
);
CREATE INDEX satisfaction_ratings_account_time ON satisfaction_ratings(account_id, created_at);
CREATE INDEX satisfaction_ratings_channel_time ON satisfaction_ratings(channel_id, created_at);

-- Round-robin assignment: the online agent who has waited longest goes next.
ALTER TABLE agents ADD COLUMN last_assigned_at BIGINT;

-- The pages a visitor viewed (loads and single-page navigations), newest
-- last; the side panel shows those of the current session.
CREATE TABLE visitor_pages (
    visitor_id TEXT NOT NULL REFERENCES visitors(id),
    account_id TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    viewed_at BIGINT NOT NULL
);
CREATE INDEX visitor_pages_visitor ON visitor_pages(visitor_id, viewed_at);

-- Round-robin counts each agent's open conversations.
CREATE INDEX conversations_assignee ON conversations(assignee_id, status);
