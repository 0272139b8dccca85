//! How deep needles really go, and what the channels do to the skin.
//!
//! The skin deflects ("dimples") before a needle punctures it, then the needle enters only part
//! of the rest of its length:
//!
//! ```text
//! dimple   = dimple_ref · (tip_radius / tip_ref)^tip_exponent · impact_factor(mode) · crowding
//! crowding = max(1, crowding_spacing / needle_spacing)
//! depth    = efficiency(mode) · max(0, L − dimple)
//! ```
//!
//! The channel is the needle's section widened by a tear factor (the skin opens as a crack beyond
//! the needle), so its radius at depth z is `tear · width(depth − z) / 2` where `width` is the
//! needle's cone-then-cylinder profile measured from the tip. Calibration points and every
//! parameter are in `data/penetration.toml` and docs/penetration.md.

use serde::{Deserialize, Serialize};

use crate::device::{Device, InsertionMode};
use crate::provenance::{Cited, Provenance};
use crate::skin::{Layer, SkinProfile};

/// Share `η` of the length past the dimple that enters the skin, per insertion mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Efficiency {
    /// Rolling (oblique entry as the drum turns).
    pub roll: Cited,
    /// Pressing (stamps).
    pub press: Cited,
    /// Impact (pens and RF devices).
    pub impact: Cited,
}

/// Reference dimple depth and the tip radius it was measured at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimpleReference {
    /// Dimple depth `δ_ref` at the reference tip radius (µm).
    pub value: f64,
    /// Reference tip radius `r_ref` (µm).
    pub tip_ref_um: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// How far the skin deflects before a needle punctures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dimple {
    /// Reference dimple `δ_ref` at tip radius `r_ref`.
    pub dimple_ref_um: DimpleReference,
    /// Exponent `k` of the tip-radius scaling (dimensionless).
    pub tip_exponent: Cited,
    /// Multiplier `f_impact` of the dimple for impact insertion (dimensionless).
    pub impact_factor: Cited,
    /// Needle spacing `s_crowd` below which crowding deepens the dimple (µm).
    pub crowding_spacing_um: Cited,
}

/// Channel geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelParams {
    /// How much wider than the needle the channel opens (the skin tears beyond it; dimensionless).
    pub tear_factor: Cited,
}

/// When bleeding is expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BleedingParams {
    /// Depth past the top of the dermis needed to reach the capillary loops (µm).
    pub capillary_margin_um: Cited,
}

/// `base + scale · (1 − exp(−dermal depth / length))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaturatingCurve {
    /// `base`: the value at zero dermal depth.
    pub value: f64,
    /// `scale`: the rise towards saturation.
    #[serde(alias = "scale_h")]
    pub scale: f64,
    /// `length`: the dermal depth of saturation (µm).
    pub length_um: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl SaturatingCurve {
    fn at(&self, dermal_depth_um: f64) -> f64 {
        self.value + self.scale * (1.0 - (-dermal_depth_um / self.length_um).exp())
    }
}

/// Expected pain (0–10) by deepest layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PainParams {
    /// Pain when only the stratum corneum is entered.
    pub surface_only: Cited,
    /// Pain when the viable epidermis is reached but not the dermis.
    pub epidermis: Cited,
    /// Pain against depth into the dermis.
    pub dermis_base: SaturatingCurve,
    /// Extra pain from RF heating.
    pub thermal_extra: Cited,
}

/// Expected erythema (h) by depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErythemaParams {
    /// Erythema when the dermis is not reached (h).
    pub epidermis_h: Cited,
    /// Erythema against depth into the dermis (h).
    pub dermis_base_h: SaturatingCurve,
    /// Multiplier of erythema for RF devices (dimensionless).
    pub thermal_factor: Cited,
    /// Longest erythema the model predicts (h).
    pub max_h: Cited,
}

/// Every parameter of the penetration model, from `data/penetration.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenetrationParams {
    /// Insertion efficiency per mode.
    pub efficiency: Efficiency,
    /// Skin deflection before puncture.
    pub dimple: Dimple,
    /// Channel widening.
    pub channel: ChannelParams,
    /// Bleeding threshold.
    pub bleeding: BleedingParams,
    /// Pain model.
    pub pain: PainParams,
    /// Erythema model.
    pub erythema: ErythemaParams,
}

/// One layer's extent below the surface, µm.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayerExtent {
    /// The layer.
    pub layer: Layer,
    /// Depth of its top (µm).
    pub top_um: f64,
    /// Depth of its bottom (µm).
    pub bottom_um: f64,
}

