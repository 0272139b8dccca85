//! The patient file: who the patient is, what their history holds, what is to be treated.
//!
//! Parsed in two steps: TOML into loose values, then every field validated into typed values
//! with an error naming the field, the value and what is accepted (docs/patient-file.md).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::error::Error;
use crate::skin::Sex;

mod file;

use file::RawFile;

/// A yes/no item of the history; absent means no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HistoryFlag {
    /// Keloids or hypertrophic scars.
    KeloidTendency,
    /// Active acne in the area.
    ActiveAcne,
    /// An active skin infection in the area.
    ActiveInfection,
    /// An unstable skin condition (e.g. flaring eczema, psoriasis, vitiligo).
    UnstableSkinCondition,
    /// A bleeding or clotting disorder.
    BleedingDisorder,
    /// Takes anticoagulants or antiplatelets.
    Anticoagulants,
    /// A history of herpes simplex.
    HerpesHistory,
    /// An active herpes outbreak.
    ActiveHerpes,
    /// Pregnant or breastfeeding.
    PregnantOrNursing,
    /// Allergy to nickel or other needle metals.
    MetalAllergy,
    /// Allergy to topical anaesthetics.
    AnaestheticAllergy,
    /// A pacemaker or other implanted electronic device (matters for RF).
    ImplantedElectronicDevice,
    /// A metal implant in the treated area (matters for RF).
    MetalImplantInArea,
    /// Skin cancer in the treated area.
    SkinCancerInArea,
    /// Open wounds in the treated area.
    OpenWounds,
    /// Immunosuppressed by disease or medication.
    Immunosuppressed,
    /// Warts in the treated area (needling can spread them).
    WartsInArea,
    /// Scleroderma or other collagen vascular disease.
    Scleroderma,
    /// Solar (actinic) keratoses in the treated area.
    SolarKeratosisInArea,
    /// Currently taking isotretinoin.
    IsotretinoinCurrent,
    /// Takes antiviral prophylaxis (e.g. valaciclovir) around the sessions.
    AntiviralProphylaxis,
}

impl HistoryFlag {
    /// Every flag, in file order.
    pub const ALL: [HistoryFlag; 21] = [
        Self::KeloidTendency,
        Self::ActiveAcne,
        Self::ActiveInfection,
        Self::UnstableSkinCondition,
        Self::BleedingDisorder,
        Self::Anticoagulants,
        Self::HerpesHistory,
        Self::ActiveHerpes,
        Self::PregnantOrNursing,
        Self::MetalAllergy,
        Self::AnaestheticAllergy,
        Self::ImplantedElectronicDevice,
        Self::MetalImplantInArea,
        Self::SkinCancerInArea,
        Self::OpenWounds,
        Self::Immunosuppressed,
        Self::WartsInArea,
        Self::Scleroderma,
        Self::SolarKeratosisInArea,
        Self::IsotretinoinCurrent,
        Self::AntiviralProphylaxis,
    ];

    /// The snake_case name used in patient files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeloidTendency => "keloid_tendency",
            Self::ActiveAcne => "active_acne",
            Self::ActiveInfection => "active_infection",
            Self::UnstableSkinCondition => "unstable_skin_condition",
            Self::BleedingDisorder => "bleeding_disorder",
            Self::Anticoagulants => "anticoagulants",
            Self::HerpesHistory => "herpes_history",
            Self::ActiveHerpes => "active_herpes",
            Self::PregnantOrNursing => "pregnant_or_nursing",
            Self::MetalAllergy => "metal_allergy",
            Self::AnaestheticAllergy => "anaesthetic_allergy",
            Self::ImplantedElectronicDevice => "implanted_electronic_device",
            Self::MetalImplantInArea => "metal_implant_in_area",
            Self::SkinCancerInArea => "skin_cancer_in_area",
            Self::OpenWounds => "open_wounds",
            Self::Immunosuppressed => "immunosuppressed",
            Self::WartsInArea => "warts_in_area",
            Self::Scleroderma => "scleroderma",
            Self::SolarKeratosisInArea => "solar_keratosis_in_area",
            Self::IsotretinoinCurrent => "isotretinoin_current",
            Self::AntiviralProphylaxis => "antiviral_prophylaxis",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flag| flag.as_str() == key)
    }
}

/// A procedure that may call for a wait before needling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProcedureKind {
    /// Chemical peel.
    ChemicalPeel,
    /// Laser resurfacing or other laser treatment.
    Laser,
    /// Dermabrasion or microdermabrasion.
    Dermabrasion,
    /// Dermal filler injection.
    Filler,
    /// Botulinum toxin injection.
    BotulinumToxin,
    /// Microneedling.
    Microneedling,
    /// Radio-frequency microneedling.
    RfMicroneedling,
    /// Surgery in the area.
    Surgery,
}

impl ProcedureKind {
    /// Every procedure kind.
    pub const ALL: [ProcedureKind; 8] = [
        Self::ChemicalPeel,
        Self::Laser,
        Self::Dermabrasion,
        Self::Filler,
        Self::BotulinumToxin,
        Self::Microneedling,
        Self::RfMicroneedling,
        Self::Surgery,
    ];

    /// The kebab-case name used in patient files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChemicalPeel => "chemical-peel",
            Self::Laser => "laser",
            Self::Dermabrasion => "dermabrasion",
            Self::Filler => "filler",
            Self::BotulinumToxin => "botulinum-toxin",
            Self::Microneedling => "microneedling",
            Self::RfMicroneedling => "rf-microneedling",
            Self::Surgery => "surgery",
        }
    }
}

/// A procedure the patient had, with its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentProcedure {
    /// What it was.
    pub kind: ProcedureKind,
    /// When it was.
    pub date: NaiveDate,
}

/// The patient's relevant history.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    /// Yes/no items that are true.
    pub flags: BTreeSet<HistoryFlag>,
    /// Date of the last isotretinoin dose, if any.
    pub isotretinoin_last_dose: Option<NaiveDate>,
    /// Procedures in the past months.
    pub recent_procedures: Vec<RecentProcedure>,
}

impl History {
    /// Whether `flag` is set.
    pub fn has(&self, flag: HistoryFlag) -> bool {
        self.flags.contains(&flag)
    }
}

/// What the patient wants treated, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Treatment {
    /// Indication identifier.
    pub indication: String,
    /// Site ids; the indication's default zones when the file names none.
    pub zones: Vec<String>,
    /// Device identifier; the indication's preferred device when absent.
    pub device: Option<String>,
    /// Agent identifier of the in-session topical, if any.
    pub topical: Option<String>,
    /// One needle length for every zone, mm; the plan chooses per zone when absent.
    pub length_mm: Option<f64>,
    /// Date of the (first) treatment.
    pub date: NaiveDate,
}

/// A validated patient file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Patient {
    /// Pseudonymous patient code, if any (never a name).
    pub code: Option<String>,
    /// Age (years).
    pub age_years: f64,
    /// Sex.
    pub sex: Sex,
    /// Fitzpatrick phototype, 1–6.
    pub fitzpatrick: u8,
    /// Relevant history.
    pub history: History,
    /// The requested treatment.
    pub treatment: Treatment,
}

impl Patient {
    /// Parses and validates a patient file. `today` is the treatment date when the file has none.
    pub fn from_toml(
        document_name: &str,
        text: &str,
        catalog: &impl Catalog,
        today: NaiveDate,
    ) -> Result<Self, Error> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Error::parse(document_name, e))?;
        Ok(Self::validate(raw, catalog, today)?)
    }
}
