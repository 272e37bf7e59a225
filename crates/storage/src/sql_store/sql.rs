//! SQL shared by both backends: one text per query, `$n` placeholders, every value bound.

pub const UPSERT_RESUME: &str = "INSERT INTO resumes (user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email, experience_level = excluded.experience_level, years_of_experience = excluded.years_of_experience, domain_expertise = excluded.domain_expertise, work_experience = excluded.work_experience, education = excluded.education, skills = excluded.skills, raw_text = excluded.raw_text, updated_at = excluded.updated_at";
pub const INSERT_RESUME_IF_ABSENT: &str = "INSERT INTO resumes (user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (user_id) DO NOTHING";
pub const SELECT_RESUME: &str = "SELECT user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text FROM resumes WHERE user_id = $1";
pub const DELETE_RESUME: &str = "DELETE FROM resumes WHERE user_id = $1";
pub const INSERT_SESSION: &str = "INSERT INTO sessions (id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
pub const SELECT_SESSION: &str = "SELECT id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata FROM sessions WHERE id = $1";
pub const SELECT_LATEST_OPEN_SESSION: &str = "SELECT id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata FROM sessions WHERE status IN ('active', 'paused') ORDER BY created_at DESC, id DESC LIMIT 1";
pub const LIST_SESSIONS: &str = "SELECT s.id, s.user_id, s.created_at, s.ended_at, s.status, s.ai_provider, s.ai_model, s.metadata, CAST(e.overall_score AS DOUBLE PRECISION) AS overall_score, (SELECT COUNT(*) FROM conversations c WHERE c.session_id = s.id) AS message_count FROM sessions s LEFT JOIN evaluations e ON e.session_id = s.id ORDER BY s.created_at DESC, s.id DESC LIMIT $1 OFFSET $2";
pub const COUNT_SESSIONS: &str = "SELECT COUNT(*) FROM sessions";
pub const SET_STATUS: &str = "UPDATE sessions SET status = $2 WHERE id = $1";
pub const COMPLETE_SESSION: &str = "UPDATE sessions SET status = 'completed', ended_at = $2 WHERE id = $1 AND status <> 'completed'";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";
pub const INSERT_MESSAGE: &str = "INSERT INTO conversations (session_id, timestamp, role, content, metadata, seq) VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM conversations WHERE session_id = $1)) RETURNING id";
pub const INSERT_MESSAGE_AT: &str = "INSERT INTO conversations (session_id, timestamp, role, content, metadata, seq) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, seq) DO NOTHING RETURNING id";
pub const LAST_SEQ: &str =
    "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM conversations WHERE session_id = $1";
pub const SELECT_CONVERSATION: &str = "SELECT role, content, timestamp, metadata FROM conversations WHERE session_id = $1 ORDER BY id";
pub const UPSERT_EVALUATION: &str = "INSERT INTO evaluations (session_id, overall_score, competency_scores, feedback, improvement_plan, communication_analysis, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id) DO UPDATE SET overall_score = excluded.overall_score, competency_scores = excluded.competency_scores, feedback = excluded.feedback, improvement_plan = excluded.improvement_plan, communication_analysis = excluded.communication_analysis, created_at = excluded.created_at";
pub const SELECT_EVALUATION: &str = "SELECT CAST(overall_score AS DOUBLE PRECISION) AS overall_score, competency_scores, feedback, improvement_plan, communication_analysis FROM evaluations WHERE session_id = $1";
pub const INSERT_MEDIA: &str = "INSERT INTO media_files (session_id, file_type, file_path, file_size_bytes, timestamp, metadata) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
pub const SELECT_MEDIA: &str = "SELECT file_type, file_path, file_size_bytes, timestamp, metadata FROM media_files WHERE session_id = $1 ORDER BY id";
pub const DELETE_MEDIA: &str = "DELETE FROM media_files WHERE session_id = $1 AND file_path = $2";
pub const INSERT_TOKEN_USAGE: &str = "INSERT INTO token_usage (session_id, timestamp, operation, provider, model, input_tokens, output_tokens, total_tokens, estimated_cost) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
pub const SELECT_TOKEN_USAGE: &str = "SELECT timestamp, operation, provider, model, input_tokens, output_tokens, total_tokens, CAST(estimated_cost AS DOUBLE PRECISION) AS estimated_cost FROM token_usage WHERE session_id = $1 ORDER BY id";
pub const INSERT_AUDIT_LOG: &str = "INSERT INTO audit_logs (timestamp, level, component, operation, session_id, user_id, message, stack_trace, metadata) VALUES ($1, $2, $3, $4, (SELECT id FROM sessions WHERE id = $5), $6, $7, $8, $9) RETURNING id";
pub const SESSIONS_BY_STATUS: &str = "SELECT status, COUNT(*) AS n FROM sessions GROUP BY status";
pub const RECENT_COMPLETED_SPANS: &str = "SELECT created_at, ended_at FROM sessions WHERE status = 'completed' AND ended_at IS NOT NULL ORDER BY created_at DESC LIMIT 1000";
pub const USAGE_BY_OPERATION: &str = "SELECT operation, COUNT(*) AS calls, CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS tokens, CAST(COALESCE(SUM(estimated_cost), 0) AS DOUBLE PRECISION) AS cost FROM token_usage GROUP BY operation ORDER BY operation";
pub const MEDIA_BY_TYPE: &str = "SELECT file_type, COUNT(*) AS files, CAST(COALESCE(SUM(file_size_bytes), 0) AS BIGINT) AS bytes FROM media_files GROUP BY file_type ORDER BY file_type";
pub const PROBLEMS_BY_COMPONENT: &str = "SELECT component, level, COUNT(*) AS n FROM audit_logs WHERE timestamp >= $1 GROUP BY component, level ORDER BY component";
pub const SELECT_AUDIT_LOGS: &str = "SELECT timestamp, level, component, operation, session_id, user_id, message, stack_trace, metadata FROM audit_logs ORDER BY timestamp DESC, id DESC LIMIT $1 OFFSET $2";
