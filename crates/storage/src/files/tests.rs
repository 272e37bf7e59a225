//! Unit tests of the file media store: names, adoption limits and path escapes.

use super::disk::file_name;
use super::*;

#[test]
fn names_follow_the_seed() {
    assert_eq!(file_name(MediaType::Audio, 1), "recording_001.wav");
    assert_eq!(file_name(MediaType::Whiteboard, 12), "snapshot_012.png");
    assert_eq!(file_name(MediaType::Screen, 3), "capture_003.png");
    assert_eq!(file_name(MediaType::Video, 1), "interview.mp4");
}

#[tokio::test]
async fn finished_recordings_are_adopted_within_the_limits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limits = MediaLimits {
        video_bytes: 10,
        ..MediaLimits::default()
    };
    let store = FileMediaStore::new(dir.path(), limits);
    let session = SessionId::from_uuid(uuid::Uuid::new_v4());
    let now = Utc::now();
    let first = store
        .recording_path(session, MediaType::Video, "mp4")
        .expect("path");
    std::fs::write(&first, b"0123456789").expect("write");
    let adopted = store
        .adopt(session, MediaType::Video, &first, now)
        .await
        .expect("adopted");
    assert_eq!(
        adopted.file_path,
        format!("sessions/{session}/video/interview.mp4")
    );
    assert_eq!(adopted.file_size_bytes, Some(10));
    assert!(!first.exists(), "the temporary name is gone");
    assert_eq!(
        std::fs::read(store.absolute_path(&adopted)).expect("stored"),
        b"0123456789"
    );

    let too_big = store
        .recording_path(session, MediaType::Video, "mp4")
        .expect("path");
    std::fs::write(&too_big, [0u8; 11]).expect("write");
    let refused = store.adopt(session, MediaType::Video, &too_big, now).await;
    assert!(
        matches!(refused, Err(MediaError::FileTooLarge { .. })),
        "{refused:?}"
    );
    assert!(!too_big.exists(), "a refused recording is removed");

    let elsewhere = dir.path().join("elsewhere.mp4");
    std::fs::write(&elsewhere, b"x").expect("write");
    let outside = store
        .adopt(session, MediaType::Video, &elsewhere, now)
        .await;
    assert!(
        matches!(outside, Err(MediaError::OutsideDataDir(_))),
        "{outside:?}"
    );
    assert!(
        elsewhere.exists(),
        "files outside the session are never touched"
    );
}

#[test]
fn resolve_refuses_escapes() {
    let store = FileMediaStore::new("/data", MediaLimits::default());
    assert!(store.resolve("../etc/passwd").is_err());
    assert!(store.resolve("/etc/passwd").is_err());
    assert!(store.resolve("sessions/../../x").is_err());
    assert!(store.resolve("").is_err());
    assert_eq!(
        store.resolve("sessions/a/audio/recording_001.wav").ok(),
        Some(PathBuf::from("/data/sessions/a/audio/recording_001.wav"))
    );
}
