//! Healing: the calibration table and the phase timing of one session.

use super::{CaseKind, Scope, ValidationCase, claim_case};
use crate::KnowledgeBase;
use crate::skin::{Sex, SkinProfile};

/// The healing calibration table and the phase timing of one session.
pub fn healing_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    use crate::calibration;
    use crate::healing::{HealingRequest, simulate};
    let mut cases: Vec<ValidationCase> = calibration::table(kb)
        .into_iter()
        .map(|row| ValidationCase {
            kind: CaseKind::Calibration,
            id: format!("healing-{}", row.id),
            model: "healing",
            description: String::from(
                "calibration point of data/healing.toml (the model's central rates)",
            ),
            source: row.source,
            expected: row.expected,
            computed: row.model,
            tolerance: format!("within ±{}", row.tolerance),
            passed: row.passed,
            factor: None,
        })
        .collect();
    let phases = kb
        .device("dermaroller-192")
        .ok()
        .zip(
            kb.site("cheek")
                .ok()
                .and_then(|s| SkinProfile::new(s, Sex::Female, 35.0, &kb.age_model).ok()),
        )
        .and_then(|(device, skin)| {
            let penetration = kb.penetration.simulate(device, 1.5, &skin, 15);
            HealingRequest::builder(device, &penetration)
                .sessions(1)
                .samples(1)
                .build()
                .ok()
        })
        .map(|request| simulate(&kb.healing, &request).peaks);
    let timing = phases.is_some_and(|p| {
        p.inflammation_day <= 4
            && (7..=14).contains(&p.fibroblasts_day)
            && p.collagen_iii_day < p.collagen_i_day
    });
    cases.push(claim_case(
Scope(CaseKind::Calibration, "healing"),
"healing-phase-timing",
        "One session: inflammation peaks within days, fibroblasts in 1-2 weeks, collagen III before collagen I",
        "Wound-healing timeline [@secondary-healing]; Segal et al. 2012 [@segal2012]",
        timing,
    ));
    cases
}
