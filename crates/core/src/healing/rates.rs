//! The model's rates: the central values of the parameters, or one seeded sample of their
//! lognormal priors.

use serde::Serialize;

use super::params::HealingParams;

/// One set of rates (per day), the central values or a sample of the priors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rates {
    /// Damage clearance rate (per day).
    pub k_d: f64,
    /// Inflammation resolution rate (per day).
    pub k_i: f64,
    /// Fibroblast activation by inflammation (per day).
    pub r_f: f64,
    /// Fibroblast resolution rate (per day).
    pub k_f: f64,
    /// Fibroblast level at half-maximal collagen synthesis (dimensionless, not sampled).
    pub f_half: f64,
    /// Collagen III synthesis rate (per day).
    pub s_3: f64,
    /// Collagen I synthesis rate (per day).
    pub s_1: f64,
    /// Collagen III to I maturation rate (per day).
    pub k_31: f64,
    /// New collagen I turnover rate (per day).
    pub k_1: f64,
    /// Capacity for new collagen, as a fraction of baseline collagen (not sampled).
    pub c_max: f64,
    /// Damage pulse per unit injured dermal fraction (dimensionless).
    pub gain: f64,
    /// Maturation (cross-linking) of new collagen I, per day.
    pub k_mat: f64,
    /// Turnover of mature collagen, per day.
    pub k_m: f64,
}

/// SplitMix64: a tiny, well-known generator; one stream per sample keeps results independent of
/// thread scheduling.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

/// The random stream of virtual patient `index` under `seed`, one per `stream` (so a cohort's
/// population draws and the healing model's draws never share numbers): the same patient gets
/// the same numbers whatever the thread count or sharding.
#[derive(Debug, Clone)]
pub struct PatientRng(SplitMix64);

impl PatientRng {
    /// The stream `stream` of patient `index` under `seed`.
    pub fn new(seed: u64, index: u64, stream: u64) -> Self {
        Self(SplitMix64(
            seed ^ index.wrapping_mul(0x9FB2_1C65_1E98_DF25)
                ^ stream.wrapping_mul(0xC2B2_AE3D_27D4_EB4F),
        ))
    }
    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0.uniform()
    }
    /// Standard normal (Box–Muller).
    pub fn standard_normal(&mut self) -> f64 {
        self.0.standard_normal()
    }
}

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn standard_normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Three standard-normal draws of virtual patient `index`, from a stream apart from its rates':
/// its skin-thickness (or pigment turnover) offset, its outcome coefficient's offset, a spare.
pub(crate) fn patient_normals(seed: u64, index: u64) -> [f64; 3] {
    let mut rng = SplitMix64(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407) ^ 0x005E_ED0F_FACE);
    [
        rng.standard_normal(),
        rng.standard_normal(),
        rng.standard_normal(),
    ]
}

impl Rates {
    /// The central rates of `p`, without sampling.
    pub fn central(p: &HealingParams) -> Self {
        let r = &p.rates;
        Self {
            k_d: r.damage_clearance_per_day.value,
            k_i: r.inflammation_resolution_per_day.value,
            r_f: r.fibroblast_activation_per_day.value,
            k_f: r.fibroblast_resolution_per_day.value,
            f_half: r.fibroblast_half_saturation.value,
            s_3: r.collagen_iii_synthesis_per_day.value,
            s_1: r.collagen_i_synthesis_per_day.value,
            k_31: r.collagen_iii_to_i_per_day.value,
            k_1: r.new_collagen_turnover_per_day.value,
            c_max: r.collagen_capacity.value,
            gain: p.injury.gain.value,
            k_mat: r.collagen_maturation_per_day.value,
            k_m: r.mature_collagen_turnover_per_day.value,
        }
    }

    /// The central rates times lognormal multipliers (median 1, the priors' CV).
    pub fn sampled(p: &HealingParams, seed: u64, index: u64) -> Self {
        let cv = p.priors.coefficient_of_variation.value;
        let sigma = (1.0 + cv * cv).ln().sqrt();
        let mut rng = SplitMix64(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut m = || (sigma * rng.standard_normal()).exp();
        let c = Self::central(p);
        Self {
            k_d: c.k_d * m(),
            k_i: c.k_i * m(),
            r_f: c.r_f * m(),
            k_f: c.k_f * m(),
            f_half: c.f_half,
            s_3: c.s_3 * m(),
            s_1: c.s_1 * m(),
            k_31: c.k_31 * m(),
            k_1: c.k_1 * m(),
            c_max: c.c_max,
            gain: c.gain * m(),
            k_mat: c.k_mat * m(),
            k_m: c.k_m * m(),
        }
    }
}
