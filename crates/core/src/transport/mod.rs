//! Drug delivery through microneedle channels, and through intact skin as the baseline.
//!
//! A **unit cell** is the cylinder of skin that belongs to one channel: its radius follows from
//! the channel density `n` of the penetration model, `R = 1 / √(π n)`. Inside it, Fick's law in
//! axisymmetric coordinates over layered skin (stratum corneum, viable epidermis, papillary and
//! reticular dermis):
//!
//! ```text
//! ∂c/∂t = (1/r) ∂/∂r (r D ∂c/∂r) + ∂/∂z (D ∂c/∂z) − k c,     c/K continuous at interfaces
//! ```
//!
//! with the formulation on top (fixed concentration, or a depleting film), a sink below the
//! dermis, first-order clearance to blood in the dermis, and a cylindrical channel (the penetration model's cone at equal depth and volume) filled with
//! formulation whose openness decays as `exp(−ln 2 · t / t½)`: an open channel conducts like the
//! vehicle, a closed one like the tissue around it. Layer properties come from the agent's MW and
//! log Kow through Potts–Guy and the Kasting/Dancik relations ([`params`]). The same solver with
//! one radial cell and no channel is the intact-skin model. Numerics: [`solver`];
//! documentation and validation: docs/transport.md.

use serde::Serialize;

use crate::skin::{Layer, SkinProfile};

pub mod banded;
pub mod grid;
pub mod params;
mod request;
pub mod solver;

use grid::{ChannelSpec, LayerSpec};
pub use params::{Solute, SoluteProperties, TransportParams};
pub use request::{
    DeliveryRequest, DeliveryRequestBuilder, Dose, GridResolution, MAX_CONCENTRATION_MG_PER_ML,
    MAX_DOSE_UG_PER_CM2, MAX_HOURS,
};
use solver::{DoseSpec, Solution, UnitCell};

/// Layers of the transport stack, top down.
pub const STACK: [Layer; 4] = [
    Layer::StratumCorneum,
    Layer::ViableEpidermis,
    Layer::PapillaryDermis,
    Layer::ReticularDermis,
];

/// Amounts at one time, µg/cm².
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryPoint {
    /// Time since application (h).
    pub time_h: f64,
    /// Left on the surface (µg/cm²).
    pub donor: f64,
    /// In the stratum corneum (µg/cm²).
    pub stratum_corneum: f64,
    /// In the viable epidermis (µg/cm²).
    pub viable_epidermis: f64,
    /// In the papillary dermis (µg/cm²).
    pub papillary_dermis: f64,
    /// In the reticular dermis (µg/cm²).
    pub reticular_dermis: f64,
    /// In the fluid of the channels.
    pub channel: f64,
    /// Cleared by the dermal capillaries plus what left below the dermis.
    pub blood: f64,
    /// Past the stratum corneum: viable epidermis, dermis (tissue) and blood.
    pub absorbed: f64,
}

/// Tissue concentration at one depth.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfilePoint {
    /// Depth below the surface (µm).
    pub depth_um: f64,
    /// Row-averaged tissue concentration (µg/mL).
    pub concentration_ug_per_ml: f64,
}

/// Tissue concentration against depth at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepthProfile {
    /// Time since application (h).
    pub time_h: f64,
    /// Points from the surface down.
    pub points: Vec<ProfilePoint>,
}

/// Solver diagnostics of the microneedled run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Numerics {
    /// Unknowns of the linear system.
    pub unknowns: usize,
    /// Time steps taken.
    pub steps: usize,
    /// Largest relative mass-balance error over all steps.
    pub max_mass_balance_error: f64,
}

