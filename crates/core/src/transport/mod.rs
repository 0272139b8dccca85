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

use crate::agent::{Agent, AgentClass};
use crate::device::Device;
use crate::error::{InputError, check_range};
use crate::knowledge::KnowledgeBase;
use crate::penetration::Penetration;
use crate::skin::{Layer, SkinProfile};

pub mod banded;
pub mod grid;
pub mod params;
pub mod solver;

use grid::{ChannelSpec, LayerSpec};
pub use params::{Solute, SoluteProperties, TransportParams};
use solver::{DoseSpec, Solution, Stepping, UnitCell};

/// Longest simulated time, hours (30 days).
pub const MAX_HOURS: f64 = 720.0;
/// Highest vehicle concentration accepted, mg/mL.
pub const MAX_CONCENTRATION_MG_PER_ML: f64 = 2000.0;
/// Largest finite dose accepted, µg/cm².
pub const MAX_DOSE_UG_PER_CM2: f64 = 100_000.0;

/// How the formulation is applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Dose {
    /// The surface concentration stays fixed (a large reservoir), mg/mL.
    Infinite { mg_per_ml: f64 },
    /// A film of this many µg/cm² that depletes.
    Finite { ug_per_cm2: f64 },
}

impl Dose {
    /// Parses `infinite:MG_PER_ML` or `finite:UG_PER_CM2`.
    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        let accepted = format!(
            "infinite:MG_PER_ML (0 to {MAX_CONCENTRATION_MG_PER_ML}) or finite:UG_PER_CM2 (0 to {MAX_DOSE_UG_PER_CM2})"
        );
        let (kind, number) = text
            .split_once(':')
            .ok_or_else(|| InputError::new(field, text, accepted.clone()))?;
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| InputError::new(field, text, accepted.clone()))?;
        let dose = match kind.trim() {
            "infinite" => Dose::Infinite { mg_per_ml: value },
            "finite" => Dose::Finite { ug_per_cm2: value },
            _ => return Err(InputError::new(field, text, accepted)),
        };
        dose.validate(field)
    }

    pub fn validate(self, field: &str) -> Result<Self, InputError> {
        let (value, max, unit) = match self {
            Dose::Infinite { mg_per_ml } => (mg_per_ml, MAX_CONCENTRATION_MG_PER_ML, "mg/mL"),
            Dose::Finite { ug_per_cm2 } => (ug_per_cm2, MAX_DOSE_UG_PER_CM2, "ug/cm2"),
        };
        if value.is_finite() && value > 0.0 && value <= max {
            Ok(self)
        } else {
            Err(InputError::new(
                field,
                value,
                format!("more than 0 and at most {max} {unit}"),
            ))
        }
    }
}

/// Layers of the transport stack, top down.
pub const STACK: [Layer; 4] = [
    Layer::StratumCorneum,
    Layer::ViableEpidermis,
    Layer::PapillaryDermis,
    Layer::ReticularDermis,
];

/// Cells per layer of the default grid, and radial cells; `refine` multiplies them all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridResolution {
    pub layer_cells: [usize; 4],
    pub radial_cells: usize,
}

impl Default for GridResolution {
    fn default() -> Self {
        Self {
            layer_cells: [6, 8, 8, 18],
            radial_cells: 14,
        }
    }
}

impl GridResolution {
    pub fn refined(self, factor: usize) -> Self {
        Self {
            layer_cells: self.layer_cells.map(|n| n * factor),
            radial_cells: self.radial_cells * factor,
        }
    }
}

/// Everything a delivery simulation needs, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRequest {
    pub agent_id: String,
    pub solute: Solute,
    pub macromolecule: bool,
    pub penetration: Penetration,
    pub skin: SkinProfile,
    pub hours: f64,
    pub occluded: bool,
    pub dose: Dose,
    pub report_hours: Vec<f64>,
    pub profile_hours: Vec<f64>,
    pub resolution: GridResolution,
    pub stepping: Stepping,
    /// Replaces the closure half-life of `data/transport.toml`, hours.
    pub closure_half_life_h: Option<f64>,
}

