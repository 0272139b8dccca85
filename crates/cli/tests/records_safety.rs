//! Issue 11's bypasses of the record rules, each tried through the real binary and refused with a
//! clear message: overrides bound to the contraindicated screening they override, reasons in
//! words, screenings that keep earlier findings and follow the recorded patient, late entries,
//! depths past a limit, same-day sessions, consent and outcomes before the first session.

mod harness;

use harness::records::{
    add_p2, backdate_screenings, bruising, consent, days_ago, db, p2_session, records, today,
};
use harness::{Run, assert_invalid, example, temp_file};

/// P-2 (born 2002, female, Fitzpatrick 3), the patient of the contraindicated example, with the
/// default consent (v1) signed a month ago.
fn with_p2(name: &str) -> String {
    let db = db(name);
    let added = add_p2(&db);
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert_eq!(consent(&db, "P-2", "v1", &days_ago(30)).code, 0);
    db
}

/// A patient file of P-2 with `history` (TOML lines) and a treatment `date`.
fn p2_file(name: &str, history: &str, date: &str) -> String {
    temp_file(
        &format!("{name}.toml"),
        &format!(
            "[patient]\nage = 24\nsex = \"female\"\nfitzpatrick = 3\n\n[history]\n{history}\n\n[treatment]\nindication = \"acne-scars\"\nzones = [\"cheek\"]\ndate = \"{date}\"\n"
        ),
    )
}

/// P-2's file without the contraindications: eligible.
fn eligible(name: &str) -> String {
    p2_file(&format!("{name}-eligible"), "", "2026-12-01")
}

fn contraindicated() -> String {
    example("contraindicated.toml")
}

/// `records clearance add P-2 --rule RULE --reason REASON --json`.
fn clearance(db: &str, rule: &str, reason: &str) -> Run {
    records(
        db,
        &[
            "clearance",
            "add",
            "P-2",
            "--rule",
            rule,
            "--reason",
            reason,
            "--json",
        ],
    )
}

fn screen(db: &str, file: &str) -> Run {
    records(db, &["screen", "P-2", file, "--json"])
}

fn plan(db: &str, file: &str, extra: &[&str]) -> Run {
    let mut args = vec!["plan", "P-2", file];
    args.extend_from_slice(extra);
    records(db, &args)
}

/// A plan of the contraindicated example with an override bound to screening `id`.
fn bound_plan(db: &str, id: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "--override",
        "scar clinic consultant approved",
        "--overrides-screening",
        id,
    ];
    args.extend_from_slice(extra);
    plan(db, &contraindicated(), &args)
}

/// A dermapen session of P-2 on `date` at `zone`, with `extra` options, as JSON.
fn session(db: &str, date: &str, zone: &str, extra: &[&str]) -> Run {
    let mut all = vec!["--json"];
    all.extend_from_slice(extra);
    p2_session(db, "dermapen", date, zone, &all)
}

/// P-2 screened eligible and planned `days` days ago (the screening moved back with SQL).
fn planned_eligible(db: &str, name: &str, days: i64) {
    let file = eligible(name);
    assert_eq!(screen(db, &file).code, 0);
    backdate_screenings(db, "P-2", &days_ago(days));
    let planned = plan(db, &file, &["--date", &days_ago(days)]);
    assert_eq!(planned.code, 0, "{}", planned.stderr);
}

/// Asserts a record-rule refusal (exit 4) whose message names every one of `words`.
fn assert_refused(run: &Run, words: &[&str]) {
    assert_eq!(run.code, 4, "stdout: {} stderr: {}", run.stdout, run.stderr);
    for word in words {
        assert!(
            run.stderr.contains(word),
            "stderr lacks {word:?}: {}",
            run.stderr
        );
    }
}

/// A session of P-2 with `device` on `date` at `zone`: refused without `option` (the message
/// naming `words`), recorded with `option` `reason` and marked with the reason.
fn needs_reason(db: &str, device: &str, date: &str, zone: &str, option: &str, words: &[&str]) {
    let reason = "a reason the clinician wrote";
    assert_refused(&p2_session(db, device, date, zone, &[]), words);
    let marked = p2_session(db, device, date, zone, &["--json", option, reason]);
    assert_eq!(marked.code, 0, "{}", marked.stderr);
    let field = option.trim_start_matches("--").replace('-', "_");
    assert_eq!(marked.json()[field.as_str()], reason, "{}", marked.stdout);
}

