-- Each stored message moves its conversation's last_activity_at, and every
-- index holding that column is rewritten with it: under load that was two
-- index entries removed and added per conversation per batch of messages.
-- A visitor has a handful of conversations, found by visitor and account and
-- sorted without an index; only the account's inbox order needs the column.
CREATE INDEX conversations_visitor_lookup ON conversations(visitor_id, account_id);
DROP INDEX conversations_visitor_account;