/// What one device setting does to one person's skin at one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Penetration {
    /// Device identifier.
    pub device: String,
    /// Site identifier.
    pub site: String,
    /// Sex of the skin profile.
    pub sex: &'static str,
    /// Age of the skin profile (years).
    pub age_years: f64,
    /// Needle length set (µm).
    pub nominal_length_um: f64,
    /// Skin deflection before puncture (µm).
    pub dimple_um: f64,
    /// Depth the channels reach (µm).
    pub effective_depth_um: f64,
    /// Effective depth over nominal length.
    pub effective_fraction: f64,
    /// Layers the channels reach, top down.
    pub layers_reached: Vec<Layer>,
    /// Deepest layer reached, if any.
    pub deepest_layer: Option<Layer>,
    /// Whether pinpoint bleeding is expected (capillary loops of the papillary dermis reached).
    pub pinpoint_bleeding_expected: bool,
    /// Channel diameter at the surface, the tear included (µm).
    pub channel_surface_diameter_um: f64,
    /// The needle's own hole at the surface, before the skin tears beyond it, µm: the fluid
    /// path of delivery (the torn rim recoils).
    pub needle_hole_diameter_um: f64,
    /// Volume of one channel (nL).
    pub channel_volume_nl: f64,
    /// Channels per cm² per pass, from the device geometry.
    pub channels_per_cm2_per_pass: f64,
    /// Number of passes.
    pub passes: u32,
    /// Channels per cm² over the whole session (all passes).
    pub channels_per_cm2: f64,
    /// Share of the dermal volume inside channels, overlaps counted once.
    pub injured_dermis_fraction: f64,
    /// Expected pain (0–10).
    pub pain_0_10: f64,
    /// Expected erythema (h).
    pub erythema_hours: f64,
    /// Extent of every layer of the skin profile.
    pub skin_layers: Vec<LayerExtent>,
    /// Caveats about the inputs or the model's range.
    pub warnings: Vec<String>,
}

/// Subintervals of the channel-volume quadrature (Simpson): exact for the cone, and within 1e-6
/// of the cone-to-cylinder kink.
const VOLUME_STEPS: usize = 64;

impl PenetrationParams {
    fn efficiency(&self, mode: InsertionMode) -> f64 {
        match mode {
            InsertionMode::Roll => self.efficiency.roll.value,
            InsertionMode::Press => self.efficiency.press.value,
            InsertionMode::Impact => self.efficiency.impact.value,
        }
    }

    /// Skin deflection before puncture, µm.
    pub fn dimple_um(&self, device: &Device) -> f64 {
        let d = &self.dimple;
        let tip = (device.tip_radius_um / d.dimple_ref_um.tip_ref_um).powf(d.tip_exponent.value);
        let mode = if device.mode() == InsertionMode::Impact {
            d.impact_factor.value
        } else {
            1.0
        };
        let crowding = (d.crowding_spacing_um.value / device.needle_spacing_um()).max(1.0);
        d.dimple_ref_um.value * tip * mode * crowding
    }

    /// Effective depth of a needle of `length_um`, µm.
    pub fn effective_depth_um(&self, device: &Device, length_um: f64) -> f64 {
        self.efficiency(device.mode()) * (length_um - self.dimple_um(device)).max(0.0)
    }

    /// Runs the model. `length_mm` must already be a valid setting of `device`.
    pub fn simulate(
        &self,
        device: &Device,
        length_mm: f64,
        skin: &SkinProfile,
        passes: u32,
    ) -> Penetration {
        let nominal_length_um = length_mm * 1000.0;
        let depth_um = self.effective_depth_um(device, nominal_length_um);
        let tear = self.channel.tear_factor.value;
        let channel_radius_at = |z: f64| tear * device.needle_width_at_um(depth_um - z) / 2.0;
        let surface_diameter_um = if depth_um > 0.0 {
            2.0 * channel_radius_at(0.0)
        } else {
            0.0
        };
        let channel_volume_um3 = cross_section_integral(&channel_radius_at, 0.0, depth_um);

        let dermis_top = skin.dermis_top_um();
        let dermis_bottom = skin.dermis_bottom_um();
        let dermal_depth = (depth_um.min(dermis_bottom) - dermis_top).max(0.0);
        let dermal_volume_um3 =
            cross_section_integral(&channel_radius_at, dermis_top, dermis_top + dermal_depth);

        // A needle that does not puncture leaves no channel.
        let per_pass = if depth_um > 0.0 {
            device.channels_per_cm2_per_pass()
        } else {
            0.0
        };
        let channels = per_pass * f64::from(passes);
        const UM2_PER_CM2: f64 = 1e8;
        // Poisson overlap: channels land at random, so covered volume = 1 − exp(−mean cover).
        let mean_cover = channels * dermal_volume_um3 / (skin.dermis_um() * UM2_PER_CM2);
        let injured_dermis_fraction = 1.0 - (-mean_cover).exp();

        let layers_reached = skin.layers_reached(depth_um);
        let reaches_dermis = depth_um > dermis_top + self.bleeding.capillary_margin_um.value;
        let thermal = device.is_energy();

        let pain = self.pain_0_10(skin, depth_um, dermal_depth, thermal);
        let erythema = self.erythema_h(dermal_depth, thermal);
        let skin_layers = layer_extents(skin);

        let mut result = Penetration {
            device: device.id.clone(),
            site: skin.site.clone(),
            sex: skin.sex.as_str(),
            age_years: skin.age_years,
            nominal_length_um,
            dimple_um: self.dimple_um(device),
            effective_depth_um: depth_um,
            effective_fraction: depth_um / nominal_length_um,
            deepest_layer: layers_reached.last().copied(),
            layers_reached,
            pinpoint_bleeding_expected: reaches_dermis,
            channel_surface_diameter_um: surface_diameter_um,
            needle_hole_diameter_um: if depth_um > 0.0 {
                device.needle_width_at_um(depth_um)
            } else {
                0.0
            },
            channel_volume_nl: channel_volume_um3 / 1e6,
            channels_per_cm2_per_pass: per_pass,
            passes,
            channels_per_cm2: channels,
            injured_dermis_fraction,
            pain_0_10: pain.clamp(0.0, 10.0),
            erythema_hours: erythema.min(self.erythema.max_h.value),
            skin_layers,
            warnings: Vec::new(),
        };
        result.warnings = warnings(&result, device, length_mm, skin);
        result
    }

