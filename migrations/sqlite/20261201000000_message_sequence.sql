-- Each message of a session has a sequence number, unique within the session, so that a
-- message written twice (a retry after a crash between writing it and recording that it was
-- written) is stored once: inserts use ON CONFLICT (session_id, seq) DO NOTHING.
ALTER TABLE conversations ADD COLUMN seq INTEGER;
UPDATE conversations SET seq = (
    SELECT COUNT(*) FROM conversations AS earlier
    WHERE earlier.session_id = conversations.session_id AND earlier.id <= conversations.id
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_conversations_session_seq ON conversations(session_id, seq);
