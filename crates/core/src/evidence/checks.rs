//! Checks of the evidence base: ids, cross-references to the knowledge base, populations,
//! times, values against their scale, adverse counts and sources.

use std::collections::{BTreeMap, BTreeSet};

use super::{Arm, Evidence, Followup, FollowupKind};
use crate::KnowledgeBase;
use crate::error::Error;
use crate::knowledge::check_id;

fn fail(id: &str, what: impl std::fmt::Display) -> Error {
    Error::Knowledge(format!("trials.toml: {id}: {what}"))
}

/// Whether `source` cites at least one pandoc key, `[@…]`.
pub(super) fn cites_a_key(source: &str) -> bool {
    source.match_indices("[@").any(|(at, _)| {
        source[at + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

pub(super) fn check(evidence: &Evidence, kb: &KnowledgeBase) -> Result<(), Error> {
    let indications: BTreeSet<&str> = kb.indications.iter().map(|i| i.id.as_str()).collect();
    let effects: BTreeSet<&str> = kb.adverse_effects.iter().map(|e| e.id.as_str()).collect();
    let mut ids = BTreeSet::new();
    for arm in &evidence.arms {
        if !ids.insert(arm.id.as_str()) {
            return Err(fail(&arm.id, "duplicate id"));
        }
        arm_checks(arm, &indications, &effects)?;
    }
    for pending in &evidence.pending {
        if !ids.insert(pending.id.as_str()) {
            return Err(fail(&pending.id, "duplicate id"));
        }
        check_id("pending trial", &pending.id)?;
        check_id("study", &pending.study)?;
        if !indications.contains(pending.indication.as_str()) {
            return Err(fail(&pending.id, "unknown indication"));
        }
        if !cites_a_key(&pending.source) {
            return Err(fail(&pending.id, "source cites no [@…]"));
        }
    }
    studies(evidence)?;
    scales(evidence)?;
    known_scales(evidence, kb)
}

fn arm_checks(
    arm: &Arm,
    indications: &BTreeSet<&str>,
    effects: &BTreeSet<&str>,
) -> Result<(), Error> {
    let id = arm.id.as_str();
    check_id("trial arm", id)?;
    check_id("study", &arm.study)?;
    if !indications.contains(arm.indication.as_str()) {
        return Err(fail(id, format!("unknown indication {:?}", arm.indication)));
    }
    if arm.control != arm.control_kind.is_some() {
        return Err(fail(id, "control_kind is given exactly for control arms"));
    }
    if arm.n == 0 {
        return Err(fail(id, "n must be at least 1"));
    }
    if let Some([lo, hi]) = arm.phototypes
        && !(1 <= lo && lo <= hi && hi <= 6)
    {
        return Err(fail(id, "phototypes must be within 1-6, lowest first"));
    }
    if let Some([lo, hi]) = arm.age_range
        && !(0.0 < lo && lo <= hi && hi < 120.0)
    {
        return Err(fail(id, "age_range must be ordered years"));
    }
    let positive = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v > 0.0);
    if !positive(arm.age_mean) || !positive(arm.interval_weeks) {
        return Err(fail(id, "age_mean and interval_weeks must be above zero"));
    }
    match arm.needle_length_mm {
        Some(_) if !arm.needled() => return Err(fail(id, "a needle length without needling")),
        Some(l) if !(l > 0.0 && l <= 5.0) => return Err(fail(id, "needle length outside 0-5 mm")),
        _ => {}
    }
    if !cites_a_key(&arm.source) {
        return Err(fail(id, "source cites no [@…]"));
    }
    for count in &arm.adverse {
        if !effects.contains(count.effect.as_str()) {
            return Err(fail(
                id,
                format!("unknown adverse effect {:?}", count.effect),
            ));
        }
        if count.n == 0 || count.events > count.n {
            return Err(fail(id, "adverse events must be within 0..=n, n >= 1"));
        }
    }
    values(arm)
}

fn values(arm: &Arm) -> Result<(), Error> {
    let id = arm.id.as_str();
    if arm.followups.is_empty() {
        return Err(fail(id, "no follow-up: move it to [[pending]]"));
    }
    if let Some([lo, hi]) = arm.scale_range
        && !(lo.is_finite() && hi.is_finite() && lo < hi)
    {
        return Err(fail(id, "scale_range must be finite and ordered"));
    }
    if let Some(baseline) = arm.baseline
        && !within(arm, baseline)
    {
        return Err(fail(id, "baseline outside the scale range"));
    }
    let spread_ok = |sd: Option<f64>| sd.is_none_or(|sd| sd.is_finite() && sd >= 0.0);
    if !spread_ok(arm.baseline_sd) {
        return Err(fail(id, "baseline_sd must be zero or above"));
    }
    let mut last = 0.0;
    for f in &arm.followups {
        if !(f.month.is_finite() && f.month >= 0.0 && f.month >= last) {
            return Err(fail(id, "months must be finite, >= 0 and in order"));
        }
        last = f.month;
        if !f.value.is_finite() || !spread_ok(f.sd) {
            return Err(fail(id, "values must be finite and sd >= 0"));
        }
        if !value_fits(arm, f) {
            return Err(fail(
                id,
                format!(
                    "{} {} at month {} is outside what the scale allows",
                    f.kind.as_str(),
                    f.value,
                    f.month
                ),
            ));
        }
        if f.kind == FollowupKind::RespondersPct && arm.responder.is_none() {
            return Err(fail(id, "responders-pct needs a `responder` definition"));
        }
    }
    Ok(())
}

fn within(arm: &Arm, score: f64) -> bool {
    match arm.scale_range {
        Some([lo, hi]) => (lo..=hi).contains(&score),
        None => score >= 0.0,
    }
}

/// Whether a follow-up value is possible on its arm's scale.
pub(crate) fn value_fits(arm: &Arm, f: &Followup) -> bool {
    match f.kind {
        FollowupKind::Score => within(arm, f.value),
        FollowupKind::Change => match arm.scale_range {
            Some([lo, hi]) => f.value.abs() <= hi - lo,
            None => true,
        },
        // A score that cannot go below zero cannot fall by more than 100 %.
        FollowupKind::PctImprovement => {
            f.value >= -100.0 && (!arm.higher_is_worse || f.value <= 100.0)
        }
        FollowupKind::RespondersPct => (0.0..=100.0).contains(&f.value),
    }
}

/// Arms of one study share its design; split designs have at least two arms.
fn studies(evidence: &Evidence) -> Result<(), Error> {
    let mut by_study: BTreeMap<&str, Vec<&Arm>> = BTreeMap::new();
    for arm in &evidence.arms {
        by_study.entry(arm.study.as_str()).or_default().push(arm);
    }
    for (study, arms) in by_study {
        let design = arms[0].design;
        if arms.iter().any(|a| a.design != design) {
            return Err(fail(study, "arms of one study differ in design"));
        }
        if design.is_split() && arms.len() < 2 {
            return Err(fail(study, "a split-face study needs both sides"));
        }
    }
    Ok(())
}

/// One scale name means one range and one direction everywhere.
fn scales(evidence: &Evidence) -> Result<(), Error> {
    let mut seen: BTreeMap<&str, (&Arm, Option<[f64; 2]>, bool)> = BTreeMap::new();
    for arm in &evidence.arms {
        let this = (arm.scale_range, arm.higher_is_worse);
        if let Some((first, range, worse)) = seen.get(arm.scale.as_str()) {
            if (*range, *worse) != this {
                return Err(fail(
                    &arm.id,
                    format!(
                        "scale {} differs in range or direction from {}",
                        arm.scale, first.id
                    ),
                ));
            }
        } else {
            seen.insert(arm.scale.as_str(), (arm, this.0, this.1));
        }
    }
    Ok(())
}

/// Every arm's scale is one of `healing.toml`'s, for the arm's indication, in the same direction
/// and, where both give one, over the same range: the model reads results on the scales it knows.
fn known_scales(evidence: &Evidence, kb: &KnowledgeBase) -> Result<(), Error> {
    for arm in &evidence.arms {
        let Some(scale) = kb.healing.scale(&arm.scale) else {
            return Err(fail(
                &arm.id,
                format!("scale {} is not among healing.toml's [[scales]]", arm.scale),
            ));
        };
        let same_range = match (arm.scale_range, scale.range) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if scale.indication != arm.indication
            || scale.higher_is_worse != arm.higher_is_worse
            || !same_range
        {
            return Err(fail(
                &arm.id,
                format!(
                    "scale {} differs from healing.toml's in indication, direction or range",
                    arm.scale
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_detection() {
        assert!(cites_a_key("Alam 2014 [@alam2014]: 3.4"));
        assert!(!cites_a_key("Alam 2014 [@]"));
        assert!(!cites_a_key("no key"));
    }
}
