//! Home roller vs professional devices, side by side at one site.

use serde::Serialize;

use crate::device::{DeviceKind, DeviceUse};
use crate::error::InputError;
use crate::knowledge::KnowledgeBase;
use crate::skin::{Layer, Sex, SkinProfile};

/// Fewest and most devices one comparison takes.
pub const DEVICES_ACCEPTED: std::ops::RangeInclusive<usize> = 2..=8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    pub device: String,
    pub name: String,
    pub kind: DeviceKind,
    #[serde(rename = "use")]
    pub device_use: DeviceUse,
    pub length_mm: f64,
    pub passes: u32,
    pub effective_depth_um: f64,
    pub deepest_layer: Option<Layer>,
    pub layers_reached: Vec<Layer>,
    pub pinpoint_bleeding_expected: bool,
    pub channels_per_cm2: f64,
    pub injured_dermis_fraction: f64,
    pub pain_0_10: f64,
    pub erythema_hours: f64,
    pub infection_risk: &'static str,
    pub cleaning: &'static str,
    pub expected_effect: &'static str,
    pub warnings: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub site: String,
    pub sex: Sex,
    pub age_years: f64,
    pub rows: Vec<ComparisonRow>,
    pub sources: Vec<String>,
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
            format!("Penetration: {}", kb.penetration.efficiency.roll.provenance.cite()),
            format!("Site {} dermis: {}", site.id, site.dermis_um.provenance.cite()),
        ],
        disclaimer: kb.disclaimer.clone(),
    })
}