    /// Pain by the deepest layer entered (rising with depth into the dermis), plus RF heating;
    /// not yet clamped to 0–10.
    fn pain_0_10(
        &self,
        skin: &SkinProfile,
        depth_um: f64,
        dermal_depth: f64,
        thermal: bool,
    ) -> f64 {
        let mechanical_pain = if depth_um <= 0.0 {
            0.0
        } else if depth_um <= skin.bottom_um(Layer::StratumCorneum) {
            self.pain.surface_only.value
        } else if dermal_depth <= 0.0 {
            self.pain.epidermis.value
        } else {
            self.pain.dermis_base.at(dermal_depth)
        };
        let thermal_pain = if thermal && depth_um > 0.0 {
            self.pain.thermal_extra.value
        } else {
            0.0
        };
        mechanical_pain + thermal_pain
    }

    /// Erythema (h): flat without dermal injury, rising with dermal depth, times the RF factor;
    /// not yet capped at the model's maximum.
    fn erythema_h(&self, dermal_depth: f64, thermal: bool) -> f64 {
        let mechanical_erythema_h = if dermal_depth > 0.0 {
            self.erythema.dermis_base_h.at(dermal_depth)
        } else {
            self.erythema.epidermis_h.value
        };
        let thermal_factor = if thermal {
            self.erythema.thermal_factor.value
        } else {
            1.0
        };
        mechanical_erythema_h * thermal_factor
    }
}

/// Every layer's extent below the surface, for the report's skin diagram.
fn layer_extents(skin: &SkinProfile) -> Vec<LayerExtent> {
    Layer::ALL
        .into_iter()
        .map(|layer| LayerExtent {
            layer,
            top_um: skin.top_um(layer),
            bottom_um: skin.bottom_um(layer),
        })
        .collect()
}

fn warnings(
    result: &Penetration,
    device: &Device,
    length_mm: f64,
    skin: &SkinProfile,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if result.effective_depth_um <= 0.0 {
        warnings.push(format!(
            "No puncture expected: the skin deflects about {:.0} um before a {} um needle with a {} um tip enters.",
            result.dimple_um, result.nominal_length_um, device.tip_radius_um
        ));
    }
    if result.effective_depth_um > skin.dermis_bottom_um() {
        warnings.push(format!(
            "Effective depth {:.0} um passes the dermis of the {} ({:.0} um): needles reach the fat, with its vessels and nerves.",
            result.effective_depth_um,
            skin.site,
            skin.dermis_bottom_um()
        ));
    }
    if let Some(max) = device.labelled_max_mm.filter(|max| length_mm > *max + 1e-9) {
        warnings.push(format!(
            "{length_mm} mm is above the {max} mm the {} labelling evaluated for safety.",
            device.id
        ));
    }
    if device.rf.as_ref().is_some_and(|rf| !rf.insulated) {
        warnings.push(String::from(
            "Non-insulated RF needles heat the epidermis along the shaft: higher burn and pigment risk in darker skin.",
        ));
    }
    warnings
}

/// ∫ π r(z)² dz from `top` to `bottom` by composite Simpson.
fn cross_section_integral(radius_at: &dyn Fn(f64) -> f64, top: f64, bottom: f64) -> f64 {
    if bottom <= top {
        return 0.0;
    }
    let h = (bottom - top) / VOLUME_STEPS as f64;
    let area = |z: f64| std::f64::consts::PI * radius_at(z).powi(2);
    let inner: f64 = (1..VOLUME_STEPS)
        .map(|i| {
            let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
            weight * area(top + i as f64 * h)
        })
        .sum();
    (area(top) + inner + area(bottom)) * h / 3.0
}
