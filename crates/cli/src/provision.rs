//! `mockint model provision`: the model fetched, converted and checked on a blocking thread,
//! its progress printed as lines, Ctrl-C turned into a cancel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::commands::blocking;
use crate::output::outln;
use crate::Failure;

/// Provisions a whisper model, printing each stage and every 10% of it on stderr; Ctrl-C
/// stops it (a download keeps its partial file for the next run).
pub async fn run(
    name: String,
    data_dir: std::path::PathBuf,
    cache: Option<std::ffi::OsString>,
) -> Result<(), Failure> {
    let cache = cache
        .filter(|c| !c.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| mockint_media::model::default_cache(&data_dir));
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("model: stopping (Ctrl-C)");
            flag.store(true, Ordering::Relaxed);
        }
    });
    let provisioned = blocking(move || {
        let shown = std::cell::RefCell::new(None::<(mockint_media::model::Stage, Option<u64>)>);
        let progress = |report: mockint_media::model::Progress| {
            let decile = report.percent().map(|p| p / 10);
            let mut shown = shown.borrow_mut();
            let new_stage = shown.as_ref().is_none_or(|(s, _)| *s != report.stage);
            if new_stage || shown.as_ref().is_some_and(|(_, d)| decile > *d) {
                eprintln!("model: {report}");
                *shown = Some((report.stage.clone(), decile));
            }
        };
        let control = mockint_media::model::Control {
            cancel: &cancel,
            progress: &progress,
        };
        mockint_media::model::provision(&name, &data_dir, &cache, control)
    })
    .await;
    ctrl_c.abort();
    let provisioned = provisioned?;
    outln!(
        "{} ({} bytes, sha256 {}){}",
        provisioned.path.display(),
        provisioned.bytes,
        provisioned.sha256,
        if provisioned.cached { ", cached" } else { "" }
    );
    Ok(())
}