/// Amounts at one time, µg/cm².
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryPoint {
    pub time_h: f64,
    pub donor: f64,
    pub stratum_corneum: f64,
    pub viable_epidermis: f64,
    pub papillary_dermis: f64,
    pub reticular_dermis: f64,
    /// In the fluid of the channels.
    pub channel: f64,
    /// Cleared by the dermal capillaries plus what left below the dermis.
    pub blood: f64,
    /// Past the stratum corneum: viable epidermis, dermis (tissue) and blood.
    pub absorbed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfilePoint {
    pub depth_um: f64,
    pub concentration_ug_per_ml: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepthProfile {
    pub time_h: f64,
    pub points: Vec<ProfilePoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Numerics {
    pub unknowns: usize,
    pub steps: usize,
    pub max_mass_balance_error: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub agent: String,
    pub device: String,
    pub site: String,
    pub hours: f64,
    pub occluded: bool,
    pub dose: Dose,
    pub nominal_length_um: f64,
    pub effective_depth_um: f64,
    pub channel_surface_diameter_um: f64,
    pub channels_per_cm2: f64,
    pub unit_cell_radius_um: f64,
    pub channel_half_life_h: f64,
    /// Absorbed with microneedling ÷ absorbed through intact skin at the end time; `None` when
    /// intact skin lets (next to) nothing through.
    pub enhancement_ratio: Option<f64>,
    pub delivered_ug_per_cm2: Vec<DeliveryPoint>,
    pub intact_ug_per_cm2: Vec<DeliveryPoint>,
    pub time_to_steady_state_h: Option<f64>,
    pub profiles: Vec<DepthProfile>,
    pub properties: SoluteProperties,
    pub numerics: Numerics,
    pub warnings: Vec<String>,
}

/// Absorbed amounts below this, µg/cm², count as nothing for the enhancement ratio.
const NEGLIGIBLE_UG_PER_CM2: f64 = 1e-9;

impl Solute {
    /// The transport properties of a catalog agent.
    pub fn of_agent(agent: &Agent) -> Result<Self, InputError> {
        let log_kow = match (agent.log_kow, agent.class) {
            (Some(k), _) => k,
            (None, AgentClass::Macromolecule | AgentClass::Biologic) => 0.0,
            (None, AgentClass::SmallMolecule) => {
                return Err(InputError::new(
                    "agent.log_kow",
                    "missing",
                    "a log Kow for a small molecule",
                ));
            }
        };
        Self::new(agent.mw_g_per_mol, log_kow)
    }

    pub fn new(mw_g_per_mol: f64, log_kow: f64) -> Result<Self, InputError> {
        Ok(Self {
            mw_g_per_mol: check_range("agent.mw_g_per_mol", mw_g_per_mol, 30.0, 5e6, "g/mol")?,
            log_kow: check_range("agent.log_kow", log_kow, -8.0, 10.0, "")?,
        })
    }
}

impl DeliveryRequest {
    /// Default report times: 1, 2, 4, 8, 12, 24 h and so on up to `hours`, and `hours` itself.
    pub fn default_report_hours(hours: f64) -> Vec<f64> {
        let mut times: Vec<f64> = [
            0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 720.0,
        ]
        .into_iter()
        .filter(|t| *t < hours)
        .collect();
        times.push(hours);
        times
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kb: &KnowledgeBase,
        agent_id: &str,
        solute: Solute,
        device: &Device,
        length_mm: f64,
        passes: u32,
        skin: SkinProfile,
        hours: f64,
        occluded: bool,
        dose: Dose,
    ) -> Result<Self, InputError> {
        let hours = check_range("hours", hours, 1e-3, MAX_HOURS, "hours")?;
        let dose = dose.validate("dose")?;
        let penetration = kb.penetration.simulate(device, length_mm, &skin, passes);
        let report_hours = Self::default_report_hours(hours);
        let profile_hours = report_hours
            .iter()
            .copied()
            .filter(|t| [1.0, 4.0, hours].contains(t))
            .collect();
        Ok(Self {
            agent_id: agent_id.to_string(),
            macromolecule: kb.transport.is_macromolecule(solute),
            solute,
            penetration,
            skin,
            hours,
            occluded,
            dose,
            report_hours,
            profile_hours,
            resolution: GridResolution::default(),
            stepping: Stepping::default(),
            closure_half_life_h: None,
        })
    }

    /// Sets the channel closure half-life, hours (more than 0, at most 10 000).
    pub fn with_closure_half_life_h(mut self, hours: f64) -> Result<Self, InputError> {
        self.closure_half_life_h = Some(check_range(
            "closure_half_life_h",
            hours,
            1e-3,
            1e4,
            "hours",
        )?);
        Ok(self)
    }

    /// Sets the reporting times (hours, each in (0, hours]) and the times with depth profiles
    /// (each one of the reporting times).
    pub fn with_times(
        mut self,
        report_hours: Vec<f64>,
        profile_hours: Vec<f64>,
    ) -> Result<Self, InputError> {
        let mut report = report_hours;
        for (i, t) in report.iter().enumerate() {
            check_range(
                &format!("report_hours[{i}]"),
                *t,
                1e-3,
                self.hours,
                "hours (up to the simulated time)",
            )?;
        }
        report.push(self.hours);
        report.sort_by(f64::total_cmp);
        report.dedup();
        for (i, t) in profile_hours.iter().enumerate() {
            check_range(
                &format!("profile_hours[{i}]"),
                *t,
                1e-3,
                self.hours,
                "hours (up to the simulated time)",
            )?;
        }
        report.extend(profile_hours.iter().copied());
        report.sort_by(f64::total_cmp);
        report.dedup();
        self.report_hours = report;
        self.profile_hours = profile_hours;
        Ok(self)
    }
}

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
    kb: &KnowledgeBase,
    request: &DeliveryRequest,
    with_channel: bool,
) -> (UnitCell, f64) {
    let props = kb.transport.solute_properties(request.solute);
    let layers = layer_specs(&request.skin, &props, request.resolution);
    let p = &request.penetration;
    let half_life_h = kb
        .transport
        .closure_half_life_h(request.occluded, p.nominal_length_um);
    let dose = match request.dose {
        Dose::Infinite { mg_per_ml } => DoseSpec::Infinite {
            concentration_ug_per_ml: mg_per_ml * 1000.0,
        },
        Dose::Finite { ug_per_cm2 } => {
            let film_um = kb.transport.dose.film_thickness_um.value;
            // µg/cm² over a film of h µm: µg / (cm² · h·1e-4 cm) = µg/mL.
            DoseSpec::Finite {
                concentration_ug_per_ml: ug_per_cm2 / (film_um * 1e-4),
                film_thickness_um: film_um,
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
        radius_um: (p.channel_surface_diameter_um
            / kb.penetration.channel.tear_factor.value
            / 2.0
            / 3f64.sqrt())
        .min(0.8 * radius_um),
        vehicle_diffusivity_um2_per_s: props.vehicle_diffusivity_um2_per_s,
        half_life_s: Some(half_life_h * 3600.0),
        barrier_open_fraction: kb.transport.channel.barrier_open_fraction.value,
    });
    let radial_cells = if channel.is_some() {
        request.resolution.radial_cells
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
pub fn simulate(kb: &KnowledgeBase, request: &DeliveryRequest) -> Delivery {
    let end_s = request.hours * 3600.0;
    let report_s: Vec<f64> = request.report_hours.iter().map(|h| h * 3600.0).collect();
    let profile_s: Vec<f64> = request.profile_hours.iter().map(|h| h * 3600.0).collect();
    let (cell, half_life_h) = unit_cell(kb, request, true);
    let (intact_cell, _) = unit_cell(kb, request, false);
    let with_channels = solver::solve(&cell, request.stepping, end_s, &report_s, &profile_s);
    let intact = solver::solve(&intact_cell, request.stepping, end_s, &report_s, &[]);
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
    let p = &request.penetration;
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
        agent: request.agent_id.clone(),
        device: p.device.clone(),
        site: p.site.clone(),
        hours: request.hours,
        occluded: request.occluded,
        dose: request.dose,
        nominal_length_um: p.nominal_length_um,
        effective_depth_um: p.effective_depth_um,
        channel_surface_diameter_um: p.channel_surface_diameter_um,
        channels_per_cm2: p.channels_per_cm2,
        unit_cell_radius_um: cell.radius_um,
        channel_half_life_h: half_life_h,
        enhancement_ratio,
        time_to_steady_state_h: match request.dose {
            Dose::Infinite { .. } => steady_state_h(&with_channels.uptake_rate),
            Dose::Finite { .. } => None,
        },
        delivered_ug_per_cm2: delivered,
        intact_ug_per_cm2: intact_points,
        profiles,
        properties: kb.transport.solute_properties(request.solute),
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
