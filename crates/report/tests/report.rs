//! Reports: every figure present, axes labelled with units, no NaN, no empty series; the
//! structure snapshotted (insta) without numbers; and the page rendered in headless Chromium.

use chrono::NaiveDate;
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, plan};
use microneedling_report::{Report, plan_report};

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("knowledge base")
}

/// The acne-scar example's plan report, with every figure.
fn full_report() -> String {
    let kb = kb();
    let text = include_str!("../../../examples/acne-scars.toml");
    let patient = Patient::from_toml(
        "acne-scars",
        text,
        kb,
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
    )
    .expect("patient");
    let PlanOutcome::Planned(p) = plan(kb, &patient, None, &kb.isotretinoin_policy).expect("plan")
    else {
        panic!("refused")
    };
    // The plan carries every simulation its report draws: no model runs here.
    plan_report(&p).to_html()
}

/// The `<svg class="figure" …>…</svg>` blocks of a page.
fn figures(html: &str) -> Vec<&str> {
    html.match_indices("<svg class=\"figure\"")
        .map(|(start, _)| {
            let end = html[start..]
                .find("</svg>")
                .map_or(html.len(), |e| start + e + 6);
            &html[start..end]
        })
        .collect()
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

fn text_of<'a>(svg: &'a str, class: &str) -> Option<&'a str> {
    let start = svg.find(&format!("class=\"{class}\""))?;
    let open = start + svg[start..].find('>')? + 1;
    Some(&svg[open..open + svg[open..].find('<')?])
}

/// Figure id, title, axis labels and each series' name and point count: the structure, no numbers.
fn skeleton(html: &str) -> String {
    let mut out = String::new();
    for heading in html
        .match_indices("<h2>")
        .map(|(i, _)| &html[i + 4..i + 4 + html[i + 4..].find('<').unwrap_or(0)])
    {
        out.push_str(&format!("section: {heading}\n"));
    }
    for svg in figures(html) {
        out.push_str(&format!(
            "figure {}: x = {:?}, y = {:?}\n",
            attribute(svg, "id").unwrap_or("?"),
            text_of(svg, "x-label"),
            text_of(svg, "y-label")
        ));
        for (i, _) in svg.match_indices("<polyline") {
            let tag = &svg[i..i + svg[i..].find("/>").unwrap_or(0)];
            let points = attribute(tag, "points").map_or(0, |p| p.split_whitespace().count());
            out.push_str(&format!(
                "  series {:?}: {}\n",
                attribute(tag, "data-name").unwrap_or("?"),
                if points >= 2 { "drawn" } else { "EMPTY" }
            ));
        }
    }
    out
}

#[test]
fn every_figure_is_present_with_labelled_axes_and_real_data() {
    let html = full_report();
    assert!(
        !html.contains("NaN") && !html.contains("inf\""),
        "no NaN or infinite values"
    );
    let outside = html.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !html.contains("<script") && !outside.contains("http://") && !outside.contains("https://"),
        "self-contained: no scripts, no links out"
    );
    let ids: Vec<&str> = figures(&html)
        .iter()
        .filter_map(|svg| attribute(svg, "id"))
        .collect();
    for id in [
        "fig-cross-section",
        "fig-channels",
        "fig-delivery",
        "fig-delivery-map",
        "fig-collagen",
        "fig-cells",
        "fig-outcome",
    ] {
        assert!(ids.contains(&id), "missing {id} in {ids:?}");
    }
    for svg in figures(&html) {
        let id = attribute(svg, "id").unwrap_or("?");
        let x = text_of(svg, "x-label").unwrap_or("");
        assert!(
            x.contains('(') && x.contains(')'),
            "{id}: x axis without a unit: {x:?}"
        );
        if id != "fig-channels" {
            let y = text_of(svg, "y-label").unwrap_or("");
            assert!(
                y.contains('(') && y.contains(')'),
                "{id}: y axis without a unit: {y:?}"
            );
        }
        for (i, _) in svg.match_indices("<polyline") {
            let tag = &svg[i..i + svg[i..].find("/>").unwrap_or(0)];
            let points = attribute(tag, "points").map_or(0, |p| p.split_whitespace().count());
            assert!(
                points >= 2,
                "{id}: an empty series {:?}",
                attribute(tag, "data-name")
            );
        }
    }
    for section in [
        "Screening",
        "Zones",
        "Session timeline",
        "Pre- and aftercare",
        "Sources",
    ] {
        assert!(
            html.contains(&format!("<h2>{section}</h2>")),
            "missing section {section}"
        );
    }
}

#[test]
fn report_structure_snapshot() {
    insta::assert_snapshot!(skeleton(&full_report()));
}

#[test]
fn the_validation_report_lists_every_case() {
    let kb = kb();
    let mut cases = microneedling_core::validation::penetration_cases(kb);
    cases.extend(microneedling_core::validation::healing_cases(kb));
    let mut r = Report::new("Validation", kb.disclaimer.clone());
    r.validation(&cases);
    let html = r.to_html();
    for c in &cases {
        assert!(html.contains(&c.id), "{}", c.id);
    }
    assert!(html.contains(&format!("{} passed, 0 failed", cases.len())));
}

/// Renders the report in Debian's Chromium through playwright-core (installed by .ci/run: the
/// `chromium` package and `npm ci` in browser/). Without them it says so and stops, unless
/// MICRONEEDLING_BROWSER_TESTS=1 (set by .ci/run) makes their absence a failure.
#[test]
fn the_report_renders_in_headless_chromium_without_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../browser");
    let required = std::env::var("MICRONEEDLING_BROWSER_TESTS").is_ok_and(|v| v == "1");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && dir.join("node_modules/playwright-core").exists();
    if !ready {
        assert!(
            !required,
            "MICRONEEDLING_BROWSER_TESTS=1 but chromium or playwright-core is missing (run .ci/run)"
        );
        eprintln!(
            "skipped: install Debian's chromium and run `npm ci` in {} (or run .ci/run)",
            dir.display()
        );
        return;
    }
    let path = std::env::temp_dir().join(format!("mn-report-{}.html", std::process::id()));
    std::fs::write(&path, full_report()).expect("report written");
    let output = std::process::Command::new("node")
        .arg(dir.join("check.mjs"))
        .arg(&path)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON from the browser");
    assert_eq!(result["errors"], serde_json::json!([]), "console errors");
    assert_eq!(
        result["requests"],
        serde_json::json!([]),
        "no network requests"
    );
    let figures = result["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 7);
    for f in figures {
        assert!(
            f["width"].as_f64().is_some_and(|w| w > 100.0)
                && f["height"].as_f64().is_some_and(|h| h > 100.0),
            "{f}"
        );
    }
}
