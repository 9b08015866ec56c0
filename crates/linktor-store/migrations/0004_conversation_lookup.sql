-- A visitor's current conversation is looked up by visitor and account.
-- With only (visitor_id, last_activity_at) SQLite's planner preferred the
-- account's index and sorted every conversation of the account; an index
-- that matches both equalities is chosen on both databases.
CREATE INDEX conversations_visitor_account ON conversations(visitor_id, account_id, last_activity_at);
DROP INDEX conversations_visitor;
