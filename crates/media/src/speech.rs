//! The interviewer's voice: replies spoken through the platform's speech service
//! (speech-dispatcher on Linux, through the `tts` crate). The speech engine lives on its own
//! thread and is driven by messages, so the rest of the app never touches it directly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Longest text spoken at once (characters); longer replies are cut at a sentence end.
pub const MAX_SPOKEN_CHARS: usize = 4000;

/// Why nothing can be spoken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SpeechError {
    /// No speech service is running or installed.
    #[error("no speech service available ({0}); on Linux install speech-dispatcher")]
    Unavailable(String),
    /// The speech thread has stopped.
    #[error("the speech service stopped")]
    Stopped,
}

enum Order {
    Speak(String),
    Stop,
}

/// A connection to the speech service.
#[derive(Debug)]
pub struct Speaker {
    orders: mpsc::Sender<Order>,
}

/// Cuts `text` to at most [`MAX_SPOKEN_CHARS`], at the last sentence end when there is one.
pub fn speakable(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if clean.chars().count() <= MAX_SPOKEN_CHARS {
        return clean.trim().to_string();
    }
    let cut: String = clean.chars().take(MAX_SPOKEN_CHARS).collect();
    match cut.rfind(['.', '?', '!']) {
        Some(end) if end > MAX_SPOKEN_CHARS / 2 => cut[..=end].trim().to_string(),
        _ => cut.trim().to_string(),
    }
}

impl Speaker {
    /// Connects to the platform's speech service (within 5 s). `speaking` is kept true while a
    /// reply is being said (what the service reports, or an estimate from the text's length
    /// where it cannot tell), so the microphone can ignore the app's own voice.
    pub fn start(speaking: Arc<AtomicBool>) -> Result<Self, SpeechError> {
        let (orders, inbox) = mpsc::channel::<Order>();
        let (ready, started) = mpsc::channel::<Result<(), String>>();
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || {
                let mut engine = match tts::Tts::default() {
                    Ok(engine) => {
                        let _ = ready.send(Ok(()));
                        engine
                    }
                    Err(error) => {
                        let _ = ready.send(Err(error.to_string()));
                        return;
                    }
                };
                let mut estimated_end = Instant::now();
                // After an explicit stop the app knows it is silent, whatever the service
                // reports for a while yet.
                let mut stopped = false;
                loop {
                    match inbox.recv_timeout(Duration::from_millis(40)) {
                        Ok(order) => {
                            let outcome = match order {
                                Order::Speak(text) => {
                                    stopped = false;
                                    estimated_end = Instant::now() + spoken_length(&text);
                                    speaking.store(true, Ordering::Relaxed);
                                    engine.speak(text, true).map(|_| ())
                                }
                                Order::Stop => {
                                    stopped = true;
                                    estimated_end = Instant::now();
                                    engine.stop().map(|_| ())
                                }
                            };
                            if let Err(error) = outcome {
                                tracing::warn!(%error, operation = "read_aloud", "the speech service refused a reply");
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                    // The estimate decides; what the service reports only extends it a little
                    // (speech-dispatcher can report "speaking" long after it has finished).
                    let now = Instant::now();
                    let estimate = now < estimated_end;
                    let reported = !stopped
                        && engine.is_speaking().unwrap_or(false)
                        && now < estimated_end + Duration::from_secs(2);
                    let now = estimate || reported;
                    speaking.store(now, Ordering::Relaxed);
                }
                speaking.store(false, Ordering::Relaxed);
            })
            .map_err(|error| SpeechError::Unavailable(error.to_string()))?;
        match started.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(())) => Ok(Self { orders }),
            Ok(Err(cause)) => Err(SpeechError::Unavailable(cause)),
            Err(_) => Err(SpeechError::Unavailable(
                "the speech service did not answer within 5 s".into(),
            )),
        }
    }

    /// Speaks `text`, interrupting whatever is being said.
    pub fn speak(&self, text: &str) -> Result<(), SpeechError> {
        let text = speakable(text);
        if text.is_empty() {
            return Ok(());
        }
        self.orders
            .send(Order::Speak(text))
            .map_err(|_| SpeechError::Stopped)
    }

    /// Stops speaking.
    pub fn stop(&self) -> Result<(), SpeechError> {
        self.orders
            .send(Order::Stop)
            .map_err(|_| SpeechError::Stopped)
    }
}

/// About how long a platform voice takes to say `text` (14 characters a second, plus a
/// little for the service to start).
fn spoken_length(text: &str) -> Duration {
    Duration::from_millis(400 + text.chars().count() as u64 * 1000 / 14)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_replies_are_cut_at_a_sentence_end_and_controls_dropped() {
        assert_eq!(speakable(" Hello\u{7}there. "), "Hellothere.");
        let long = "A sentence that ends here. ".repeat(300);
        let spoken = speakable(&long);
        assert!(spoken.chars().count() <= MAX_SPOKEN_CHARS);
        assert!(spoken.ends_with('.'));
    }
}