/// Predicted delivery of a topical through microneedle channels and through intact skin.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Agent identifier.
    pub agent: String,
    /// Device identifier.
    pub device: String,
    /// Site identifier.
    pub site: String,
    /// Application time (h).
    pub hours: f64,
    /// Whether the application is occluded (no evaporation of the vehicle).
    pub occluded: bool,
    /// What was applied.
    pub dose: Dose,
    /// Needle length (µm).
    pub nominal_length_um: f64,
    /// Channel depth from the penetration model (µm).
    pub effective_depth_um: f64,
    /// Channel diameter at the surface (µm).
    pub channel_surface_diameter_um: f64,
    /// Channels per cm².
    pub channels_per_cm2: f64,
    /// Radius of the unit cell around one channel (µm).
    pub unit_cell_radius_um: f64,
    /// Half-life of channel closure (h).
    pub channel_half_life_h: f64,
    /// Absorbed with microneedling ÷ absorbed through intact skin at the end time; `None` when
    /// intact skin lets (next to) nothing through.
    pub enhancement_ratio: Option<f64>,
    /// Amounts over time with channels (µg/cm²).
    pub delivered_ug_per_cm2: Vec<DeliveryPoint>,
    /// Amounts over time through intact skin (µg/cm²).
    pub intact_ug_per_cm2: Vec<DeliveryPoint>,
    /// Earliest time from which the uptake rate stays within 5 % of its final value (h); infinite dose only, `None` if not reached.
    pub time_to_steady_state_h: Option<f64>,
    /// Depth profiles at the requested times.
    pub profiles: Vec<DepthProfile>,
    /// Transport properties derived for the solute.
    pub properties: SoluteProperties,
    /// Solver diagnostics.
    pub numerics: Numerics,
    /// Caveats about the inputs or the model's range.
    pub warnings: Vec<String>,
}

/// Absorbed amounts below this, µg/cm², count as nothing for the enhancement ratio.
const NEGLIGIBLE_UG_PER_CM2: f64 = 1e-9;

fn layer_specs(
    skin: &SkinProfile,
    props: &SoluteProperties,
    resolution: GridResolution,
) -> Vec<LayerSpec> {
    STACK
        .iter()
        .zip(resolution.layer_cells)
        .map(|(layer, cells)| {
            let p = match layer {
                Layer::StratumCorneum => props.stratum_corneum,
                Layer::ViableEpidermis => props.viable_epidermis,
                _ => props.dermis,
            };
            LayerSpec {
                thickness_um: skin.thickness(*layer),
                cells,
                diffusivity_um2_per_s: p.diffusivity_um2_per_s,
                partition: p.partition,
                clearance_per_s: p.clearance_per_s,
            }
        })
        .collect()
}

fn points(solution: &Solution) -> Vec<DeliveryPoint> {
    solution
        .snapshots
        .iter()
        .map(|s| {
            let blood = s.cleared + s.sink;
            let layer = |i: usize| s.layers.get(i).copied().unwrap_or(0.0);
            DeliveryPoint {
                time_h: s.time_s / 3600.0,
                donor: s.donor,
                stratum_corneum: layer(0),
                viable_epidermis: layer(1),
                papillary_dermis: layer(2),
                reticular_dermis: layer(3),
                channel: s.channel,
                blood,
                absorbed: layer(1) + layer(2) + layer(3) + blood,
            }
        })
        .collect()
}

/// The earliest time from which the uptake rate stays within 5 % of its final value, if that
/// holds over at least the last quarter of the run.
fn steady_state_h(uptake: &[(f64, f64)]) -> Option<f64> {
    let &(end, last) = uptake.last()?;
    if last <= 0.0 || !last.is_finite() {
        return None;
    }
    let within = |rate: f64| (rate - last).abs() <= 0.05 * last;
    let mut first = end;
    for &(t, rate) in uptake.iter().rev() {
        if within(rate) {
            first = t;
        } else {
            break;
        }
    }
    (first <= 0.75 * end).then_some(first / 3600.0)
}

