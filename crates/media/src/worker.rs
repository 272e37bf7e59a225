//! A background thread with a stop flag, stopped and joined when dropped (shared by the
//! live audio capture and the screen share).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// A running background thread.
pub(crate) struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What the thread checks to know when to finish.
#[derive(Clone)]
pub(crate) struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// Whether the thread should finish.
    pub(crate) fn raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Worker {
    /// Runs `body` on a new thread; it should return soon after the flag is raised.
    pub(crate) fn spawn(body: impl FnOnce(StopFlag) + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = StopFlag(Arc::clone(&stop));
        let thread = std::thread::spawn(move || body(flag));
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
