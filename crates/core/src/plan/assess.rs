//! The shared first step of `screen` and `plan`: resolve the device and each zone's setting, run
//! penetration, and screen the patient for what the plan would do.

use crate::agent::Agent;
use crate::device::Device;
use crate::error::InputError;
use crate::indication::Indication;
use crate::knowledge::KnowledgeBase;
use crate::patient::Patient;
use crate::penetration::Penetration;
use crate::screening::{DarkPhototypePolicy, Exposure, IsotretinoinPolicy, Screening, screen};
use crate::skin::{Site, SkinProfile};

use super::ZonePlan;

/// A patient judged for a device and zones.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    /// The patient's indication.
    pub indication: &'a Indication,
    /// The device: the caller's, else the patient file's, else the indication's preferred one.
    pub device: &'a Device,
    /// The patient file's topical, if any.
    pub topical: Option<&'a Agent>,
    /// Each zone's setting, with what it does to the skin.
    pub zones: Vec<ZonePlan>,
    /// The verdict for this device, zones and topical.
    pub screening: Screening,
}

/// The depth the evidence asks for at `site`, and the device setting that serves it, with notes
/// on every adjustment: (target, depth, notes).
fn zone_depth(
    indication: &Indication,
    site: &Site,
    device: &Device,
    fixed_length_mm: Option<f64>,
    conservative: Option<&DarkPhototypePolicy>,
) -> (f64, f64, Vec<String>) {
    let mut notes = Vec::new();
    if let Some(length) = fixed_length_mm {
        notes.push(format!("{length} mm set in the patient file"));
        return (length, length, notes);
    }
    let guide = &site.depth_guide_mm;
    let mut target = indication
        .depth_mm
        .get(&site.id)
        .copied()
        .unwrap_or_else(|| guide.for_intensity(indication.intensity));
    if target > guide.max {
        notes.push(format!(
            "{target} mm capped at the {} maximum of {} mm",
            site.id, guide.max
        ));
        target = guide.max;
    }
    if let Some(policy) = conservative {
        // The dark-phototype rule asks for a conservative depth: the plan follows its finding.
        let reduced = ((target * policy.depth_factor) * 100.0).floor() / 100.0;
        notes.push(format!(
            "{target} mm reduced to {reduced} mm (x{}) for Fitzpatrick IV-VI: conservative depth against post-inflammatory hyperpigmentation",
            policy.depth_factor
        ));
        target = reduced;
    }
    let mut depth = device.nearest_length_at_most(target);
    if let Some(max) = device.labelled_max_mm.filter(|max| depth > *max + 1e-9) {
        notes.push(format!(
            "held at the {max} mm the {} labelling evaluated for safety",
            device.id
        ));
        depth = device.nearest_length_at_most(max);
    }
    if depth < target - 1e-9 {
        notes.push(format!(
            "{} has no {target} mm setting: {depth} mm",
            device.id
        ));
    } else if depth > target + 1e-9 {
        notes.push(format!(
            "the shortest {} setting, {depth} mm, exceeds the {target} mm target",
            device.id
        ));
    }
    (target, depth, notes)
}

/// One zone's plan from what penetration gives at its setting.
fn zone_plan(
    site: &Site,
    target_depth_mm: f64,
    depth_mm: f64,
    notes: Vec<String>,
    penetration: Penetration,
) -> ZonePlan {
    ZonePlan {
        site_name: site.name.clone(),
        depth_mm,
        target_depth_mm,
        endpoint: if penetration.pinpoint_bleeding_expected {
            "pinpoint bleeding"
        } else {
            "even erythema"
        },
        notes,
        penetration,
    }
}

/// Resolves the device and each zone's setting, runs penetration, and screens.
pub fn assess<'a>(
    kb: &'a KnowledgeBase,
    patient: &Patient,
    device_override: Option<&str>,
    policy: &IsotretinoinPolicy,
) -> Result<Assessment<'a>, InputError> {
    let indication = kb.indication(&patient.treatment.indication)?;
    let device_id = device_override
        .or(patient.treatment.device.as_deref())
        .unwrap_or(&indication.preferred_device);
    let device = kb.device(device_id)?;
    let topical = patient
        .treatment
        .topical
        .as_deref()
        .map(|id| kb.agent(id))
        .transpose()?;
    if let Some(length) = patient.treatment.length_mm {
        device.check_length(length).map_err(|e| InputError {
            field: "treatment.length_mm".into(),
            ..e
        })?;
    }
    let passes = indication.passes.for_kind(device.kind);
    let dark = Some(&kb.dark_phototype).filter(|p| p.applies(patient.fitzpatrick));
    let mut settings = Vec::new();
    let mut penetrations = Vec::new();
    let mut above_labelled_max = false;
    for zone in &patient.treatment.zones {
        let site = kb.site(zone)?;
        let skin =
            SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model).map_err(|e| {
                InputError {
                    field: "patient.age".into(),
                    ..e
                }
            })?;
        let (target, depth, mut notes) =
            zone_depth(indication, site, device, patient.treatment.length_mm, dark);
        if dark.is_some() {
            notes.push(String::from(
                "Fitzpatrick IV-VI: PIH is the main persistent risk here; test spot first, strict sun protection",
            ));
        }
        above_labelled_max |= device.labelled_max_mm.is_some_and(|max| depth > max + 1e-9);
        penetrations.push(kb.penetration.simulate(device, depth, &skin, passes));
        settings.push((site, target, depth, notes));
    }
    let exposure = Exposure {
        device,
        zones: &penetrations,
        topical,
        above_labelled_max,
    };
    let screening = screen(
        &kb.rules,
        &kb.adverse_effects,
        &kb.adverse_rates,
        kb.edition(),
        patient,
        &exposure,
        policy,
    );
    let zones = settings
        .into_iter()
        .zip(penetrations)
        .map(|((site, target, depth, notes), p)| zone_plan(site, target, depth, notes, p))
        .collect();
    Ok(Assessment {
        indication,
        device,
        topical,
        zones,
        screening,
    })
}
