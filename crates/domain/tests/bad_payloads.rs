//! The bad-input corpus, IPC part: payloads the webview (or anything impersonating it) can
//! send to the app's commands. Each is refused while being decoded or validated, with a
//! message that says what is wrong, and never panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use mockint_domain::ipc::{
    AppendOpsRequest, ListSessionsRequest, SendRequest, SessionRequest, StartRequest,
};
use mockint_domain::{Message, Page, Role, Whiteboard};

const ID: &str = "6d1f2b0e-8c3a-4b7e-9f10-0123456789ab";

fn decode_error<T: serde::de::DeserializeOwned>(json: &str) -> String {
    match serde_json::from_str::<T>(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn malformed_payloads_are_refused_with_a_reason() {
    let cases: Vec<(String, String, &str)> = vec![
        (
            "session id that is not a UUID".into(),
            decode_error::<SessionRequest>(r#"{"session_id":"../../etc/passwd"}"#),
            "UUID parsing failed",
        ),
        (
            "missing session id".into(),
            decode_error::<SessionRequest>("{}"),
            "missing field `session_id`",
        ),
        (
            "message text of the wrong type".into(),
            decode_error::<SendRequest>(&format!(r#"{{"session_id":"{ID}","text":42}}"#)),
            "invalid type",
        ),
        (
            "unknown communication mode".into(),
            decode_error::<StartRequest>(
                r#"{"problem":null,"provider":"offline","model":null,"modes":["telepathy"],"duration_minutes":45,"resume":null}"#,
            ),
            "telepathy",
        ),
        (
            "shape coordinate out of range".into(),
            decode_error::<AppendOpsRequest>(&format!(
                r#"{{"session_id":"{ID}","entries":[{{"seq":1,"ms":0,"op":{{"add":{{"shapes":[{{"id":1,"kind":"rectangle","x":1e999,"y":0}}]}}}}}}]}}"#
            )),
            "number out of range",
        ),
        (
            "unknown shape kind".into(),
            decode_error::<AppendOpsRequest>(&format!(
                r#"{{"session_id":"{ID}","entries":[{{"seq":1,"ms":0,"op":{{"add":{{"shapes":[{{"id":1,"kind":"hexagon","x":0,"y":0}}]}}}}}}]}}"#
            )),
            "hexagon",
        ),
        (
            "unknown whiteboard operation".into(),
            decode_error::<AppendOpsRequest>(&format!(
                r#"{{"session_id":"{ID}","entries":[{{"seq":1,"ms":0,"op":{{"rotate":{{"id":1}}}}}}]}}"#
            )),
            "unknown variant `rotate`",
        ),
        (
            "negative sequence number".into(),
            decode_error::<AppendOpsRequest>(&format!(
                r#"{{"session_id":"{ID}","entries":[{{"seq":-1,"ms":0,"op":"clear"}}]}}"#
            )),
            "invalid value",
        ),
        (
            "negative page size".into(),
            decode_error::<ListSessionsRequest>(r#"{"limit":-5,"offset":0}"#),
            "invalid value",
        ),
        (
            "payload that is not JSON".into(),
            decode_error::<SendRequest>("<html>hello</html>"),
            "expected value",
        ),
    ];
    for (name, error, needle) in cases {
        assert!(error.contains(needle), "{name}: '{error}' lacks '{needle}'");
    }
}

#[test]
fn decoded_but_invalid_values_are_refused_by_validation() {
    let now = chrono::Utc::now();
    let empty = Message::new(Role::Candidate, "   ", now)
        .err()
        .map(|e| e.to_string());
    assert!(empty.is_some_and(|e| e.contains("empty")), "blank message");
    let nul = Message::new(Role::Candidate, "hi\0there", now)
        .err()
        .map(|e| e.to_string());
    assert!(nul.is_some(), "NUL in a message");
    let huge = Message::new(Role::Candidate, "x".repeat(2 * 1024 * 1024), now)
        .err()
        .map(|e| e.to_string());
    assert!(huge.is_some(), "a 2 MiB message");
    let page = Page::new(0, 0).err().map(|e| e.to_string());
    assert!(page.is_some_and(|e| e.contains("limit")), "page size 0");
    let board: Whiteboard = serde_json::from_str(&format!(
        r#"{{"shapes":[{}]}}"#,
        (0..20_001)
            .map(|id| format!(r#"{{"id":{id},"kind":"text","x":0,"y":0,"text":"ok"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    ))
    .expect("decodes");
    let too_many = board.validate().err().map(|e| e.to_string());
    assert!(
        too_many.is_some_and(|e| e.contains("whiteboard shapes")),
        "20,001 shapes"
    );
    let label: Whiteboard = serde_json::from_str(&format!(
        r#"{{"shapes":[{{"id":1,"kind":"text","x":0,"y":0,"text":"{}"}}]}}"#,
        "a".repeat(600)
    ))
    .expect("decodes");
    assert!(label.validate().is_err(), "a 600-byte label");
    let twins: Whiteboard = serde_json::from_str(
        r#"{"shapes":[{"id":7,"kind":"text","x":0,"y":0},{"id":7,"kind":"text","x":5,"y":5}]}"#,
    )
    .expect("decodes");
    assert!(
        twins
            .validate()
            .err()
            .is_some_and(|e| e.to_string().contains("7")),
        "two shapes with one id"
    );
}
