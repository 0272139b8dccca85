//! Consistency of the knowledge base: provenance on every entry, unique ids, references that
//! resolve, figures in sane ranges. A failure here is a defect in data/, caught by the tests.

use std::collections::BTreeSet;

use super::{Identified, KnowledgeBase, check_id};
use crate::error::Error;
use crate::provenance::Provenance;
use crate::screening::Condition;

fn unique<T: Identified>(kind: &str, items: &[T]) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for item in items {
        check_id(kind, item.id())?;
        if !seen.insert(item.id()) {
            return Err(Error::Knowledge(format!(
                "{kind} id {} appears twice",
                item.id()
            )));
        }
    }
    if items.is_empty() {
        return Err(Error::Knowledge(format!("no {kind} entries")));
    }
    Ok(())
}

fn cited(what: String, source: &Option<String>, assumption: &Option<String>) -> Result<(), Error> {
    Provenance {
        source: source.clone(),
        assumption: assumption.clone(),
    }
    .check(&what)
}

fn known(kind: &str, ids: &BTreeSet<&str>, id: &str, whose: &str) -> Result<(), Error> {
    if ids.contains(id) {
        Ok(())
    } else {
        Err(Error::Knowledge(format!(
            "{whose} names unknown {kind} {id:?}"
        )))
    }
}

/// Every check, table by table; the first failure is the error.
pub(super) fn check(kb: &KnowledgeBase) -> Result<(), Error> {
    unique("site", &kb.sites)?;
    unique("device", &kb.devices)?;
    unique("agent", &kb.agents)?;
    unique("indication", &kb.indications)?;
    unique("rule", &kb.rules)?;
    unique("adverse effect", &kb.adverse_effects)?;
    let effect_ids: Vec<&str> = kb.adverse_effects.iter().map(|e| e.id.as_str()).collect();
    kb.adverse_rates.check(&effect_ids)?;
    check_sites(kb)?;
    check_devices_and_agents(kb)?;
    check_indications(kb)?;
    check_scales(kb)?;
    check_rules_and_care(kb)
}

/// Scales: unique ids of known indications, ordered ranges, improvement scales with a maximum,
/// typical baselines inside the range and away from the best score; thickness CVs in (0, 1).
fn check_scales(kb: &KnowledgeBase) -> Result<(), Error> {
    let fail = |id: &str, why: &str| Err(Error::Knowledge(format!("scale {id}: {why}")));
    let mut ids = BTreeSet::new();
    for scale in &kb.healing.scales {
        let id = scale.id.as_str();
        check_id("scale", id)?;
        if !ids.insert(id) {
            return fail(id, "duplicate id");
        }
        if kb.indication(&scale.indication).is_err() {
            return fail(id, "unknown indication");
        }
        if let Some([lo, hi]) = scale.range
            && !(lo.is_finite() && hi.is_finite() && lo < hi)
        {
            return fail(id, "range must be finite and ordered");
        }
        if let Some(baseline) = &scale.typical_baseline {
            baseline
                .provenance
                .check(&format!("scale {id} typical_baseline"))?;
            if scale.baseline(Some(baseline.value)).is_err() {
                return fail(
                    id,
                    "typical baseline outside the range or at the best score",
                );
            }
        }
    }
    let v = &kb.thickness_variation;
    for (name, cv) in [
        ("stratum_corneum_cv", &v.stratum_corneum_cv),
        ("viable_epidermis_cv", &v.viable_epidermis_cv),
        ("dermis_cv", &v.dermis_cv),
    ] {
        cv.provenance
            .check(&format!("thickness_variation {name}"))?;
        if !(cv.value > 0.0 && cv.value < 1.0) {
            return Err(Error::Knowledge(format!(
                "thickness_variation {name} must be between 0 and 1"
            )));
        }
    }
    Ok(())
}

/// Cited, positive thicknesses and a depth guide that rises with intensity.
fn check_sites(kb: &KnowledgeBase) -> Result<(), Error> {
    for site in &kb.sites {
        for (name, figure) in site.figures() {
            figure
                .provenance
                .check(&format!("site {} {name}", site.id))?;
            if !(figure.female > 0.0
                && figure.male > 0.0
                && figure.female.is_finite()
                && figure.male.is_finite())
            {
                return Err(Error::Knowledge(format!(
                    "site {} {name} must be positive",
                    site.id
                )));
            }
        }
        let guide = &site.depth_guide_mm;
        guide
            .provenance
            .check(&format!("site {} depth guide", site.id))?;
        if !(0.0 < guide.light
            && guide.light <= guide.moderate
            && guide.moderate <= guide.deep
            && guide.deep <= guide.max)
        {
            return Err(Error::Knowledge(format!(
                "site {} depth guide must rise light <= moderate <= deep <= max",
                site.id
            )));
        }
    }
    Ok(())
}

