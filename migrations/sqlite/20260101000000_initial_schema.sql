-- The seed schema for the embedded SQLite store: the same seven tables, foreign keys,
-- cascades and indexes. JSON columns hold JSON text; UUIDs are 16-byte blobs; timestamps are
-- RFC 3339 text, which sorts chronologically.

CREATE TABLE IF NOT EXISTS resumes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id VARCHAR(100) UNIQUE NOT NULL,
    name VARCHAR(200),
    email VARCHAR(200),
    experience_level VARCHAR(20) NOT NULL CHECK (experience_level IN ('junior', 'mid', 'senior', 'staff')),
    years_of_experience INTEGER NOT NULL,
    domain_expertise TEXT NOT NULL CHECK (json_valid(domain_expertise)),
    work_experience TEXT NOT NULL CHECK (json_valid(work_experience)),
    education TEXT NOT NULL CHECK (json_valid(education)),
    skills TEXT NOT NULL CHECK (json_valid(skills)),
    raw_text TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sessions (
    id BLOB PRIMARY KEY NOT NULL,
    user_id VARCHAR(100) NOT NULL,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    ended_at TEXT,
    status VARCHAR(20) NOT NULL CHECK (status IN ('active', 'paused', 'completed')),
    enabled_modes TEXT NOT NULL CHECK (json_valid(enabled_modes)),
    ai_provider VARCHAR(50) NOT NULL,
    ai_model VARCHAR(100) NOT NULL,
    metadata TEXT DEFAULT '{}' CHECK (json_valid(metadata)),
    FOREIGN KEY (user_id) REFERENCES resumes(user_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BLOB NOT NULL,
    timestamp TEXT DEFAULT CURRENT_TIMESTAMP,
    role VARCHAR(20) NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT DEFAULT '{}' CHECK (json_valid(metadata)),
    FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BLOB UNIQUE NOT NULL,
    overall_score DECIMAL(5,2) NOT NULL,
    competency_scores TEXT NOT NULL CHECK (json_valid(competency_scores)),
    feedback TEXT NOT NULL CHECK (json_valid(feedback)),
    improvement_plan TEXT NOT NULL CHECK (json_valid(improvement_plan)),
    communication_analysis TEXT NOT NULL CHECK (json_valid(communication_analysis)),
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS media_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BLOB NOT NULL,
    file_type VARCHAR(20) NOT NULL,
    file_path TEXT NOT NULL,
    file_size_bytes BIGINT,
    timestamp TEXT DEFAULT CURRENT_TIMESTAMP,
    metadata TEXT DEFAULT '{}' CHECK (json_valid(metadata)),
    FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS token_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BLOB NOT NULL,
    timestamp TEXT DEFAULT CURRENT_TIMESTAMP,
    operation VARCHAR(50) NOT NULL,
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(100) NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    estimated_cost DECIMAL(10,6) NOT NULL,
    FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS audit_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT DEFAULT CURRENT_TIMESTAMP,
    level VARCHAR(20) NOT NULL,
    component VARCHAR(100) NOT NULL,
    operation VARCHAR(100) NOT NULL,
    session_id BLOB,
    user_id VARCHAR(100),
    message TEXT NOT NULL,
    stack_trace TEXT,
    metadata TEXT DEFAULT '{}' CHECK (json_valid(metadata)),
    FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE SET NULL
);

CREATE INDEX IF NOT EXISTS idx_resumes_user_id ON resumes(user_id);
CREATE INDEX IF NOT EXISTS idx_resumes_experience_level ON resumes(experience_level);
CREATE INDEX IF NOT EXISTS idx_sessions_user_id ON sessions(user_id);
CREATE INDEX IF NOT EXISTS idx_sessions_status ON sessions(status);
CREATE INDEX IF NOT EXISTS idx_sessions_created_at ON sessions(created_at DESC);
CREATE INDEX IF NOT EXISTS idx_conversations_session ON conversations(session_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_evaluations_session ON evaluations(session_id);
CREATE INDEX IF NOT EXISTS idx_media_files_session ON media_files(session_id, file_type);
CREATE INDEX IF NOT EXISTS idx_token_usage_session ON token_usage(session_id);
CREATE INDEX IF NOT EXISTS idx_token_usage_timestamp ON token_usage(timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_timestamp ON audit_logs(timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_level ON audit_logs(level);
CREATE INDEX IF NOT EXISTS idx_audit_logs_session ON audit_logs(session_id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_component ON audit_logs(component);
