//! Microneedling devices: rollers, stamps, motorised pens and RF microneedling.
//!
//! Channels per cm² per pass follow from the geometry of each kind:
//! - roller: needles ÷ drum surface (π · diameter · length): one drum turn punctures its surface once;
//! - stamp: needles ÷ head area, one press per spot;
//! - pen: needles × frequency ÷ (glide speed × cartridge width);
//! - RF: needles ÷ tip area, one pulse per spot.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError};
use crate::provenance::Provenance;

mod validate;

/// Longest needle any model accepts, mm (no device in the catalog goes past 3.5 mm).
pub const MAX_NEEDLE_MM: f64 = 5.0;

/// The kind of device, which sets how needles enter and how channels are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// A drum of needles rolled over the skin.
    Roller,
    /// A flat head of needles pressed onto the skin.
    Stamp,
    /// A motorised pen with a cartridge of oscillating needles.
    Pen,
    /// Radio-frequency microneedling: insulated or bare needles that deliver heat.
    Rf,
}

impl DeviceKind {
    /// The lowercase name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Roller => "roller",
            Self::Stamp => "stamp",
            Self::Pen => "pen",
            Self::Rf => "rf",
        }
    }
}

/// Who the device is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeviceUse {
    /// Home use: short, reusable needles.
    Home,
    /// Professional use in a clinic.
    Professional,
}

/// How the needles enter the skin: driven by a force (roll, press) or by a speed (impact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum InsertionMode {
    /// Slow, oblique entry as a drum turns.
    Roll,
    /// Slow perpendicular press.
    Press,
    /// Motor-driven impact at tens of hertz.
    Impact,
}

impl InsertionMode {
    /// The lowercase name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Roll => "roll",
            Self::Press => "press",
            Self::Impact => "impact",
        }
    }

    /// Reads `roll`, `press` or `impact`; the error names `field`.
    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        match text {
            "roll" => Ok(Self::Roll),
            "press" => Ok(Self::Press),
            "impact" => Ok(Self::Impact),
            _ => Err(InputError::new(field, text, "roll, press or impact")),
        }
    }
}

/// A continuous range of needle lengths (mm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LengthRange {
    /// Shortest setting (mm).
    pub min: f64,
    /// Longest setting (mm).
    pub max: f64,
    /// Increment between settings (mm).
    pub step: f64,
}

/// Geometry of a roller drum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RollerGeometry {
    /// Drum diameter (mm).
    pub drum_diameter_mm: f64,
    /// Drum length (mm).
    pub drum_length_mm: f64,
}

/// Geometry of a stamp head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StampGeometry {
    /// Area of the needle head (mm²).
    pub head_area_mm2: f64,
}

/// Geometry and motion of a pen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PenGeometry {
    /// Needle oscillation frequency (Hz).
    pub frequency_hz: f64,
    /// Width of the cartridge across the glide direction (mm).
    pub cartridge_width_mm: f64,
    /// Typical glide speed over the skin (mm/s).
    pub glide_speed_mm_per_s: f64,
}

/// Electrical and geometric data of an RF microneedling device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RfGeometry {
    /// Whether the needle shafts are insulated (heat only at the tips).
    pub insulated: bool,
    /// RF frequency (MHz).
    pub frequency_mhz: f64,
    /// Area of the tip array (mm²).
    pub tip_area_mm2: f64,
}

