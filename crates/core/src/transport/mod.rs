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
//! with the formulation on top (fixed concentration, or a film that holds the agent up to its
//! solubility, keeps the excess as a solid and loses the volatile to the air), a sink below the
//! dermis (the receptor in vitro), first-order clearance to blood (or lymph) in the dermis in
//! vivo, and a cylindrical channel (the penetration model's cone at equal depth and volume)
//! filled with formulation whose openness decays as `exp(−ln 2 · t / t½)` (to a residual share
//! in excised skin): an open channel conducts like the vehicle, a closed one like the tissue
//! around it. Layer properties come from the Kasting/Nitsche/Dancik model of the NIOSH
//! finite-dose calculator ([`intact`]) or, for large molecules, from their size
//! ([`macromolecule`](TransportParams::large_molecule)). The same solver with one radial cell and
//! no channel is the intact-skin model. Numerics: [`solver`]; documentation and validation:
//! docs/transport.md.

use serde::Serialize;

use crate::skin::Layer;

pub mod banded;
mod cell;
pub mod grid;
pub mod intact;
mod macromolecule;
pub mod params;
mod request;
pub mod solute;
pub mod solver;

pub use cell::{closure, closure_95_h, evaporation_um_per_s, unit_cell, vapour_pressure_pa};
pub use intact::{Hydration, Preparation};
pub use params::{SoluteProperties, TransportParams};
pub use request::{
    DeliveryRequest, DeliveryRequestBuilder, Dose, GridResolution, MAX_CONCENTRATION_MG_PER_ML,
    MAX_DOSE_UG_PER_CM2, MAX_HOURS,
};
pub use solute::{GroupKind, IonisableGroup, MolecularShape, Solute, Volatility};
use solver::{Solution, SteadyState, steady_state};

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
    /// Left on the surface: film and undissolved solid (µg/cm²).
    pub donor: f64,
    /// Evaporated from the surface (µg/cm²).
    pub evaporated: f64,
    /// Removed by washing the surface (µg/cm²).
    pub washed: f64,
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
    /// Cleared by the dermal capillaries or lymph (in vivo) plus what left below the dermis (the
    /// receptor in vitro).
    pub blood: f64,
    /// Past the stratum corneum: viable epidermis, dermis (tissue) and blood.
    pub absorbed: f64,
    /// Rate into blood and receptor at this time (µg/cm²/h).
    pub uptake_flux_ug_per_cm2_h: f64,
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

/// What one route (intact skin, or skin with channels) does with the dose: the figures a Franz
/// cell or an in-vivo study reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Route {
    /// Steady-state permeability coefficient relative to the vehicle (cm/h); with channels, while
    /// they are held open.
    pub kp_cm_per_h: f64,
    /// Steady flux an infinite dose at the vehicle's dissolved concentration would reach
    /// (µg/cm²/h).
    pub steady_flux_ug_per_cm2_h: f64,
    /// Time-axis intercept of the steady cumulative line (h); `None` when nothing permeates.
    pub lag_time_h: Option<f64>,
    /// Finite dose: share past the stratum corneum at the end (tissue, channels, blood) (%).
    pub absorbed_pct_of_dose: Option<f64>,
    /// Finite dose: share in blood or receptor at the end (%).
    pub systemic_pct_of_dose: Option<f64>,
    /// Finite dose: share in the stratum corneum at the end (%).
    pub stratum_corneum_pct_of_dose: Option<f64>,
    /// Finite dose: share evaporated by the end (%).
    pub evaporated_pct_of_dose: Option<f64>,
    /// Finite dose: share left on the surface at the end (%).
    pub surface_pct_of_dose: Option<f64>,
    /// Finite dose: share washed off (%).
    pub washed_pct_of_dose: Option<f64>,
}