/// Cited devices that pass the same validation as custom files; agents with a molecular weight.
fn check_devices_and_agents(kb: &KnowledgeBase) -> Result<(), Error> {
    for device in &kb.devices {
        cited(
            format!("device {}", device.id),
            &device.source,
            &device.assumption,
        )?;
        device
            .validate()
            .map_err(|e| Error::Knowledge(format!("device {}: {e}", device.id)))?;
    }
    for agent in &kb.agents {
        cited(
            format!("agent {}", agent.id),
            &agent.source,
            &agent.assumption,
        )?;
        if !(agent.mw_g_per_mol > 0.0 && agent.mw_g_per_mol.is_finite()) {
            return Err(Error::Knowledge(format!(
                "agent {} molecular weight must be positive",
                agent.id
            )));
        }
    }
    Ok(())
}

/// Cited indications whose device, sites and topicals exist, with sane treatment defaults.
fn check_indications(kb: &KnowledgeBase) -> Result<(), Error> {
    let sites: BTreeSet<&str> = kb.sites.iter().map(|s| s.id.as_str()).collect();
    let devices: BTreeSet<&str> = kb.devices.iter().map(|d| d.id.as_str()).collect();
    let agents: BTreeSet<&str> = kb.agents.iter().map(|a| a.id.as_str()).collect();

    for indication in &kb.indications {
        let whose = format!("indication {}", indication.id);
        cited(whose.clone(), &indication.source, &indication.assumption)?;
        known("device", &devices, &indication.preferred_device, &whose)?;
        for zone in indication
            .default_zones
            .iter()
            .chain(indication.depth_mm.keys())
        {
            known("site", &sites, zone, &whose)?;
        }
        for agent in &indication.adjunct_topicals {
            known("agent", &agents, agent, &whose)?;
        }
        let p = &indication.passes;
        let sane = indication.sessions >= 1
            && indication.sessions <= 52
            && indication.min_interval_weeks >= 1
            && indication.min_interval_weeks <= indication.interval_weeks
            && [p.roller, p.stamp, p.pen, p.rf]
                .iter()
                .all(|n| (1..=100).contains(n))
            && indication
                .depth_mm
                .values()
                .all(|d| *d > 0.0 && *d <= crate::device::MAX_NEEDLE_MM);
        if !sane || indication.default_zones.is_empty() || indication.key_trials.is_empty() {
            return Err(Error::Knowledge(format!(
                "{whose}: sessions, intervals, passes, depths, zones or trials out of range"
            )));
        }
    }
    Ok(())
}

/// Cited rules naming known indications, the isotretinoin policy, adverse effects and care lists.
fn check_rules_and_care(kb: &KnowledgeBase) -> Result<(), Error> {
    let indications: BTreeSet<&str> = kb.indications.iter().map(|i| i.id.as_str()).collect();
    for rule in &kb.rules {
        let whose = format!("rule {}", rule.id);
        cited(whose.clone(), &rule.source, &rule.assumption)?;
        if let Condition::Indication { ids } = &rule.when {
            for id in ids {
                known("indication", &indications, id, &whose)?;
            }
        }
    }
    Provenance {
        source: Some(kb.isotretinoin_policy.source.clone()),
        assumption: None,
    }
    .check("isotretinoin policy")?;
    for effect in &kb.adverse_effects {
        cited(
            format!("adverse effect {}", effect.id),
            &effect.source,
            &effect.assumption,
        )?;
    }
    kb.precare.provenance.check("precare")?;
    kb.aftercare.provenance.check("aftercare")?;
    Ok(())
}

/// The dark-phototype policy stays in range: a factor that makes depths shallower, a phototype
/// that exists, a test-spot wait of at most half a year.
pub(super) fn dark_phototype(kb: &KnowledgeBase) -> Result<(), Error> {
    let p = &kb.dark_phototype;
    let sane = (1..=6).contains(&p.from_fitzpatrick)
        && p.depth_factor > 0.0
        && p.depth_factor <= 1.0
        && p.test_spot_weeks <= 26;
    if !sane {
        return Err(Error::Knowledge(
            "dark_phototype: from_fitzpatrick 1-6, depth_factor in (0, 1], test_spot_weeks at most 26"
                .into(),
        ));
    }
    Provenance {
        source: Some(p.source.clone()),
        assumption: Some(p.assumption.clone()),
    }
    .check("dark-phototype policy")
}
