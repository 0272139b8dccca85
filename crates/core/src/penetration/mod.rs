//! How deep needles really go, and what the channels do to the skin.
//!
//! The skin deflects ("dimples") before a needle punctures it; the needle punctures when the
//! force per needle (roll, press) or its speed (impact) passes the tip's threshold, then enters
//! until the force runs out against the shaft's drag or its base meets the deflected skin
//! ([`mechanics`] gives the equations). The channel is the needle's section widened by a tear
//! factor (the skin opens as a crack beyond the needle), so its radius at depth z is
//! `tear · width(depth − z) / 2` where `width` is the needle's cone-then-cylinder profile measured
//! from the tip. Every parameter is in `data/penetration.toml`; docs/penetration.md says which
//! experiment calibrates which.

use serde::Serialize;

use crate::device::Device;
use crate::skin::{Layer, SkinProfile, ThicknessVariation};

pub mod mechanics;
mod params;

pub use mechanics::{DepthLimit, Insertion, PierceThreshold};
pub use params::{
    BleedingParams, ChannelParams, ErythemaParams, InsertionDefaults, Mechanics, PainParams,
    PenetrationParams, SaturatingCurve,
};

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
    /// Whether the needles puncture the skin at all.
    pub pierced: bool,
    /// How the needles were driven, the puncture threshold and what stopped them.
    pub insertion: Insertion,
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

/// Standard-normal offsets of skin thickness at which [`PenetrationParams::injury_spread`] is
/// tabulated, −3 to 3 by 0.5 (the band interpolates between them).
pub const INJURY_SPREAD_Z: [f64; 13] = [
    -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
];

impl PenetrationParams {
    /// Skin deflection before puncture, µm.
    pub fn dimple_um(&self, device: &Device) -> f64 {
        self.insert(device, device.default_length_mm * 1000.0)
            .dimple_um
    }

    /// Effective depth of a needle of `length_um`, µm.
    pub fn effective_depth_um(&self, device: &Device, length_um: f64) -> f64 {
        self.insert(device, length_um).depth_um
    }

    /// The injured dermal fraction of one session for people [`INJURY_SPREAD_Z`] standard
    /// deviations from the site's typical skin (`variation`): the table the healing band draws
    /// each virtual patient's injury from.
    pub fn injury_spread(
        &self,
        device: &Device,
        length_mm: f64,
        skin: &SkinProfile,
        passes: u32,
        variation: &ThicknessVariation,
    ) -> Vec<f64> {
        INJURY_SPREAD_Z
            .iter()
            .map(|z| {
                self.simulate(device, length_mm, &variation.at(skin, *z), passes)
                    .injured_dermis_fraction
            })
            .collect()
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
        let inserted = self.insert(device, nominal_length_um);
        let depth_um = inserted.depth_um;
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
            dimple_um: inserted.dimple_um,
            pierced: inserted.pierced,
            insertion: inserted.insertion,
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
    if !result.pierced {
        warnings.push(no_puncture(result, device));
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

/// Why a setting does not puncture, with the threshold it missed.
fn no_puncture(result: &Penetration, device: &Device) -> String {
    let t = &result.insertion.threshold;
    match result.insertion.limited_by {
        DepthLimit::BelowPuncture => format!(
            "No puncture expected: a {} um tip needs {} {:.3} but gets {:.3}.",
            device.tip_radius_um, t.quantity, t.required, t.available
        ),
        _ => format!(
            "No puncture expected: the skin deflects about {:.0} um before a {} um needle with a {} um tip enters.",
            result.dimple_um, result.nominal_length_um, device.tip_radius_um
        ),
    }
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