/// Enhancement by the channels, read in several ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enhancement {
    /// Steady flux with channels held open ÷ steady flux through intact skin.
    pub steady_flux: Option<f64>,
    /// Cumulative amount past the stratum corneum with channels ÷ intact, at each reported time.
    pub cumulative: Vec<RatioAt>,
    /// Whether the end-time ratio is read before the intact route's lag time.
    pub read_before_intact_lag: bool,
}

/// A ratio at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatioAt {
    /// Time since application (h).
    pub time_h: f64,
    /// The ratio; `None` when intact skin lets next to nothing through.
    pub ratio: Option<f64>,
}

/// Predicted delivery of a topical through microneedle channels and through intact skin.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Agent identifier.
    pub agent: String,
    /// Device identifier (`none` for intact skin only).
    pub device: String,
    /// Site identifier.
    pub site: String,
    /// Living skin or excised skin in a diffusion cell.
    pub setting: Preparation,
    /// Hydration of the stratum corneum.
    pub sc_hydration: Hydration,
    /// Simulated time (h).
    pub hours: f64,
    /// When the surface was washed (h), if it was.
    pub wash_at_h: Option<f64>,
    /// Whether the application is occluded (channels stay open longer).
    pub occluded: bool,
    /// What was applied.
    pub dose: Dose,
    /// Needle length (µm; 0 for intact skin only).
    pub nominal_length_um: f64,
    /// Channel depth from the penetration model (µm).
    pub effective_depth_um: f64,
    /// Channel diameter at the surface (µm).
    pub channel_surface_diameter_um: f64,
    /// Channels per cm².
    pub channels_per_cm2: f64,
    /// Radius of the unit cell around one channel (µm).
    pub unit_cell_radius_um: f64,
    /// Half-life of channel closure (h; 0 without channels).
    pub channel_half_life_h: f64,
    /// Absorbed with microneedling ÷ absorbed through intact skin at the end time; `None` when
    /// intact skin lets (next to) nothing through or there are no channels.
    pub enhancement_ratio: Option<f64>,
    /// Enhancement at steady state and over time.
    pub enhancement: Enhancement,
    /// Intact skin.
    pub intact: Route,
    /// Skin with channels; `None` for intact skin only or needles that do not pierce.
    pub channels: Option<Route>,
    /// Amounts over time with channels (µg/cm²); empty for intact skin only.
    pub delivered_ug_per_cm2: Vec<DeliveryPoint>,
    /// Amounts over time through intact skin (µg/cm²).
    pub intact_ug_per_cm2: Vec<DeliveryPoint>,
    /// Earliest time from which the uptake rate stays within 5 % of its final value (h); infinite dose only, `None` if not reached.
    pub time_to_steady_state_h: Option<f64>,
    /// Depth profiles at the requested times (with channels, else intact).
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

