//! # microneedling-report
//!
//! Self-contained HTML reports: inline SVG figures drawn by hand (no plotting crate, no fonts, no
//! scripts, no network), tables and the sources cited. Reports exist for a plan, for each
//! simulation and for the validation run.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use microneedling_core::healing::Healing;
use microneedling_core::penetration::Penetration;
use microneedling_core::screening::Screening;
use microneedling_core::screening::adverse::probability_text;
use microneedling_core::transport::Delivery;
use microneedling_core::validation::ValidationCase;

pub mod figures;
mod plan;
pub mod svg;

pub use plan::plan_report;

use svg::escape;

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub html: String,
}

/// A report: a title, sections in order, a disclaimer at the foot.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub sections: Vec<Section>,
    pub disclaimer: String,
}

const STYLE: &str = "body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\
figure{margin:1em 0}figcaption{font-size:.9em;color:#555}svg.figure{max-width:100%;height:auto;background:#fff}\
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\
.pass{color:#2e7d32}.fail{color:#c62828}.note{font-size:.9em;color:#555}";

fn figure(svg: String, caption: &str) -> String {
    format!(
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(caption)
    )
}

fn list(items: &[String]) -> String {
    let mut html = String::from("<ul>\n");
    for item in items {
        let _ = writeln!(html, "<li>{}</li>", escape(item));
    }
    html.push_str("</ul>\n");
    html
}

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut html = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr>\n");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            let _ = write!(html, "<td>{}</td>", escape(cell));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}

impl Report {
    pub fn new(title: impl Into<String>, disclaimer: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            sections: Vec::new(),
            disclaimer: disclaimer.into(),
        }
    }

    pub fn add(&mut self, heading: impl Into<String>, html: impl Into<String>) {
        self.sections.push(Section {
            heading: heading.into(),
            html: html.into(),
        });
    }

    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"note\">{}</p>\n",
            escape(&self.title),
            escape(&self.title),
            escape(&self.disclaimer)
        );
        for s in &self.sections {
            let _ = write!(
                html,
                "<section>\n<h2>{}</h2>\n{}</section>\n",
                escape(&s.heading),
                s.html
            );
        }
        html.push_str("</body>\n</html>\n");
        html
    }

    pub fn penetration(&mut self, p: &Penetration) {
        let layers: Vec<&str> = p.layers_reached.iter().map(|l| l.name()).collect();
        let caption = format!(
            "Effective depth {:.0} um of a {:.0} um needle; reaches {}; pinpoint bleeding {}.",
            p.effective_depth_um,
            p.nominal_length_um,
            if layers.is_empty() {
                "no layer".to_string()
            } else {
                layers.join(", ")
            },
            if p.pinpoint_bleeding_expected {
                "expected"
            } else {
                "not expected"
            }
        );
        let mut html = figure(figures::cross_section(p), &caption);
        html.push_str(&figure(
            figures::channels(p),
            &format!("Injured dermis: {:.3} % of its volume; pain {:.1}/10 without anaesthetic; erythema about {:.0} h.", p.injured_dermis_fraction * 100.0, p.pain_0_10, p.erythema_hours),
        ));
        if !p.warnings.is_empty() {
            html.push_str(&list(&p.warnings));
        }
        self.add(format!("Penetration at the {}", p.site), html);
    }

    pub fn delivery(&mut self, d: &Delivery) {
        let ratio = d.enhancement_ratio.map_or(
            "channel-only (intact skin: next to nothing)".to_string(),
            |r| format!("{r:.1}x intact skin"),
        );
        let mut html = figure(
            figures::delivery_over_time(d),
            &format!(
                "Channels close with a half-life of {:.1} h; at {} h: {ratio}.",
                d.channel_half_life_h, d.hours
            ),
        );
        if d.profiles.len() >= 2 {
            html.push_str(&figure(
                figures::delivery_map(d),
                "Row-averaged tissue concentration; darker is higher (log scale).",
            ));
        }
        if !d.warnings.is_empty() {
            html.push_str(&list(&d.warnings));
        }
        self.add(format!("Delivery of {}", d.agent), html);
    }

    pub fn healing(&mut self, h: &Healing) {
        let mut html = figure(
            figures::collagen(h),
            "New collagen as a share of the baseline dermal collagen; S marks each session.",
        );
        html.push_str(&figure(
            figures::cells(h),
            "The injury response that drives it.",
        ));
        match (&h.outcome_basis, &h.outcome_note) {
            (Some(b), _) => html.push_str(&figure(
                figures::outcome(&h.outcome, b),
                &format!(
                    "{}: median and p10-p90 of {} virtual patients (seed {}); fitted on: {}",
                    b.scale_name, b.samples, b.seed, b.source
                ),
            )),
            (None, Some(note)) => {
                let _ = writeln!(html, "<p>{}</p>", escape(note));
            }
            (None, None) => {}
        }
        if !h.warnings.is_empty() {
            html.push_str(&list(&h.warnings));
        }
        self.add("Healing and collagen over months", html);
    }

    pub fn screening(&mut self, s: &Screening) {
        let rows: Vec<Vec<String>> = s
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.tier.as_str().into(),
                    f.rule.clone(),
                    f.message.clone(),
                    f.source.clone(),
                ]
            })
            .collect();
        let mut html = format!(
            "<p>Verdict: <strong>{}</strong> (device {})</p>\n",
            escape(s.verdict.as_str()),
            escape(&s.device)
        );
        html.push_str(&table(&["tier", "rule", "finding", "source"], &rows));
        if !s.actions.is_empty() {
            html.push_str("<p>Required actions</p>\n");
            html.push_str(&list(&s.actions));
        }
        let effects: Vec<Vec<String>> = s
            .adverse_effects
            .iter()
            .map(|e| {
                let raised: Vec<&str> = e.raised_by.iter().map(|d| d.reason.as_str()).collect();
                vec![
                    e.name.clone(),
                    e.likelihood.as_str().into(),
                    probability_text(e),
                    e.typical_duration.clone(),
                    raised.join("; "),
                    e.probability_source.clone(),
                ]
            })
            .collect();
        html.push_str(&table(
            &[
                "adverse effect",
                "likelihood",
                "probability, median (10-90 %)",
                "typical duration",
                "raised by",
                "probability source",
            ],
            &effects,
        ));
        html.push_str(
            "<p>Probabilities are decision support, pooled from small trials for this patient's stratum; not a prediction for one person.</p>\n",
        );
        self.add("Screening", html);
    }

    pub fn validation(&mut self, cases: &[ValidationCase]) {
        let mut html = table(
            &[
                "result",
                "case",
                "kind",
                "description",
                "expected",
                "computed",
                "tolerance",
                "source",
            ],
            &cases
                .iter()
                .map(|c| {
                    vec![
                        if c.passed {
                            "PASS".into()
                        } else {
                            "FAIL".into()
                        },
                        c.id.clone(),
                        c.kind.as_str().into(),
                        c.description.clone(),
                        format!("{:.4}", c.expected),
                        format!("{:.4}", c.computed),
                        c.tolerance.clone(),
                        c.source.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        );
        let failed = cases.iter().filter(|c| !c.passed).count();
        let _ = writeln!(
            html,
            "<p class=\"{}\">{} passed, {} failed</p>",
            if failed == 0 { "pass" } else { "fail" },
            cases.len() - failed,
            failed
        );
        self.add("Validation cases", html);
    }
}
