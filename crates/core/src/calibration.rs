//! The healing calibration table: each declared point of `data/healing.toml`, the model's value there,
//! and whether it falls within the point's tolerance.

use serde::Serialize;

use crate::healing::params::CalibrationPoint;
use crate::healing::{Course, Rates, State, integrate_fast, sample_scale, scale_value};
use crate::knowledge::KnowledgeBase;
use crate::skin::{Sex, SkinProfile};

/// Samples and seed behind responder-share calibrations.
pub const CALIBRATION_SAMPLES: usize = 2000;
/// Seed behind responder-share calibrations.
pub const CALIBRATION_SEED: u64 = 2026;

/// One row of the healing calibration table: a declared target and the model's value there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalibrationRow {
    /// Identifier of the calibration point in `data/healing.toml`.
    pub id: String,
    /// What the target measures, e.g. new collagen at a given day.
    pub target: String,
    /// The value the source reports.
    pub expected: f64,
    /// The value the model computes at the same point.
    pub model: f64,
    /// Accepted absolute difference between `model` and `expected`.
    pub tolerance: f64,
    /// Whether `|model − expected| <= tolerance`.
    pub passed: bool,
    /// Citation of the target.
    pub source: String,
}

/// The course of a calibration point (female, 35 years: the trials' typical patient).
pub fn course(kb: &KnowledgeBase, point: &CalibrationPoint) -> Option<Course> {
    let device = kb.device(&point.device).ok()?;
    let skin =
        SkinProfile::new(kb.site(&point.site).ok()?, Sex::Female, 35.0, &kb.age_model).ok()?;
    let request =
        crate::setting::healing_builder(kb, device, point.length_mm, &skin, device.default_passes)
            .sessions(point.sessions)
            .interval_weeks(point.interval_weeks)
            .build()
            .ok()?;
    Some(request.course(&kb.healing, f64::from(point.evaluated_week * 7) + 1.0))
}

/// The central run's state on the evaluation day of `point`.
pub fn central_state(kb: &KnowledgeBase, rates: &Rates, point: &CalibrationPoint) -> Option<State> {
    let course = course(kb, point)?;
    let day = point.evaluated_week * 7;
    let mut found = None;
    integrate_fast(rates, &course, |d, s| {
        if d == day {
            found = Some(*s);
        }
    });
    found
}

/// Every calibration point with the model's value.
pub fn table(kb: &KnowledgeBase) -> Vec<CalibrationRow> {
    let central = Rates::central(&kb.healing);
    let mut rows = Vec::new();
    for c in &kb.healing.calibration {
        let model =
            central_state(kb, &central, &c.point).map_or(f64::NAN, |s| s.new_collagen_pct());
        rows.push(row(&c.id, &c.target, &c.point, model, &c.source));
    }
    for map in &kb.healing.outcomes {
        let Ok(indication) = kb.indication(&map.indication) else {
            continue;
        };
        let point = &map.calibration;
        let day = point.evaluated_week * 7;
        let model = if point.responder_share {
            let threshold = map.responder_threshold.unwrap_or(map.maximum);
            course(kb, point).map_or(f64::NAN, |course| {
                let values = sample_scale(
                    &kb.healing,
                    map,
                    indication.mechanism,
                    &course,
                    &[day],
                    CALIBRATION_SEED,
                    0..CALIBRATION_SAMPLES as u64,
                );
                let v = &values[0];
                100.0 * v.iter().filter(|x| **x >= threshold).count() as f64 / v.len() as f64
            })
        } else {
            central_state(kb, &central, point).map_or(f64::NAN, |s| {
                scale_value(map, indication.mechanism, &s, f64::from(day))
            })
        };
        rows.push(row(
            &format!("outcome-{}", map.indication),
            &map.scale,
            point,
            model,
            &map.source,
        ));
    }
    rows
}

fn row(
    id: &str,
    target: &str,
    point: &CalibrationPoint,
    model: f64,
    source: &str,
) -> CalibrationRow {
    CalibrationRow {
        id: id.to_string(),
        target: target.to_string(),
        expected: point.expected,
        model,
        tolerance: point.tolerance,
        passed: model.is_finite() && (model - point.expected).abs() <= point.tolerance,
        source: source.to_string(),
    }
}