#[test]
fn an_override_on_an_eligible_plan_does_not_cover_a_later_contraindication() {
    let db = with_p2("eligible-override");
    let file = eligible("eligible-override");
    assert_eq!(screen(&db, &file).code, 0);
    assert_refused(
        &plan(&db, &file, &["--override", "consultant approved anyway"]),
        &[
            "override overrides a contraindicated screening",
            "screen the patient first",
        ],
    );
    assert_eq!(plan(&db, &file, &[]).code, 0, "the eligible plan itself");
    let screened = screen(&db, &contraindicated());
    assert_eq!(screened.json()["screening"]["verdict"], "contraindicated");
    let id = screened.json()["id"].to_string();
    assert_refused(
        &session(&db, &today(), "cheek:1:3", &[]),
        &["contraindicated", "carries no override", &id],
    );
}

#[test]
fn an_override_written_before_the_contraindication_was_screened_is_refused() {
    let db = with_p2("override-first");
    assert_refused(
        &plan(
            &db,
            &contraindicated(),
            &["--override", "consultant approved in advance"],
        ),
        &["none of P-2 is on record", "screen the patient first"],
    );
    // An override bound to one contraindicated screening does not cover a later one.
    let first = screen(&db, &contraindicated()).json()["id"].to_string();
    assert_invalid(
        &bound_plan(&db, &first, &["--date", &days_ago(1)]),
        &["overrides_screening", "cannot precede what it overrides"],
    );
    let bound = plan(
        &db,
        &contraindicated(),
        &["--override", "scar clinic consultant approved"],
    );
    assert_eq!(bound.code, 0, "{}", bound.stderr);
    assert!(
        bound
            .stdout
            .contains(&format!("OVERRIDE of screening {first}")),
        "the bound screening is printed: {}",
        bound.stdout
    );
    assert_eq!(session(&db, &today(), "cheek:1:3", &[]).code, 0);
    let second = screen(&db, &contraindicated()).json()["id"].to_string();
    assert_refused(
        &session(
            &db,
            &today(),
            "cheek:1:3",
            &["--same-day-reason", "second pass on a separate zone"],
        ),
        &[
            "carries no override",
            &format!("--overrides-screening {second}"),
        ],
    );
    // Nor can an override be bound to a screening that found no contraindication.
    let db = with_p2("override-eligible-id");
    let eligible_id = screen(&db, &eligible("override-eligible-id")).json()["id"].to_string();
    screen(&db, &contraindicated());
    assert_invalid(
        &bound_plan(&db, &eligible_id, &[]),
        &["overrides_screening", "found no contraindication"],
    );
}

#[test]
fn invisible_and_dot_reasons_are_refused() {
    let db = with_p2("reasons");
    assert_eq!(screen(&db, &contraindicated()).code, 0);
    for reason in ["\u{200b}", ".", "\u{200b}.\u{200b}", "   "] {
        assert_invalid(
            &plan(&db, &contraindicated(), &["--override", reason]),
            &["--override", "a reason in words"],
        );
    }
    assert_invalid(
        &clearance(&db, "active-acne", "\u{200b}"),
        &["reason", "a reason in words"],
    );
}

#[test]
fn a_same_day_rescreen_without_the_contraindications_keeps_them_until_cleared() {
    let db = with_p2("rescreen");
    let first = screen(&db, &contraindicated()).json();
    let rules: Vec<String> = first["screening"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["tier"] == "contraindicated")
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect();
    assert!(!rules.is_empty());
    let again = screen(&db, &eligible("rescreen")).json();
    assert_eq!(again["screening"]["verdict"], "contraindicated");
    let kept = again["screening"]["findings"].to_string();
    for rule in &rules {
        assert!(kept.contains(rule.as_str()), "{rule} kept: {kept}");
    }
    assert!(kept.contains("record a clearance to drop it"), "{kept}");
    for rule in &rules {
        let cleared = clearance(&db, rule, "resolved on examination today");
        assert_eq!(cleared.code, 0, "{}", cleared.stderr);
        assert_eq!(cleared.json()["rule"], rule.as_str());
    }
    assert_invalid(
        &clearance(&db, "pregnancy", "never found in the first place"),
        &["rule", "pregnancy"],
    );
    let cleared = screen(&db, &eligible("rescreen")).json();
    assert_ne!(cleared["screening"]["verdict"], "contraindicated");
    let history = records(&db, &["history", "P-2"]);
    assert!(history.stdout.contains("clearance"), "{}", history.stdout);
}

