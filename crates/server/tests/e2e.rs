//! The web page end to end in real headless Chromium (playwright-core driving Debian's chromium):
//! screen, plan, record a consent signed on the pad and a session (after a field error shown next
//! to its field), keep a photo (refused without photo consent), see the history with its outcome
//! trend (text neither overlapping nor clipped, points inside the plot, y ticks), the consent's
//! signer and the photo series, then the patient list and the due list.
//! Needs `chromium` and `npm ci` in browser/: ignored unless asked for with
//! `-- --include-ignored` (.ci/run installs both and does), and failing when they are missing.

mod common;

#[test]
#[ignore = "needs Chromium: run with -- --include-ignored (.ci/run does)"]
fn a_clinician_screens_plans_records_and_reads_the_history_in_a_browser() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../browser");
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists()
            && dir.join("node_modules/playwright-core").exists(),
        "needs Debian's chromium and `npm ci --prefix browser` in {} (.ci/run installs both)",
        dir.display()
    );
    let s = common::server();
    let screenshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-web-page.png");
    let output = std::process::Command::new("node")
        .arg(dir.join("e2e.mjs"))
        .arg(&s.base)
        .arg(&s.clinician)
        .arg(&screenshot)
        .arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs/images/plan-report.png"),
        )
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["verdict"], "caution", "{result}");
    // Every history field of the patient file is on the form, and each one counts.
    assert_eq!(
        result["flagBoxes"], result["fields"]["history_flags"],
        "one checkbox per history flag: {result}"
    );
    assert_eq!(
        result["fields"]["history_flags"].as_array().map(Vec::len),
        Some(microneedling_core::patient::HistoryFlag::ALL.len())
    );
    assert_eq!(result["openWounds"], "contraindicated", "{result}");
    assert_eq!(result["recentLaser"], "needs-clearance", "{result}");
    assert!(
        result["isotretinoin"]
            .as_str()
            .is_some_and(|f| f.contains("Isotretinoin taken within")),
        "the isotretinoin date from the form is screened: {result}"
    );
    assert!(
        result["plan"]
            .as_str()
            .is_some_and(|p| p.contains("sessions every")),
        "{result}"
    );
    assert!(
        result["fieldError"]
            .as_str()
            .is_some_and(|e| e.contains("depth")),
        "the error shows next to its field: {result}"
    );
    assert_eq!(result["sessions"], 1);
    assert!(
        result["consentStatus"]
            .as_str()
            .is_some_and(|s| s.contains("with its signature")),
        "{result}"
    );
    assert!(
        result["consents"]
            .as_str()
            .is_some_and(|c| c.contains("signed by E2E Patient") && c.contains("signature kept")),
        "{result}"
    );
    assert!(
        result["photoRefused"]
            .as_str()
            .is_some_and(|s| s.contains("consent to photos")),
        "{result}"
    );
    assert_eq!(
        result["photos"].as_array().map(Vec::len),
        Some(1),
        "{result}"
    );
    assert!(
        result["photos"][0]["width"]
            .as_u64()
            .is_some_and(|w| w > 100),
        "the image shows: {result}"
    );
    assert!(
        result["photos"][0]["caption"]
            .as_str()
            .is_some_and(|c| c.starts_with("before")),
        "{result}"
    );
    assert_eq!(
        result["patientCodes"],
        serde_json::json!(["E2E-1"]),
        "{result}"
    );
    assert!(
        result["due"]
            .as_array()
            .is_some_and(|d| d.iter().any(|row| row
                .as_str()
                .is_some_and(|r| r.contains("E2E-1") && r.contains("session 2")))),
        "{result}"
    );
    assert_eq!(result["calendarStart"], "BEGIN:VCALENDAR", "{result}");
    assert_eq!(result["trend"], 1, "the outcome trend is drawn");
    assert_eq!(
        result["trendText"]["problems"],
        serde_json::json!([]),
        "the trend's text neither overlaps nor is clipped: {result}"
    );
    assert!(
        result["trendText"]["measured"]
            .as_u64()
            .is_some_and(|n| n >= 4),
        "{result}"
    );
    let geometry = &result["trendGeometry"][0];
    assert_eq!(geometry["points"], 1, "{result}");
    assert_eq!(
        geometry["outside"], 0,
        "every point inside the plot: {result}"
    );
    assert!(
        geometry["yTicks"].as_array().is_some_and(|t| t.len() >= 3),
        "the y axis has labelled ticks: {result}"
    );
    assert_eq!(result["errors"], serde_json::json!([]));
    assert!(
        std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000),
        "a screenshot was saved"
    );
}
