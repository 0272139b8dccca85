//! Shared helpers of the core's integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;

pub fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("the embedded knowledge base loads")
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A patient file with a clean history plus `history` lines, for `indication` and `treatment` lines.
pub fn patient_toml(fitzpatrick: u8, history: &str, treatment: &str) -> String {
    format!(
        "[patient]\nage = 40\nsex = \"female\"\nfitzpatrick = {fitzpatrick}\n[history]\n{history}\n[treatment]\n{treatment}\ndate = \"2026-12-01\"\n"
    )
}

pub fn patient(fitzpatrick: u8, history: &str, treatment: &str) -> Patient {
    Patient::from_toml(
        "test",
        &patient_toml(fitzpatrick, history, treatment),
        kb(),
        day("2026-12-01"),
    )
    .expect("test patient is valid")
}

/// The side effects the seed article lists (its six common ones, bleeding, three severe ones and
/// burns from energy devices).
pub const ARTICLE_EFFECTS: [&str; 11] = [
    "dryness",
    "flaking",
    "bruising",
    "swelling",
    "redness",
    "discomfort",
    "bleeding",
    "infection",
    "pigment-change",
    "topical-reaction",
    "burns",
];

/// The effects DESIGN.md adds to the article's.
pub const ADDED_EFFECTS: [&str; 4] = [
    "pih",
    "tram-track-scarring",
    "granulomas",
    "herpes-reactivation",
];