#[test]
fn a_file_that_disagrees_with_the_record_is_refused_naming_the_field() {
    let db = with_p2("disagree");
    let male = temp_file(
        "disagree-male.toml",
        "[patient]\nage = 24\nsex = \"male\"\nfitzpatrick = 3\n[treatment]\nindication = \"acne-scars\"\nzones = [\"cheek\"]\ndate = \"2026-12-01\"\n",
    );
    assert_invalid(&screen(&db, &male), &["patient.sex", "the record of P-2"]);
    let older = temp_file(
        "disagree-older.toml",
        "[patient]\nage = 40\nsex = \"female\"\nfitzpatrick = 3\n[treatment]\nindication = \"acne-scars\"\nzones = [\"cheek\"]\ndate = \"2026-12-01\"\n",
    );
    assert_invalid(&screen(&db, &older), &["patient.age", "born 2002"]);
}

#[test]
fn a_session_dated_before_a_contraindicated_screening_needs_a_late_entry() {
    let db = with_p2("before-screening");
    planned_eligible(&db, "before-screening", 20);
    assert_eq!(
        screen(&db, &contraindicated()).json()["screening"]["verdict"],
        "contraindicated"
    );
    needs_reason(
        &db,
        "dermapen",
        &days_ago(1),
        "cheek:1:3",
        "--late-entry",
        &["before the latest screening", "--late-entry"],
    );
    let history = records(&db, &["history", "P-2"]);
    assert!(history.stdout.contains("LATE ENTRY"), "{}", history.stdout);
}

#[test]
fn a_treatment_date_far_ahead_is_refused() {
    let db = with_p2("far-ahead");
    let far = p2_file("far-ahead", "", &days_ago(-365));
    assert_invalid(&screen(&db, &far), &["treatment.date", "30 days ahead"]);
    assert_invalid(&plan(&db, &far, &[]), &["treatment.date", "30 days ahead"]);
}

#[test]
fn depths_past_a_limit_need_a_reason_and_are_marked() {
    let db = with_p2("depth");
    planned_eligible(&db, "depth", 10);
    needs_reason(
        &db,
        "skinpen",
        &days_ago(1),
        "cheek:2.5:3",
        "--depth-reason",
        &["labelled maximum 1.5 mm", "--depth-reason"],
    );
    needs_reason(
        &db,
        "dermapen",
        &today(),
        "periorbital:2.5:1",
        "--depth-reason",
        &["site's maximum depth 0.5 mm", "--depth-reason"],
    );
    let history = records(&db, &["history", "P-2", "--json"]).json();
    assert!(
        history["sessions"][0]["warnings"]
            .to_string()
            .contains("labelled maximum"),
        "{history}"
    );
}

#[test]
fn a_second_session_on_one_day_needs_a_reason() {
    let db = with_p2("same-day");
    planned_eligible(&db, "same-day", 10);
    assert_eq!(session(&db, &today(), "cheek:1:3", &[]).code, 0);
    needs_reason(
        &db,
        "dermapen",
        &today(),
        "forehead:0.5:2",
        "--same-day-reason",
        &["already recorded on", "--same-day-reason"],
    );
}

#[test]
fn a_session_needs_a_consent_of_the_required_version() {
    let db = db("no-consent");
    assert_eq!(add_p2(&db).code, 0);
    planned_eligible(&db, "no-consent", 10);
    assert_refused(
        &session(&db, &today(), "cheek:1:3", &[]),
        &["no consent of version v1", "records consent P-2"],
    );
    assert_eq!(consent(&db, "P-2", "v0", &days_ago(5)).code, 0);
    assert_refused(
        &session(&db, &today(), "cheek:1:3", &[]),
        &["no consent of version v1"],
    );
    let v0 = session(&db, &today(), "cheek:1:3", &["--consent-version", "v0"]);
    assert_eq!(v0.code, 0, "the policy is configurable: {}", v0.stderr);
}

#[test]
fn outcomes_and_adverse_events_cannot_precede_the_first_session() {
    let db = with_p2("outcome-first");
    planned_eligible(&db, "outcome-first", 10);
    let outcome = |date: &str| {
        records(
            &db,
            &[
                "outcome",
                "add",
                "P-2",
                "--scale",
                "Goodman & Baron",
                "--score",
                "3",
                "--assessor",
                "Dr B",
                "--date",
                date,
            ],
        )
    };
    assert_invalid(&outcome(&today()), &["assessed_at", "none recorded yet"]);
    assert_eq!(session(&db, &today(), "cheek:1:3", &[]).code, 0);
    assert_invalid(&outcome(&days_ago(1)), &["assessed_at", "first session"]);
    assert_invalid(
        &bruising(&db, "P-2", "mild", &days_ago(1)),
        &["onset", "first session"],
    );
    assert_eq!(outcome(&today()).code, 0);
}
