//! From a request to the solver's unit cell: layers with the agent's properties in this setting,
//! the dose on the surface (saturated at the agent's solubility, evaporating if volatile), and
//! the channel with its closure.

use crate::skin::{Layer, SkinProfile};

use super::STACK;
use super::grid::{ChannelSpec, LayerSpec};
use super::intact::{Hydration, Preparation};
use super::params::{SoluteProperties, TransportParams};
use super::request::{DeliveryRequest, Dose, GridResolution};
use super::solute::{Solute, Volatility};
use super::solver::{DoseSpec, UnitCell};

/// Gas constant, J/(mol·K).
const GAS_CONSTANT: f64 = 8.314_462_618;
/// Pascal per atmosphere.
const PA_PER_ATM: f64 = 101_325.0;

/// Thickness of each layer of the transport stack: the site's, with a fully hydrated stratum
/// corneum swollen as the model's reference thicknesses are.
fn thicknesses(params: &TransportParams, skin: &SkinProfile, hydration: Hydration) -> [f64; 4] {
    let sc = &params.stratum_corneum;
    let swelling = match hydration {
        Hydration::Partial => 1.0,
        Hydration::Full => sc.full.thickness_um.value / sc.partial.thickness_um.value,
    };
    STACK.map(|layer| {
        let h = skin.thickness(layer);
        if layer == Layer::StratumCorneum {
            h * swelling
        } else {
            h
        }
    })
}

fn layer_specs(
    thicknesses: [f64; 4],
    props: &SoluteProperties,
    resolution: GridResolution,
) -> Vec<LayerSpec> {
    STACK
        .iter()
        .zip(thicknesses)
        .zip(resolution.layer_cells)
        .map(|((layer, thickness_um), cells)| {
            let p = match layer {
                Layer::StratumCorneum => props.stratum_corneum,
                Layer::ViableEpidermis => props.viable_epidermis,
                _ => props.dermis,
            };
            LayerSpec {
                thickness_um,
                cells,
                diffusivity_um2_per_s: p.diffusivity_um2_per_s,
                partition: p.partition,
                clearance_per_s: p.clearance_per_s,
            }
        })
        .collect()
}

/// Vapour pressure at skin temperature (Pa): measured, or by Mackay's equation from the boiling
/// point (and melting point for a solid).
pub fn vapour_pressure_pa(params: &TransportParams, volatility: Volatility) -> f64 {
    match volatility {
        Volatility::VapourPressure { pa } => pa,
        Volatility::BoilingPoint {
            boiling_point_c,
            melting_point_c,
        } => {
            let [a, b, c, d] = params.evaporation.mackay;
            let t = params.evaporation.skin_temperature_k.value;
            let tb = boiling_point_c + 273.15;
            let mut ln_atm = -(a + tb.ln()) * (b * (tb / t - 1.0) - c * (tb / t).ln());
            if let Some(tm) = melting_point_c.map(|m| m + 273.15).filter(|tm| *tm > t) {
                ln_atm -= d * (tm / t - 1.0);
            }
            ln_atm.exp().min(1.0) * PA_PER_ATM
        }
    }
}

/// Evaporation velocity on the dissolved concentration of the film (µm/s): the gas-phase
/// coefficient times the saturated vapour density over the saturated film concentration.
pub fn evaporation_um_per_s(params: &TransportParams, solute: &Solute) -> f64 {
    let Some(volatility) = solute.volatility else {
        return 0.0;
    };
    let e = &params.evaporation;
    let mw = solute.mw_g_per_mol;
    let k_g_cm_per_h =
        e.mass_transfer_scale * e.air_speed_m_per_s.value.powf(e.wind_exponent) / mw.cbrt();
    // Saturated vapour density, g/cm³ of air: P·MW/(R·T), with m³ → cm³.
    let vapour_g_per_cm3 = vapour_pressure_pa(params, volatility) * mw
        / (GAS_CONSTANT * e.skin_temperature_k.value)
        * 1e-6;
    let saturated_g_per_cm3 = solute
        .solubility_mg_per_ml
        .map_or(e.neat_density_g_per_cm3.value, |s| s * 1e-3);
    k_g_cm_per_h * vapour_g_per_cm3 / saturated_g_per_cm3 * 1e4 / 3600.0
}

