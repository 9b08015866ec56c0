-- When an agent's dashboard was last heard from: an agent who set themself
-- online counts as available only while a dashboard of theirs is open.
ALTER TABLE agents ADD COLUMN last_seen_at BIGINT;