/// A device as the catalog or a custom TOML file describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// Stable identifier, e.g. `dermaroller-192`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind of device.
    pub kind: DeviceKind,
    /// Home or professional use.
    #[serde(rename = "use")]
    pub device_use: DeviceUse,
    /// Number of needles on the drum, head or cartridge.
    pub needle_count: u32,
    /// Needle shaft diameter (µm).
    pub needle_diameter_um: f64,
    /// Needle tip radius (µm).
    pub tip_radius_um: f64,
    /// Length of the conical tip; beyond it the needle is a cylinder.
    pub tip_length_um: f64,
    /// Discrete needle lengths offered (mm), for devices with fixed heads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lengths_mm: Option<Vec<f64>>,
    /// Adjustable range of needle lengths (mm), for pens and RF devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_range_mm: Option<LengthRange>,
    /// Length used unless the user sets one (mm).
    pub default_length_mm: f64,
    /// Passes used unless the user sets them.
    pub default_passes: u32,
    /// Whether needles are sterile and single-use.
    pub sterile_single_use: bool,
    /// Deepest setting evaluated for safety in the device's labelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labelled_max_mm: Option<f64>,
    /// How the needles enter; else from the kind (rollers roll, stamps press, pens and RF
    /// devices impact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertion: Option<InsertionMode>,
    /// Force pushing the device onto the skin, N, for roll and press (else the mode's default
    /// in data/penetration.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_n: Option<f64>,
    /// Needle speed at the skin, m/s, for impact (else the mode's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_m_per_s: Option<f64>,
    /// Roller geometry, for rollers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roller: Option<RollerGeometry>,
    /// Stamp geometry, for stamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<StampGeometry>,
    /// Pen geometry, for pens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pen: Option<PenGeometry>,
    /// RF geometry, for RF devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rf: Option<RfGeometry>,
    /// Citation behind the figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption, where no source gives the figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceFile {
    devices: Vec<Device>,
}

/// Parses and validates custom devices from a TOML document with `[[devices]]` entries.
pub fn devices_from_toml(document_name: &str, text: &str) -> Result<Vec<Device>, Error> {
    let file: DeviceFile = toml::from_str(text).map_err(|e| Error::parse(document_name, e))?;
    if file.devices.is_empty() {
        return Err(InputError::new("devices", "[]", "at least one [[devices]] entry").into());
    }
    let mut devices = Vec::with_capacity(file.devices.len());
    for (index, mut device) in file.devices.into_iter().enumerate() {
        if device.source.is_none() && device.assumption.is_none() {
            device.assumption = Some(format!("user-supplied device from {document_name}"));
        }
        device
            .validate()
            .map_err(|e| e.within(&format!("devices[{index}]")))?;
        devices.push(device);
    }
    Ok(devices)
}

impl Device {
    /// The device's source and assumption as one [`Provenance`].
    pub fn provenance(&self) -> Provenance {
        Provenance {
            source: self.source.clone(),
            assumption: self.assumption.clone(),
        }
    }

    /// Whether the device is made for home use.
    pub fn is_home(&self) -> bool {
        self.device_use == DeviceUse::Home
    }

    /// Whether the device delivers energy (RF).
    pub fn is_energy(&self) -> bool {
        self.kind == DeviceKind::Rf
    }

    /// How its needles enter the skin: as set, else rollers roll, stamps press, pens and RF
    /// devices impact.
    pub fn mode(&self) -> InsertionMode {
        if let Some(mode) = self.insertion {
            return mode;
        }
        match self.kind {
            DeviceKind::Roller => InsertionMode::Roll,
            DeviceKind::Stamp => InsertionMode::Press,
            DeviceKind::Pen | DeviceKind::Rf => InsertionMode::Impact,
        }
    }

    /// What lengths the device can be set to, for messages.
    pub fn lengths_accepted(&self) -> String {
        match (&self.lengths_mm, &self.length_range_mm) {
            (Some(lengths), _) => {
                let list: Vec<String> = lengths.iter().map(|l| format!("{l}")).collect();
                format!("one of {} mm", list.join(", "))
            }
            (None, Some(r)) => format!("{} to {} mm in {} mm steps", r.min, r.max, r.step),
            (None, None) => String::from("no length"),
        }
    }

    /// Accepts a needle length this device can be set to, in mm.
    pub fn check_length(&self, length_mm: f64) -> Result<f64, InputError> {
        let tolerance = 1e-6;
        let ok = length_mm.is_finite()
            && match (&self.lengths_mm, &self.length_range_mm) {
                (Some(lengths), _) => lengths.iter().any(|l| (l - length_mm).abs() < tolerance),
                (None, Some(r)) => {
                    let steps = (length_mm - r.min) / r.step;
                    length_mm >= r.min - tolerance
                        && length_mm <= r.max + tolerance
                        && (steps - steps.round()).abs() < 1e-6
                }
                (None, None) => false,
            };
        if ok {
            Ok(length_mm)
        } else {
            Err(InputError::new(
                "length_mm",
                length_mm,
                format!("for {}: {}", self.id, self.lengths_accepted()),
            ))
        }
    }