/// The dose as the solver sees it, with the agent's solubility and volatility.
fn dose_spec(params: &TransportParams, request: &DeliveryRequest) -> DoseSpec {
    let solute = request.solute();
    let solubility_ug_per_ml = solute.solubility_mg_per_ml.map(|s| s * 1000.0);
    match request.dose() {
        Dose::Infinite { mg_per_ml } => DoseSpec::Infinite {
            // A suspension above the solubility holds the dissolved part at saturation.
            concentration_ug_per_ml: solubility_ug_per_ml
                .map_or(mg_per_ml * 1000.0, |s| (mg_per_ml * 1000.0).min(s)),
        },
        Dose::Finite { ug_per_cm2 } => {
            let film_um = params.dose.film_thickness_um.value;
            // µg/cm² over a film of h µm: µg / (cm² · h·1e-4 cm) = µg/mL.
            DoseSpec::Finite {
                concentration_ug_per_ml: ug_per_cm2 / (film_um * 1e-4),
                film_thickness_um: film_um,
                solubility_ug_per_ml,
                evaporation_um_per_s: evaporation_um_per_s(params, &solute),
            }
        }
    }
}

/// Closure half-life (h) and the share that stays open, by setting: healing in vivo, elastic
/// contraction only in vitro; the caller's half-life replaces either.
pub fn closure(params: &TransportParams, request: &DeliveryRequest, length_um: f64) -> (f64, f64) {
    let (half_life_h, residual) =
        closure_by_setting(params, request.preparation(), request.occluded(), length_um);
    (
        request.closure_half_life_h().unwrap_or(half_life_h),
        residual,
    )
}

/// Closure half-life (h) and the share that stays open, in a setting.
fn closure_by_setting(
    params: &TransportParams,
    preparation: Preparation,
    occluded: bool,
    length_um: f64,
) -> (f64, f64) {
    match preparation {
        Preparation::InVivo => (params.closure_half_life_h(occluded, length_um), 0.0),
        Preparation::InVitro => (
            params.in_vitro.closure_half_life_h.value,
            params.in_vitro.residual_open_fraction.value,
        ),
    }
}

/// Time until 95 % of the channels' openness is gone (h): infinite where a share stays open.
pub fn closure_95_h(
    params: &TransportParams,
    preparation: Preparation,
    occluded: bool,
    length_um: f64,
) -> f64 {
    let (half_life_h, residual) = closure_by_setting(params, preparation, occluded, length_um);
    if residual >= 0.05 {
        f64::INFINITY
    } else {
        // residual + (1 − residual) e^(−ln2 t / t½) = 0.05
        half_life_h * ((1.0 - residual) / (0.05 - residual)).log2()
    }
}

/// Unit-cell description of a request, with or without its channel, and the closure
/// half-life used (h; 0 without channels).
pub fn unit_cell(
    params: &TransportParams,
    request: &DeliveryRequest,
    with_channel: bool,
) -> (UnitCell, f64) {
    let props = params.solute_properties(
        &request.solute(),
        request.hydration(),
        request.preparation(),
    );
    let layers = layer_specs(
        thicknesses(params, request.skin(), request.hydration()),
        &props,
        request.resolution(),
    );
    let total_depth: f64 = layers.iter().map(|l| l.thickness_um).sum();
    let p = request.penetration().filter(|p| p.effective_depth_um > 0.0);
    let channels = p.map_or(0.0, |p| p.channels_per_cm2);
    let radius_um = if channels > 0.0 {
        (1e8 / (std::f64::consts::PI * channels)).sqrt()
    } else {
        500.0
    };
    let (half_life_h, residual) = p.map_or((0.0, 0.0), |p| {
        closure(params, request, p.nominal_length_um)
    });
    let channel = p
        .filter(|_| with_channel && channels > 0.0)
        .map(|p| ChannelSpec {
            depth_um: p.effective_depth_um.min(0.98 * total_depth),
            // The fluid path is the needle's own hole (the torn rim that stains around it recoils),
            // as the cylinder of the cone's depth and volume.
            radius_um: (p.needle_hole_diameter_um / 2.0 / 3f64.sqrt()).min(0.8 * radius_um),
            vehicle_diffusivity_um2_per_s: props.vehicle_diffusivity_um2_per_s,
            half_life_s: Some(half_life_h * 3600.0),
            residual_open_fraction: residual,
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
            dose: dose_spec(params, request),
            radial_cells,
            wash_at_s: request.wash_at_h().map(|h| h * 3600.0),
        },
        half_life_h,
    )
}
