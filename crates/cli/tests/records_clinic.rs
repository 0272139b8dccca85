//! The clinic's daily views through the binary: the patient list and its search, the due list
//! (text, JSON, iCalendar), a lot recall and the summary.

mod harness;

use harness::records::{add_patient, consent, days_ago, db, ready, records};
use harness::{Run, assert_exit};

/// A session of `code` yesterday with cartridge `lot` and hyaluronic acid of `topical_lot`.
fn session(db: &str, code: &str, lot: &str, topical_lot: &str) -> Run {
    records(
        db,
        &[
            "session",
            "add",
            code,
            "--date",
            &days_ago(1),
            "--device",
            "skinpen",
            "--serial",
            "SP-77",
            "--lot",
            lot,
            "--zone",
            "cheek:1.5:3",
            "--topical",
            &format!("hyaluronic-acid:{topical_lot}"),
            "--endpoint",
            "erythema",
            "--operator",
            "Dr A",
        ],
    )
}

/// P-1 and P-2 planned a month ago with one session yesterday each (cartridge C-7 for both,
/// topical lots HA-1 and HA-2), and Q-3 never treated.
fn clinic(name: &str) -> String {
    let db = db(name);
    for code in ["P-1", "P-2"] {
        ready(&db, code);
        assert_eq!(consent(&db, code, "v1", &days_ago(31)).code, 0);
    }
    let first = session(&db, "P-1", "C-7", "HA-1");
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(session(&db, "P-2", "C-7", "HA-2").code, 0);
    assert_eq!(add_patient(&db, "Q-3").code, 0);
    db
}

#[test]
fn patients_are_listed_and_searched() {
    let db = clinic("clinic-list");
    let all = records(&db, &["patients", "--json"]).json();
    let codes: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["P-1", "P-2", "Q-3"]);
    assert_eq!(all["items"][0]["sessions"], 1);
    assert_eq!(all["items"][0]["indication"], "acne-scars");
    let found = records(&db, &["patients", "--search", "q-"]);
    assert_eq!(found.code, 0);
    assert!(found.stdout.starts_with("1 patients"), "{}", found.stdout);
    assert!(found.stdout.contains("Q-3") && !found.stdout.contains("P-1"));
}

#[test]
fn due_gives_each_next_session_as_text_json_and_icalendar() {
    let db = clinic("clinic-due");
    let due = records(&db, &["due", "--within-days", "60", "--format", "json"]).json();
    let items = due["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{due}");
    // The acne-scars plan: 4 weeks after yesterday's session.
    assert_eq!(items[0]["kind"], "session");
    assert_eq!(items[0]["session_number"], 2);
    assert_eq!(items[0]["days_from_today"], 27);
    let text = records(&db, &["due", "--within-days", "60"]);
    assert!(text.stdout.contains("in 27 days"), "{}", text.stdout);
    assert!(text.stdout.contains("Decision support"));
    assert!(
        records(&db, &["due"]).stdout.contains("(0 items)"),
        "none within 14 days"
    );
    let ics = records(&db, &["due", "--within-days", "60", "--format", "ics"]);
    assert_eq!(ics.code, 0);
    assert!(ics.stdout.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(ics.stdout.matches("BEGIN:VEVENT").count(), 2);
    assert_exit(
        &records(&db, &["due", "--within-days=-3"]),
        2,
        &["--within-days", "0 to 3650"],
    );
}

#[test]
fn a_lot_recall_finds_every_patient_and_the_summary_counts_the_clinic() {
    let db = clinic("clinic-lot");
    let cartridge = records(&db, &["lot", "C-7", "--json"]).json();
    let uses = cartridge["items"].as_array().expect("items");
    assert_eq!(uses.len(), 2);
    assert_eq!(uses[0]["used_as"], "cartridge");
    let topical = records(&db, &["lot", "HA-2"]);
    assert!(
        topical.stdout.contains("1 uses in sessions of 1 patients"),
        "{}",
        topical.stdout
    );
    assert!(topical.stdout.contains("P-2") && topical.stdout.contains("topical hyaluronic-acid"));
    let summary = records(&db, &["summary", "--json"]).json();
    assert_eq!(summary["patients"], 3);
    assert_eq!(summary["adverse_event_rates"][0]["sessions"], 2);
    assert_eq!(summary["adverse_event_rates"][0]["adverse_events"], 0);
    assert!(summary["engine_version"].is_string());
}

#[test]
fn a_signed_consent_and_a_kept_photo_read_back_from_the_history() {
    let db = clinic("clinic-photo");
    let png = harness::root().join("docs/images/plan-report.png");
    let png = png.display().to_string();
    let text = harness::temp_file("clinic-photo-consent.txt", "I consent to photographs.");
    let signed = records(
        &db,
        &[
            "consent",
            "P-1",
            "--version",
            "v2",
            "--text-file",
            &text,
            "--signer",
            "Jane Roe (patient)",
            "--signature-file",
            &png,
        ],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let unsigned = records(
        &db,
        &[
            "consent",
            "P-1",
            "--version",
            "v2",
            "--text-file",
            &text,
            "--signature-file",
            &png,
        ],
    );
    assert_exit(&unsigned, 2, &["signer"]);
    let refused = records(&db, &["photo", "add", "P-1", &png, "--view", "front"]);
    assert_exit(&refused, 4, &["consent to photos"]);
    let kept = records(
        &db,
        &[
            "photo",
            "add",
            "P-1",
            &png,
            "--view",
            "front",
            "--zone",
            "cheek",
            "--photo-consent",
            "--json",
        ],
    );
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    let photo = kept.json();
    assert_eq!(photo["media_type"], "image/png");
    let history = records(&db, &["history", "P-1", "--json"]).json();
    assert_eq!(history["consents"][1]["signer"], "Jane Roe (patient)");
    assert!(history["consents"][1]["signature_sha256"].is_string());
    assert_eq!(history["photo_series"][0]["zone"], "cheek");
    let id = photo["id"].to_string();
    let out = std::env::temp_dir().join(format!("mn-photo-{}.png", std::process::id()));
    let shown = records(
        &db,
        &["photo", "show", &id, "--out", &out.display().to_string()],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let bytes = std::fs::read(&out).expect("image written");
    assert_eq!(
        microneedling_store::sha256_hex(&bytes),
        photo["file_sha256"].as_str().expect("hash")
    );
    assert!(bytes.starts_with(b"\x89PNG"));
}