fn points(solution: &Solution) -> Vec<DeliveryPoint> {
    solution
        .snapshots
        .iter()
        .map(|s| {
            let blood = s.cleared + s.sink;
            let layer = |i: usize| s.layers.get(i).copied().unwrap_or(0.0);
            let flux = solution
                .uptake_rate
                .iter()
                .find(|(t, _)| (t - s.time_s).abs() <= 1e-9 * s.time_s.max(1.0))
                .map_or(0.0, |(_, f)| *f);
            DeliveryPoint {
                time_h: s.time_s / 3600.0,
                donor: s.donor,
                evaporated: s.evaporated,
                washed: s.washed,
                stratum_corneum: layer(0),
                viable_epidermis: layer(1),
                papillary_dermis: layer(2),
                reticular_dermis: layer(3),
                channel: s.channel,
                blood,
                absorbed: layer(1) + layer(2) + layer(3) + blood,
                uptake_flux_ug_per_cm2_h: flux,
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

/// The dissolved concentration of the vehicle at the start (µg/mL).
fn dissolved_ug_per_ml(params: &TransportParams, request: &DeliveryRequest) -> f64 {
    let applied = match request.dose() {
        Dose::Infinite { mg_per_ml } => mg_per_ml * 1000.0,
        Dose::Finite { ug_per_cm2 } => ug_per_cm2 / (params.dose.film_thickness_um.value * 1e-4),
    };
    request
        .solute()
        .solubility_mg_per_ml
        .map_or(applied, |s| applied.min(s * 1000.0))
}

fn route(
    steady: Option<SteadyState>,
    dissolved: f64,
    end: Option<&DeliveryPoint>,
    dose: Dose,
) -> Route {
    let kp_cm_per_h = steady.map_or(0.0, |s| s.permeability_um_per_s * 1e-4 * 3600.0);
    let pct = |f: fn(&DeliveryPoint) -> f64| match (dose, end) {
        (Dose::Finite { ug_per_cm2 }, Some(p)) => Some(100.0 * f(p) / ug_per_cm2),
        _ => None,
    };
    Route {
        kp_cm_per_h,
        steady_flux_ug_per_cm2_h: kp_cm_per_h * dissolved,
        lag_time_h: steady.and_then(|s| s.lag_time_s).map(|s| s / 3600.0),
        absorbed_pct_of_dose: pct(|p| p.absorbed + p.channel),
        systemic_pct_of_dose: pct(|p| p.blood),
        stratum_corneum_pct_of_dose: pct(|p| p.stratum_corneum),
        evaporated_pct_of_dose: pct(|p| p.evaporated),
        surface_pct_of_dose: pct(|p| p.donor),
        washed_pct_of_dose: pct(|p| p.washed),
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > NEGLIGIBLE_UG_PER_CM2).then(|| a / b)
}

fn profiles(solution: &Solution) -> Vec<DepthProfile> {
    solution
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
        .collect()
}

/// Runs the request with its channels (if any) and through intact skin.
pub fn simulate(params: &TransportParams, request: &DeliveryRequest) -> Delivery {
    let end_s = request.hours() * 3600.0;
    let report_s: Vec<f64> = request.report_hours().iter().map(|h| h * 3600.0).collect();
    let profile_s: Vec<f64> = request.profile_hours().iter().map(|h| h * 3600.0).collect();
    let (cell, half_life_h) = unit_cell(params, request, true);
    let (intact_cell, _) = unit_cell(params, request, false);
    let with_channels = cell.channel.is_some();
    let intact_profiles: &[f64] = if with_channels { &[] } else { &profile_s };
    let intact = solver::solve(
        &intact_cell,
        request.stepping(),
        end_s,
        &report_s,
        intact_profiles,
    );
    let channelled = with_channels
        .then(|| solver::solve(&cell, request.stepping(), end_s, &report_s, &profile_s));
    let intact_points = points(&intact);
    let delivered = channelled.as_ref().map(points).unwrap_or_default();
    let dissolved = dissolved_ug_per_ml(params, request);
    let dose = request.dose();
    let intact_steady = steady_state(&intact_cell);
    let intact_route = route(intact_steady, dissolved, intact_points.last(), dose);
    let channels = channelled
        .as_ref()
        .map(|_| route(steady_state(&cell), dissolved, delivered.last(), dose));
    let cumulative: Vec<RatioAt> = delivered
        .iter()
        .zip(&intact_points)
        .map(|(d, i)| RatioAt {
            time_h: d.time_h,
            ratio: ratio(d.absorbed, i.absorbed),
        })
        .collect();
    let intact_lag_h = intact_route.lag_time_h;
    let enhancement = Enhancement {
        steady_flux: channels.as_ref().and_then(|c| {
            (intact_route.kp_cm_per_h > 0.0).then(|| c.kp_cm_per_h / intact_route.kp_cm_per_h)
        }),
        cumulative,
        read_before_intact_lag: with_channels
            && intact_lag_h.is_some_and(|lag| request.hours() < lag),
    };
    let enhancement_ratio = enhancement.cumulative.last().and_then(|r| r.ratio);
    let warnings = warnings(params, request, &enhancement, intact_lag_h, with_channels);
    let p = request.penetration();
    let main = channelled.as_ref().unwrap_or(&intact);
    Delivery {
        agent: request.agent_id().to_string(),
        device: p.map_or_else(|| String::from("none"), |p| p.device.clone()),
        site: request.skin().site.clone(),
        setting: request.preparation(),
        sc_hydration: request.hydration(),
        hours: request.hours(),
        wash_at_h: request.wash_at_h(),
        occluded: request.occluded(),
        dose,
        nominal_length_um: p.map_or(0.0, |p| p.nominal_length_um),
        effective_depth_um: p.map_or(0.0, |p| p.effective_depth_um),
        channel_surface_diameter_um: p.map_or(0.0, |p| p.channel_surface_diameter_um),
        channels_per_cm2: p.map_or(0.0, |p| p.channels_per_cm2),
        unit_cell_radius_um: cell.radius_um,
        channel_half_life_h: half_life_h,
        enhancement_ratio,
        enhancement,
        intact: intact_route,
        channels,
        time_to_steady_state_h: match dose {
            Dose::Infinite { .. } => steady_state_h(&main.uptake_rate),
            Dose::Finite { .. } => None,
        },
        delivered_ug_per_cm2: delivered,
        intact_ug_per_cm2: intact_points,
        profiles: profiles(main),
        properties: params.solute_properties(
            &request.solute(),
            request.hydration(),
            request.preparation(),
        ),
        numerics: Numerics {
            unknowns: main.unknowns,
            steps: main.steps,
            max_mass_balance_error: main
                .max_mass_balance_error
                .max(intact.max_mass_balance_error),
        },
        warnings,
    }
}

fn warnings(
    params: &TransportParams,
    request: &DeliveryRequest,
    enhancement: &Enhancement,
    intact_lag_h: Option<f64>,
    with_channels: bool,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let solute = request.solute();
    if let (Some(s), Dose::Infinite { mg_per_ml }) = (solute.solubility_mg_per_ml, request.dose())
        && mg_per_ml > s
    {
        {
            warnings.push(format!(
                "The vehicle holds {mg_per_ml} mg/mL but the agent dissolves only to {s} mg/mL: the excess is a suspension and only the dissolved part drives delivery."
            ));
        }
    }
    if let (Some(s), Dose::Finite { ug_per_cm2 }) = (solute.solubility_mg_per_ml, request.dose())
        && ug_per_cm2 > s * 1000.0 * params.dose.film_thickness_um.value * 1e-4
    {
        let film_ug_per_cm2 = s * 1000.0 * params.dose.film_thickness_um.value * 1e-4;
        {
            warnings.push(format!(
                "Only {film_ug_per_cm2:.3} of the {ug_per_cm2} ug/cm2 dissolve in the film (solubility {s} mg/mL): the rest stays on the surface as a solid that keeps the film saturated."
            ));
        }
    }
    if request.penetration().is_some() && !with_channels {
        warnings.push(String::from(
            "The needles do not puncture at this setting: delivery is through intact skin only.",
        ));
    }
    if with_channels
        && enhancement
            .cumulative
            .last()
            .is_some_and(|r| r.ratio.is_none())
    {
        warnings.push(String::from(
            "Intact skin lets next to nothing through for this agent: no enhancement ratio (channel-only delivery).",
        ));
    }
    if let Some(lag) = intact_lag_h.filter(|_| enhancement.read_before_intact_lag) {
        warnings.push(format!(
            "The enhancement ratio is read at {} h, before the intact route's lag time of {lag:.1} h: it mostly says how late intact skin starts; compare the steady-flux enhancement.",
            request.hours()
        ));
    }
    if params.is_macromolecule(&solute) {
        warnings.push(format!(
            "A large molecule ({:.0} nm): it enters through the channels only and leaves the dermis mainly by lymph ({:.0} % of its removal).",
            params.hydrodynamic_radius_nm(&solute),
            100.0 * params.lymph_share(&solute)
        ));
    }
    warnings
}