/// Unit-cell description of a request, with or without its channel.
pub fn unit_cell(
    params: &TransportParams,
    request: &DeliveryRequest,
    with_channel: bool,
) -> (UnitCell, f64) {
    let props = params.solute_properties(request.solute());
    let layers = layer_specs(request.skin(), &props, request.resolution());
    let p = request.penetration();
    let half_life_h = request
        .closure_half_life_h()
        .unwrap_or_else(|| params.closure_half_life_h(request.occluded(), p.nominal_length_um));
    let dose = match request.dose() {
        Dose::Infinite { mg_per_ml } => DoseSpec::Infinite {
            concentration_ug_per_ml: mg_per_ml * 1000.0,
        },
        Dose::Finite { ug_per_cm2 } => {
            let film_um = params.dose.film_thickness_um.value;
            // µg/cm² over a film of h µm: µg / (cm² · h·1e-4 cm) = µg/mL.
            DoseSpec::Finite {
                concentration_ug_per_ml: ug_per_cm2 / (film_um * 1e-4),
                film_thickness_um: film_um,
                solubility_ug_per_ml: None,
                evaporation_um_per_s: 0.0,
            }
        }
    };
    let channels = if p.effective_depth_um > 0.0 {
        p.channels_per_cm2
    } else {
        0.0
    };
    let total_depth: f64 = layers.iter().map(|l| l.thickness_um).sum();
    let radius_um = if channels > 0.0 {
        (1e8 / (std::f64::consts::PI * channels)).sqrt()
    } else {
        500.0
    };
    let channel = (with_channel && channels > 0.0).then(|| ChannelSpec {
        depth_um: p.effective_depth_um.min(0.98 * total_depth),
        // The fluid path is the needle's own hole (the torn rim that stains around it recoils),
        // as the cylinder of the cone's depth and volume.
        radius_um: (p.needle_hole_diameter_um / 2.0 / 3f64.sqrt()).min(0.8 * radius_um),
        vehicle_diffusivity_um2_per_s: props.vehicle_diffusivity_um2_per_s,
        half_life_s: Some(half_life_h * 3600.0),
        barrier_open_fraction: params.channel.barrier_open_fraction.value,
    });
    let radial_cells = if channel.is_some() {
        request.resolution().radial_cells
    } else {
        1
    };
    (
        UnitCell {
            radius_um,
            layers,
            channel,
            channel_prefilled: true,
            dose,
            radial_cells,
        },
        half_life_h,
    )
}

/// Runs the request with its channels and through intact skin.
pub fn simulate(params: &TransportParams, request: &DeliveryRequest) -> Delivery {
    let end_s = request.hours() * 3600.0;
    let report_s: Vec<f64> = request.report_hours().iter().map(|h| h * 3600.0).collect();
    let profile_s: Vec<f64> = request.profile_hours().iter().map(|h| h * 3600.0).collect();
    let (cell, half_life_h) = unit_cell(params, request, true);
    let (intact_cell, _) = unit_cell(params, request, false);
    let with_channels = solver::solve(&cell, request.stepping(), end_s, &report_s, &profile_s);
    let intact = solver::solve(&intact_cell, request.stepping(), end_s, &report_s, &[]);
    let delivered = points(&with_channels);
    let intact_points = points(&intact);
    let end_mn = delivered.last().map_or(0.0, |p| p.absorbed);
    let end_intact = intact_points.last().map_or(0.0, |p| p.absorbed);
    let mut warnings = Vec::new();
    let enhancement_ratio = if end_intact > NEGLIGIBLE_UG_PER_CM2 {
        Some(end_mn / end_intact)
    } else {
        warnings.push(String::from(
            "Intact skin lets next to nothing through for this agent: no enhancement ratio (channel-only delivery).",
        ));
        None
    };
    if cell.channel.is_none() {
        warnings.push(String::from(
            "The needles do not puncture at this setting: delivery is through intact skin only.",
        ));
    }
    let p = request.penetration();
    let profiles = with_channels
        .snapshots
        .iter()
        .filter_map(|s| {
            s.profile.as_ref().map(|points| DepthProfile {
                time_h: s.time_s / 3600.0,
                points: points
                    .iter()
                    .map(|(depth_um, c)| ProfilePoint {
                        depth_um: *depth_um,
                        concentration_ug_per_ml: *c,
                    })
                    .collect(),
            })
        })
        .collect();
    Delivery {
        agent: request.agent_id().to_string(),
        device: p.device.clone(),
        site: p.site.clone(),
        hours: request.hours(),
        occluded: request.occluded(),
        dose: request.dose(),
        nominal_length_um: p.nominal_length_um,
        effective_depth_um: p.effective_depth_um,
        channel_surface_diameter_um: p.channel_surface_diameter_um,
        channels_per_cm2: p.channels_per_cm2,
        unit_cell_radius_um: cell.radius_um,
        channel_half_life_h: half_life_h,
        enhancement_ratio,
        time_to_steady_state_h: match request.dose() {
            Dose::Infinite { .. } => steady_state_h(&with_channels.uptake_rate),
            Dose::Finite { .. } => None,
        },
        delivered_ug_per_cm2: delivered,
        intact_ug_per_cm2: intact_points,
        profiles,
        properties: params.solute_properties(request.solute()),
        numerics: Numerics {
            unknowns: with_channels.unknowns,
            steps: with_channels.steps,
            max_mass_balance_error: with_channels
                .max_mass_balance_error
                .max(intact.max_mass_balance_error),
        },
        warnings,
    }
}