    /// The setting closest to `target_mm` without exceeding it (or the shortest if all exceed it).
    pub fn nearest_length_at_most(&self, target_mm: f64) -> f64 {
        match (&self.lengths_mm, &self.length_range_mm) {
            (Some(lengths), _) => {
                let shortest = lengths.iter().copied().fold(f64::INFINITY, f64::min);
                lengths
                    .iter()
                    .copied()
                    .filter(|l| *l <= target_mm + 1e-9)
                    .fold(None, |best: Option<f64>, l| {
                        Some(best.map_or(l, |b| b.max(l)))
                    })
                    .unwrap_or(shortest)
            }
            (None, Some(r)) => {
                let clamped = target_mm.clamp(r.min, r.max);
                let steps = ((clamped - r.min) / r.step + 1e-9).floor();
                round_to(r.min + steps * r.step, 1e-6)
            }
            (None, None) => self.default_length_mm,
        }
    }

    /// Surface one pass covers per needle, cm² (the inverse of channels per cm² per pass per needle).
    fn area_per_pass_cm2(&self) -> f64 {
        const MM2_PER_CM2: f64 = 100.0;
        match self.kind {
            DeviceKind::Roller => self.roller.as_ref().map_or(f64::NAN, |g| {
                PI * g.drum_diameter_mm * g.drum_length_mm / MM2_PER_CM2
            }),
            DeviceKind::Stamp => self
                .stamp
                .as_ref()
                .map_or(f64::NAN, |g| g.head_area_mm2 / MM2_PER_CM2),
            // Per second: the pen sweeps speed × width while it fires `frequency` times.
            DeviceKind::Pen => self.pen.as_ref().map_or(f64::NAN, |g| {
                g.glide_speed_mm_per_s * g.cartridge_width_mm / MM2_PER_CM2 / g.frequency_hz
            }),
            DeviceKind::Rf => self
                .rf
                .as_ref()
                .map_or(f64::NAN, |g| g.tip_area_mm2 / MM2_PER_CM2),
        }
    }

    /// Channels opened per cm² by one pass.
    pub fn channels_per_cm2_per_pass(&self) -> f64 {
        f64::from(self.needle_count) / self.area_per_pass_cm2()
    }

    /// Mean distance between neighbouring needles on the device, µm.
    pub fn needle_spacing_um(&self) -> f64 {
        let face_mm2 = match self.kind {
            DeviceKind::Roller => self
                .roller
                .as_ref()
                .map_or(f64::NAN, |g| PI * g.drum_diameter_mm * g.drum_length_mm),
            DeviceKind::Stamp => self.stamp.as_ref().map_or(f64::NAN, |g| g.head_area_mm2),
            DeviceKind::Pen => self.pen.as_ref().map_or(f64::NAN, |g| {
                PI * g.cartridge_width_mm * g.cartridge_width_mm / 4.0
            }),
            DeviceKind::Rf => self.rf.as_ref().map_or(f64::NAN, |g| g.tip_area_mm2),
        };
        (face_mm2 / f64::from(self.needle_count)).sqrt() * 1000.0
    }

    /// Needle width at `depth_um` below its tip's entry: a cone to `tip_length_um`, then a cylinder.
    pub fn needle_width_at_um(&self, depth_um: f64) -> f64 {
        let tip = 2.0 * self.tip_radius_um;
        let taper = (depth_um / self.tip_length_um).clamp(0.0, 1.0);
        tip + (self.needle_diameter_um - tip).max(0.0) * taper
    }
}

fn round_to(value: f64, quantum: f64) -> f64 {
    (value / quantum).round() * quantum
}

/// Catalog ids: lower-case ASCII letters, digits and dashes.
pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
