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
//! Every output is decision support, never a prescription.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agent;
pub mod calibration;
pub mod catalog;
pub mod compare;
pub mod device;
pub mod error;
pub mod healing;
pub mod indication;
pub mod knowledge;
pub mod patient;
pub mod penetration;
pub mod plan;
pub mod provenance;
pub mod screening;
pub mod setting;
pub mod skin;
pub mod transport;
pub mod validation;

pub use error::{Error, InputError, Result};
pub use knowledge::KnowledgeBase;
