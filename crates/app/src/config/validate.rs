//! Validation of a loaded configuration: ranges and allowed words, each refusal naming its
//! key.

use super::{invalid, AppConfig, ConfigError};

impl AppConfig {
    /// Checks ranges and allowed words.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let ai = &self.ai;
        if !matches!(
            ai.default_provider.as_str(),
            "offline" | "openai" | "anthropic"
        ) {
            return Err(invalid(
                "ai.default_provider",
                format!(
                    "must be offline, openai or anthropic, got '{}'",
                    ai.default_provider
                ),
            ));
        }
        positive("ai.timeout_seconds", ai.timeout_seconds)?;
        if ai.max_retries > 10 {
            return Err(invalid("ai.max_retries", "must be at most 10"));
        }
        if !(0.0..=60.0).contains(&ai.retry_delay_seconds) {
            return Err(invalid(
                "ai.retry_delay_seconds",
                "must be between 0 and 60",
            ));
        }
        positive(
            "ai.max_tokens_per_session",
            u64::from(ai.max_tokens_per_session),
        )?;
        if !(ai.token_budget_warning_threshold > 0.0 && ai.token_budget_warning_threshold <= 1.0) {
            return Err(invalid(
                "ai.token_budget_warning_threshold",
                format!(
                    "must be above 0 and at most 1, got {}",
                    ai.token_budget_warning_threshold
                ),
            ));
        }
        for (name, provider) in [("openai", &ai.openai), ("anthropic", &ai.anthropic)] {
            if !(provider.base_url.starts_with("http://")
                || provider.base_url.starts_with("https://"))
            {
                return Err(invalid(
                    &format!("ai.{name}.base_url"),
                    format!(
                        "must start with http:// or https://, got '{}'",
                        provider.base_url
                    ),
                ));
            }
            if provider.model.trim().is_empty() {
                return Err(invalid(&format!("ai.{name}.model"), "must not be empty"));
            }
        }
        for (provider, models) in &ai.pricing {
            for (model, price) in models {
                if !(price.input >= 0.0
                    && price.output >= 0.0
                    && price.input.is_finite()
                    && price.output.is_finite())
                {
                    return Err(invalid(
                        &format!("ai.pricing.{provider}.{model}"),
                        "prices must be non-negative numbers",
                    ));
                }
            }
        }
        let voice = &self.communication;
        let pauses = [
            ("communication.draft_pause_ms", voice.draft_pause_ms),
            (
                "communication.end_of_answer_pause_ms",
                voice.end_of_answer_pause_ms,
            ),
            (
                "communication.max_thinking_pause_ms",
                voice.max_thinking_pause_ms,
            ),
            (
                "communication.asked_for_time_pause_ms",
                voice.asked_for_time_pause_ms,
            ),
        ];
        for (key, ms) in pauses {
            if !(100..=60_000).contains(&ms) {
                return Err(invalid(
                    key,
                    format!("must be between 100 and 60000 ms, got {ms}"),
                ));
            }
        }
        for pair in pauses.windows(2) {
            if pair[1].1 < pair[0].1 {
                return Err(invalid(
                    pair[1].0,
                    format!("must be at least {} ({} ms)", pair[0].0, pair[0].1),
                ));
            }
        }
        let storage = &self.storage;
        positive("storage.max_session_size_mb", storage.max_session_size_mb)?;
        positive(
            "storage.cleanup_old_sessions_days",
            u64::from(storage.cleanup_old_sessions_days),
        )?;
        positive("storage.resume_max_size_mb", storage.resume_max_size_mb)?;
        let comm = &self.communication;
        if !matches!(comm.audio_sample_rate, 8000 | 16000 | 22050 | 44100 | 48000) {
            return Err(invalid(
                "communication.audio_sample_rate",
                format!(
                    "must be 8000, 16000, 22050, 44100 or 48000, got {}",
                    comm.audio_sample_rate
                ),
            ));
        }
        positive("communication.audio_max_size_mb", comm.audio_max_size_mb)?;
        positive("communication.video_max_size_mb", comm.video_max_size_mb)?;
        if !(1..=60).contains(&comm.video_fps) {
            return Err(invalid(
                "communication.video_fps",
                "must be between 1 and 60",
            ));
        }
        positive(
            "communication.video_max_minutes",
            u64::from(comm.video_max_minutes),
        )?;
        if comm.video_codec != "h264" {
            return Err(invalid(
                "communication.video_codec",
                format!("only h264 is supported, got '{}'", comm.video_codec),
            ));
        }
        let [width, height] = comm.whiteboard_resolution;
        if !(320..=7680).contains(&width) || !(240..=4320).contains(&height) {
            return Err(invalid(
                "communication.whiteboard_resolution",
                "must be between [320, 240] and [7680, 4320]",
            ));
        }
        if !(1..=3600).contains(&comm.screen_capture_interval_seconds) {
            return Err(invalid(
                "communication.screen_capture_interval_seconds",
                "must be between 1 and 3600",
            ));
        }
        let db = &self.database;
        if !(1..=200).contains(&db.pool_size) {
            return Err(invalid(
                "database.pool_size",
                format!("must be between 1 and 200, got {}", db.pool_size),
            ));
        }
        if db.min_connections > db.pool_size {
            return Err(invalid(
                "database.min_connections",
                "must not exceed database.pool_size",
            ));
        }
        positive("database.pool_timeout_seconds", db.pool_timeout_seconds)?;
        positive("database.pool_recycle_seconds", db.pool_recycle_seconds)?;
        let log = &self.logging;
        for (key, level) in [
            ("logging.level", &log.level),
            ("logging.database_level", &log.database_level),
        ] {
            level.parse::<mockint_domain::LogLevel>().map_err(|_| {
                invalid(
                    key,
                    format!("must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got '{level}'"),
                )
            })?;
        }
        if !matches!(log.rotation.as_str(), "daily" | "hourly" | "never") {
            return Err(invalid(
                "logging.rotation",
                format!("must be daily, hourly or never, got '{}'", log.rotation),
            ));
        }
        let mon = &self.monitoring;
        positive(
            "monitoring.health_check_interval_seconds",
            mon.health_check_interval_seconds,
        )?;
        if !(0.0..=1.0).contains(&mon.alert_on_error_rate) {
            return Err(invalid(
                "monitoring.alert_on_error_rate",
                "must be between 0 and 1",
            ));
        }
        Ok(())
    }
}

fn positive(key: &str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        Err(invalid(key, "must be greater than 0"))
    } else {
        Ok(())
    }
}
