//! Home roller vs professional devices, side by side at one site.

use serde::Serialize;

use crate::device::{DeviceKind, DeviceUse};
use crate::error::InputError;
use crate::knowledge::KnowledgeBase;
use crate::skin::{Layer, Sex, SkinProfile};

/// Fewest and most devices one comparison takes.
pub const DEVICES_ACCEPTED: std::ops::RangeInclusive<usize> = 2..=8;

/// One device in a comparison, on the same skin.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparisonRow {
    /// Device identifier.
    pub device: String,
    /// Device name.
    pub name: String,
    /// Kind of device (roller, stamp, pen, RF).
    pub kind: DeviceKind,
    /// Home or professional use.
    #[serde(rename = "use")]
    pub device_use: DeviceUse,
    /// Needle length used (mm), the device's default.
    pub length_mm: f64,
    /// Passes used, the device's default.
    pub passes: u32,
    /// Effective penetration depth (µm).
    pub effective_depth_um: f64,
    /// Deepest layer reached, if any.
    pub deepest_layer: Option<Layer>,
    /// Every layer the needles reach.
    pub layers_reached: Vec<Layer>,
    /// Whether pinpoint bleeding is expected (papillary dermis reached).
    pub pinpoint_bleeding_expected: bool,
    /// Channels per cm² after all passes.
    pub channels_per_cm2: f64,
    /// Fraction of the dermis injured (0–1).
    pub injured_dermis_fraction: f64,
    /// Expected pain, 0–10.
    pub pain_0_10: f64,
    /// Expected erythema (h).
    pub erythema_hours: f64,
    /// Infection risk, in words.
    pub infection_risk: &'static str,
    /// How the device must be cleaned.
    pub cleaning: &'static str,
    /// Expected clinical effect, in words.
    pub expected_effect: &'static str,
    /// Warnings from the penetration model.
    pub warnings: Vec<String>,
    /// Citation for the device.
    pub source: String,
}

/// A comparison of devices on one site, sex and age.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Site identifier.
    pub site: String,
    /// Sex of the skin profile.
    pub sex: Sex,
    /// Age of the skin profile (years).
    pub age_years: f64,
    /// One row per device, in the order asked.
    pub rows: Vec<ComparisonRow>,
    /// Sources behind the comparison.
    pub sources: Vec<String>,
    /// Decision-support disclaimer.
    pub disclaimer: String,
}

const HOME_CLEANING: &str =
    "Rinse, soak in 70 % isopropyl alcohol, air-dry; never share; replace when dull (AAD 2018 [S])";
const PRO_CLEANING: &str = "Sterile single-use needles or cartridge; discard after the session";

/// Each device at its default length and passes, on one person's skin at `site_id`.
pub fn compare_devices(
    kb: &KnowledgeBase,
    site_id: &str,
    device_ids: &[String],
    sex: Sex,
    age_years: f64,
) -> Result<Comparison, InputError> {
    if !DEVICES_ACCEPTED.contains(&device_ids.len()) {
        return Err(InputError::new(
            "--devices",
            device_ids.join(","),
            format!(
                "{} to {} device ids separated by commas",
                DEVICES_ACCEPTED.start(),
                DEVICES_ACCEPTED.end()
            ),
        ));
    }
    let site = kb.site(site_id)?;
    let skin = SkinProfile::new(site, sex, age_years, &kb.age_model)?;
    let mut rows = Vec::new();
    for id in device_ids {
        let device = kb.device(id).map_err(|e| InputError {
            field: "--devices".into(),
            ..e
        })?;
        let p = kb.penetration.simulate(
            device,
            device.default_length_mm,
            &skin,
            device.default_passes,
        );
        let home = device.is_home();
        let reaches_dermis = p.layers_reached.contains(&Layer::PapillaryDermis);
        rows.push(ComparisonRow {
            device: device.id.clone(),
            name: device.name.clone(),
            kind: device.kind,
            device_use: device.device_use,
            length_mm: device.default_length_mm,
            passes: device.default_passes,
            effective_depth_um: p.effective_depth_um,
            deepest_layer: p.deepest_layer,
            layers_reached: p.layers_reached,
            pinpoint_bleeding_expected: p.pinpoint_bleeding_expected,
            channels_per_cm2: p.channels_per_cm2,
            injured_dermis_fraction: p.injured_dermis_fraction,
            pain_0_10: p.pain_0_10,
            erythema_hours: p.erythema_hours,
            infection_risk: if home {
                "higher: reusable needles that are hard to clean and dull quickly"
            } else {
                "low with sterile single-use needles and aseptic technique"
            },
            cleaning: if home { HOME_CLEANING } else { PRO_CLEANING },
            expected_effect: if reaches_dermis {
                "dermal injury: collagen induction over months (professional result)"
            } else {
                "no dermal injury: temporary brightening from blood flow, little collagen induction (seed article)"
            },
            warnings: p.warnings,
            source: device.provenance().cite(),
        });
    }
    Ok(Comparison {
        site: site.id.clone(),
        sex,
        age_years: skin.age_years,
        rows,
        sources: vec![
            "Seed article: home devices have shorter, blunter needles, reduced results, are harder to clean".into(),
            format!("Penetration: {}", kb.penetration.mechanics.shaft_friction_mpa.provenance.cite()),
            format!("Site {} dermis: {}", site.id, site.dermis_um.provenance.cite()),
        ],
        disclaimer: kb.disclaimer.clone(),
    })
}
