//! One manager per concern, built at start-up and `.manage()`d as an `Arc`: the handlers are
//! one-line calls into them.

pub mod monitor;
pub mod screen;
pub mod speaker;
pub mod video;
pub mod voice;

pub use screen::ScreenManager;
pub use speaker::SpeakerManager;
pub use video::VideoManager;
pub use voice::VoiceManager;
