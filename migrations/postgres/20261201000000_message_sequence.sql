-- Each message of a session has a sequence number, unique within the session, so that a
-- message written twice (a retry after a crash between writing it and recording that it was
-- written) is stored once: inserts use ON CONFLICT (session_id, seq) DO NOTHING.
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS seq BIGINT;
UPDATE conversations AS c SET seq = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY id) AS n FROM conversations) AS numbered
WHERE c.id = numbered.id;
CREATE UNIQUE INDEX IF NOT EXISTS idx_conversations_session_seq ON conversations(session_id, seq);
