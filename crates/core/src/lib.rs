//! # microneedling-core
//!
//! The domain of microneedling (percutaneous collagen induction) as pure functions over a cited
//! knowledge base: no files, no network, no clocks. Every figure comes from `data/` with its
//! source or a stated assumption ([`knowledge::KnowledgeBase::embedded`]).
//!
//! ## A short guide
//!
//! ```
//! use microneedling_core::{KnowledgeBase, skin::{Sex, SkinProfile}};
//!
//! let kb = KnowledgeBase::embedded().expect("embedded data is valid");
//! let cheek = kb.site("cheek").expect("known site");
//! let skin = SkinProfile::new(cheek, Sex::Female, 35.0, &kb.age_model).expect("valid age");
//! let roller = kb.device("dermaroller-192").expect("known device");
//! let result = kb.penetration.simulate(roller, 0.5, &skin, 15);
//! // A 0.5 mm professional roller reaches the papillary dermis on the face (Lima 2013).
//! assert!(result.pinpoint_bleeding_expected);
//! ```
//!
//! ## The models
//!
//! **Skin** ([`skin`]): five layers per site and sex; epidermis and dermis thin by a fixed
//! fraction per decade past the reference age.
//!
//! **Penetration** ([`penetration`]): the skin deflects by `δ` before a needle punctures, then the
//! needle enters a mode-dependent fraction `η` of the rest:
//!
//! ```text
//! depth = η(mode) · max(0, L − δ),   δ = δ_ref · (r_tip / r_ref)^k · f_impact · max(1, s_crowd / s)
//! ```
//!
//! calibrated on Kalluri 2011 (770 µm roller needles → 152.5 µm channels) and Lima 2013 (0.5 mm
//! rollers reach the papillary dermis). Channels per cm² follow from each device's geometry;
//! the injured dermal fraction is `1 − exp(−n · V_dermal / h_dermis)` (random, overlapping
//! channels).
//!
//! **Screening** ([`screening`]): rules with tiers (caution < needs-clearance <
//! contraindicated), time windows and device-specific conditions; the verdict is the worst tier.
//! The adverse-effect profile raises each effect one step per active driver, at most two.
//!
//! **Planning** ([`plan`]): depth per zone from the indication and the site's guide, fitted to
//! the device's settings; sessions, interval, topicals suited to intradermal use, care,
//! reassessment, evidence and timeline. A contraindicated patient gets no plan without an
//! override reason, which the plan then carries.
//!
//! **Delivery** ([`transport`]): each channel owns a cylinder of skin of radius
//! `R = 1 / √(π n)` (`n` channels per cm²). Fick's law in axisymmetric coordinates over the
//! layered stack, with partition `K` between layers and first-order clearance `k` to blood in the
//! dermis:
//!
//! ```text
//! ∂c/∂t = (1/r) ∂/∂r (r D ∂c/∂r) + ∂/∂z (D ∂c/∂z) − k c,   openness of the channel = exp(−ln 2 · t / t½)
//! ```
//!
//! `D` and `K` follow from MW, log Kow, pKa and size (the Kasting/Nitsche/Dancik model of the NIOSH
//! finite-dose calculator; hindered diffusion for large molecules); an open channel conducts
//! like the vehicle. The same solver without a channel is intact skin, the baseline of the
//! enhancement ratio (absorbed with channels ÷ absorbed through intact skin).
//!
//! ```
//! use microneedling_core::{KnowledgeBase, setting::{Setting, SettingQuery}, skin::Sex, transport};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let kb = KnowledgeBase::embedded()?;
//! let query = SettingQuery {
//!     device: "dermapen", length_mm: Some(1.0), site: "cheek",
//!     sex: Sex::Female, age_years: None, passes: None,
//! };
//! let setting = Setting::resolve(kb, &query)?;
//! let solute = kb.agent("tranexamic-acid")?.solute()?;
//! let request = setting.delivery(kb, "tranexamic-acid", solute).hours(24.0).build()?;
//! let delivery = transport::simulate(&kb.transport, &request);
//! // Amounts in µg/cm²: the channels let more through than intact skin.
//! let with = delivery.delivered_ug_per_cm2.last().expect("end point").absorbed;
//! let intact = delivery.intact_ug_per_cm2.last().expect("end point").absorbed;
//! assert!(with > intact);
//! // Tranexamic acid is a zwitterion: at the skin's pH next to none of it is neutral, so the
//! // intact route's lag time is far beyond a day and only the steady fluxes compare.
//! assert!(delivery.enhancement.steady_flux.expect("intact kp above zero") > 1.0);
//! # Ok(())
//! # }
//! ```
//!
//! **Healing** ([`healing`]): each session adds an injury pulse `A = gain · f_injured ·
//! (1 + thermal)` to a linear chain damage → inflammation → fibroblasts, which lay new collagen
//! III then I with saturating synthesis and a capacity `C_max`:
//!
//! ```text
//! dD/dt = −k_D D,   dI/dt = k_D D − k_I I,   dF/dt = r_F I − k_F F,
//! dC3/dt = s_3 φ(F) room − k_31 C3,   dC1/dt = s_1 φ(F) room + k_31 C3 − k_1 C1
//! ```
//!
//! New collagen `s = 100 (C1 + C3 + M)` % of baseline gives an improvement fraction
//! `f = k s / (1 + k s)`, read on the indication's trial scale (`--scale`, `--baseline`), with `ln k`
//! fitted jointly across the trials of `data/trials.toml` (a random-effects model: see `fit`)
//! and a p10–p90 band over virtual patients (rates, skin thickness and `ln k` vary).
//!
//! ```
//! use microneedling_core::{KnowledgeBase, healing, setting::{Setting, SettingQuery}, skin::Sex};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let kb = KnowledgeBase::embedded()?;
//! let query = SettingQuery {
//!     device: "dermapen", length_mm: Some(1.5), site: "cheek",
//!     sex: Sex::Female, age_years: Some(30.0), passes: None,
//! };
//! let setting = Setting::resolve(kb, &query)?;
//! let request = setting
//!     .healing(kb)
//!     .sessions(3)
//!     .interval_weeks(4)
//!     .indication(Some(kb.indication("acne-scars")?))
//!     .build()?;
//! let course = healing::simulate(&kb.healing, &request);
//! // New collagen (% of baseline) rises over the series.
//! let first = course.series.first().expect("week 0").new_collagen_pct;
//! let later = course.series.iter().map(|w| w.new_collagen_pct).fold(0.0, f64::max);
//! assert!(later > first);
//! assert_eq!(course.outcome.len(), 4, "months 1, 3, 6 and 12");
//! for point in &course.outcome {
//!     assert!(point.p10 <= point.median && point.median <= point.p90);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Layers
//!
//! The low modules ([`catalog`] trait, [`skin`], [`device`], [`agent`], [`indication`],
//! [`penetration`], [`transport`], [`healing`], [`screening`], [`patient`]) take their own
//! parameters and know nothing of the data files. [`knowledge`] (the embedded, cited data) sits
//! above them and hands each model its parameters. [`setting`], [`plan`], [`compare`],
//! [`calibration`] and [`validation`] sit on top and combine the models over the knowledge base;
//! [`evidence`] (the published trial arms of `data/trials.toml`) sits beside them.
//!
//! Every output is decision support, never a prescription.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agent;
pub mod calibration;
pub mod catalog;
pub mod compare;
pub mod device;
pub mod error;
pub mod evidence;
pub mod fit;
pub mod healing;
pub mod indication;
pub mod knowledge;
pub mod patient;
pub mod penetration;
pub mod plan;
pub mod provenance;
pub mod reason;
pub mod screening;
pub mod setting;
pub mod skin;
pub mod transport;
pub mod validation;

pub use error::{Error, InputError, Result};
pub use knowledge::KnowledgeBase;
