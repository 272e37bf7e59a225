//! Unit tests of answer reading: figures, estimate slips, requirement gaps and structure.

use super::*;

#[test]
fn reads_spoken_and_written_figures() {
    let f = figures("100 million new urls a month is about 40 writes per second");
    assert_eq!(
        f,
        [
            Figure {
                value: 1e8,
                period: Period::Month
            },
            Figure {
                value: 40.0,
                period: Period::Second
            }
        ]
    );
    assert_eq!(figures("peak 10k qps")[0].value, 10_000.0);
    assert_eq!(figures("a billion requests per day")[0].value, 1e9);
    assert_eq!(
        figures("if a million people want tickets in an hour")[0],
        Figure {
            value: 1e6,
            period: Period::Hour
        }
    );
    assert_eq!(figures("about 4,000 redirects/s")[0].value, 4_000.0);
    assert!(figures("we have 3 servers").is_empty());
}

#[test]
fn an_estimate_off_by_a_hundred_times_is_caught_and_sound_ones_are_not() {
    let slip =
        estimate_slip("100 million new links a month, so that's roughly 40,000 writes per second.")
            .expect("caught");
    assert!(slip.factor() > 500.0, "{}", slip.factor());
    assert_eq!(say_number(slip.expected), "39");
    assert_eq!(
        slip.correction,
        "100 million a month is about 39 per second, not 40,000"
    );
    for sound in [
        "100 million new URLs a month is about 40 writes per second, with a 100:1 read ratio so 4000 redirects per second.",
        "About a billion requests per day. That's roughly 12k QPS on average and maybe 50k at peak.",
        "50 million daily users each sending 40 messages a day gives 23,000 messages per second.",
        "We have 3 servers and 2 databases.",
        "300 million users × 500 posts × 16 bytes ≈ 2.4 TB of feed ids.",
    ] {
        assert_eq!(estimate_slip(sound), None, "{sound}");
    }
}

#[test]
fn a_product_whose_result_is_off_by_a_thousand_is_caught() {
    let slip = estimate_slip("Feeds hold 300M × 500 × 16 B ≈ 2.4 PB in total.").expect("caught");
    assert_eq!(
        slip.correction,
        "300 million × 500 × 16 bytes is about 2.4 TB, not 2.4 PB"
    );
    assert!(slip.question.ends_with('?'));
    let slip = estimate_slip("Keys: 10 million x 100 bytes = 1 TB.").expect("caught");
    assert!((slip.factor() - 1000.0).abs() < 1.0, "{}", slip.factor());
    assert_eq!(estimate_slip("10 million x 100 bytes = 1 GB."), None);
}

#[test]
fn a_total_that_no_product_of_its_counts_explains_is_caught() {
    let slip = estimate_slip(
        "At about 100 bytes per key, 10 million keys comes to roughly 1 TB of state.",
    )
    .expect("caught");
    assert_eq!(
        slip.correction,
        "10 million × 100 bytes is about 1 GB, not 1 TB"
    );
    assert!(estimate_slip(
        "Keeping 500 entries for each of 300 million users at 16 bytes per entry is about 2.4 PB."
    )
    .is_some());
    for sound in [
        "At roughly 200 bytes per message with metadata, that's 400 GB a day.",
        "2 billion messages a day at 200 bytes per message is about 400 GB a day.",
        "Keeping 500 entries for each of 300 million users at 16 bytes per entry is about 2.4 TB.",
    ] {
        assert_eq!(estimate_slip(sound), None, "{sound}");
    }
}

#[test]
fn missing_requirements_are_named() {
    let features = [
        ("group conversations", "group"),
        ("presence", "presence | online"),
    ];
    let gaps = requirement_gaps(
        "Users send one-to-one messages and see who is online.",
        &features,
    );
    assert_eq!(
        gaps,
        [
            RequirementGap::NonFunctional,
            RequirementGap::Feature("group conversations"),
            RequirementGap::Scale
        ]
    );
    assert!(requirement_gaps(
        "Group chats and presence for 50 million daily users; delivery must be real-time and messages never lost.",
        &features
    )
    .is_empty());
}

#[test]
fn long_unstructured_answers_ramble_and_signposted_ones_do_not() {
    let words = "the system has a component that talks to another component ".repeat(25);
    assert!(Structure::of(&words).rambling());
    let signposted = format!("First, {words}. Then, finally, we are done.");
    assert!(!Structure::of(&signposted).rambling());
    assert!(Structure::of("Does that make sense so far?").checks_in);
}
