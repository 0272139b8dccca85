//! The sections of the model runs: penetration, delivery, healing, screening and validation.

use microneedling_core::healing::Healing;
use microneedling_core::penetration::Penetration;
use microneedling_core::screening::Screening;
use microneedling_core::screening::adverse::probability_text;
use microneedling_core::transport::Delivery;
use microneedling_core::validation::ValidationCase;

use crate::format::{percent, sig};
use crate::{Caution, Report, figure, figures, list, numeric_table, paragraph, table};

impl Report {
    /// The cross-section to scale, then the channels and the injury as a table (two numbers and
    /// their product say more as text than as a bar chart).
    pub fn penetration(&mut self, p: &Penetration) {
        let layers: Vec<&str> = p.layers_reached.iter().map(|l| l.name()).collect();
        let caption = format!(
            "Effective depth {} µm of a {} µm needle (the skin deflects first); reaches {}; pinpoint bleeding {}.",
            sig(p.effective_depth_um, 3),
            sig(p.nominal_length_um, 3),
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
        let rows = vec![
            vec![
                "channels".to_string(),
                format!(
                    "{} per cm² per pass × {} passes = {} per cm²",
                    sig(p.channels_per_cm2_per_pass, 3),
                    p.passes,
                    sig(p.channels_per_cm2, 3)
                ),
            ],
            vec![
                "channel at the surface".into(),
                format!(
                    "{} µm wide, {} nL each",
                    sig(p.channel_surface_diameter_um, 2),
                    sig(p.channel_volume_nl, 2)
                ),
            ],
            vec![
                "injured dermis".into(),
                format!("{} of its volume", percent(p.injured_dermis_fraction, 2)),
            ],
            vec![
                "pain without anaesthetic".into(),
                format!("{} / 10", sig(p.pain_0_10, 2)),
            ],
            vec![
                "erythema".into(),
                format!("about {} h", sig(p.erythema_hours, 2)),
            ],
        ];
        html.push_str(&table(&["per session", "value"], &rows));
        if !p.warnings.is_empty() {
            html.push_str(&list(&p.warnings));
        }
        self.add(format!("Penetration at the {}", p.site), html);
    }

    /// Amount per layer over time, then the concentration map when there are profiles.
    pub fn delivery(&mut self, d: &Delivery) {
        let ratio = d.enhancement_ratio.map_or(
            "channel-only (intact skin: next to nothing)".to_string(),
            |r| format!("{}× intact skin", sig(r, 2)),
        );
        let mut html = figure(
            figures::delivery_over_time(d),
            &format!(
                "Channels close with a half-life of {} h; at {} h: {ratio}.",
                sig(d.channel_half_life_h, 2),
                sig(d.hours, 3)
            ),
        );
        if d.profiles.len() >= 2 {
            html.push_str(&figure(
                figures::delivery_map(d),
                "Row-averaged tissue concentration; darker is higher (log scale, labelled by decade).",
            ));
        }
        if !d.warnings.is_empty() {
            html.push_str(&list(&d.warnings));
        }
        self.add(format!("Delivery of {}", d.agent), html);
    }

    /// New collagen by month, the daily injury response and the outcome band (or why none).
    pub fn healing(&mut self, h: &Healing) {
        let mut html = figure(
            figures::collagen(h),
            "New collagen as a share of the baseline dermal collagen; S marks each session.",
        );
        html.push_str(&figure(
            figures::cells(h),
            &format!(
                "The injury response that drives it, day by day: inflammation is highest on day {}, activated fibroblasts on day {} after the first session.",
                h.peaks.inflammation_day, h.peaks.fibroblasts_day
            ),
        ));
        match (&h.outcome_basis, &h.outcome_note) {
            (Some(b), _) => html.push_str(&figure(
                figures::outcome(&h.outcome, b),
                &format!(
                    "{}: median and p10-p90 of {} virtual patients (seed {}); fitted on: {}",
                    b.scale_name, b.samples, b.seed, b.source
                ),
            )),
            (None, Some(note)) => html.push_str(&paragraph("", note)),
            (None, None) => {}
        }
        if !h.warnings.is_empty() {
            html.push_str(&list(&h.warnings));
        }
        self.add("Healing and collagen over months", html);
    }

    /// The findings as highlighted cautions with their actions; the verdict and the
    /// adverse-effect profile as a section.
    pub fn screening(&mut self, s: &Screening) {
        for f in &s.findings {
            self.cautions.push(Caution {
                level: f.tier.as_str().into(),
                text: f.message.clone(),
                actions: f.actions.clone(),
                source: f.source.clone(),
            });
        }
        let mut html = paragraph(
            "",
            &format!(
                "Verdict: {} (device {}); {}.",
                s.verdict.as_str(),
                s.device,
                match s.findings.len() {
                    0 => "no contraindication, clearance or caution rule applies".to_string(),
                    1 => "1 finding, under Cautions above".to_string(),
                    n => format!("{n} findings, under Cautions above"),
                }
            ),
        );
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
        html.push_str(&paragraph(
            "note",
            "Probabilities are decision support, pooled from small trials for this patient's stratum; not a prediction for one person.",
        ));
        self.add("Screening", html);
    }

    /// Every case with its verdict; numbers to four significant figures, residuals near zero in
    /// scientific notation (never rounded to "0.0000").
    pub fn validation(&mut self, cases: &[ValidationCase]) {
        let rows: Vec<Vec<String>> = cases
            .iter()
            .map(|c| {
                vec![
                    if c.passed { "PASS" } else { "FAIL" }.into(),
                    c.id.clone(),
                    c.kind.as_str().into(),
                    c.description.clone(),
                    sig(c.expected, 4),
                    sig(c.computed, 4),
                    c.tolerance.clone(),
                    c.source.clone(),
                ]
            })
            .collect();
        let mut html = numeric_table(
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
            &rows,
            &[4, 5],
        );
        let failed = cases.iter().filter(|c| !c.passed).count();
        html.push_str(&paragraph(
            if failed == 0 { "pass" } else { "fail" },
            &format!("{} passed, {} failed", cases.len() - failed, failed),
        ));
        self.add("Validation cases", html);
    }
}
