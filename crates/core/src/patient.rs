//! The patient file: who the patient is, what their history holds, what is to be treated.
//!
//! Parsed in two steps: TOML into loose values, then every field validated into typed values
//! with an error naming the field, the value and what is accepted (docs/patient-file.md).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::error::{Error, InputError, check_range};
use crate::skin::{MAX_AGE_YEARS, Sex};

/// A yes/no item of the history; absent means no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
}

impl HistoryFlag {
    /// Every flag, in file order.
    pub const ALL: [HistoryFlag; 20] = [
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
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flag| flag.as_str() == key)
    }
}

/// A procedure that may call for a wait before needling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
pub struct RecentProcedure {
    /// What it was.
    pub kind: ProcedureKind,
    /// When it was.
    pub date: NaiveDate,
}

/// The patient's relevant history.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    patient: RawPatient,
    #[serde(default)]
    history: toml::Table,
    treatment: RawTreatment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatient {
    #[serde(default)]
    code: Option<String>,
    age: toml::Value,
    sex: String,
    fitzpatrick: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTreatment {
    indication: String,
    #[serde(default)]
    zones: Option<Vec<String>>,
    #[serde(default)]
    device: Option<String>,
    #[serde(default)]
    topical: Option<String>,
    #[serde(default)]
    length_mm: Option<toml::Value>,
    #[serde(default)]
    date: Option<toml::Value>,
}

const EARLIEST_DATE: (i32, u32, u32) = (1900, 1, 1);
const LATEST_DATE: (i32, u32, u32) = (2200, 12, 31);

fn parse_date(field: &str, value: &toml::Value) -> Result<NaiveDate, InputError> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        other => other.to_string(),
    };
    let accepted = "a date YYYY-MM-DD between 1900-01-01 and 2200-12-31";
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InputError::new(field, &text, accepted))?;
    let (ey, em, ed) = EARLIEST_DATE;
    let (ly, lm, ld) = LATEST_DATE;
    let earliest = NaiveDate::from_ymd_opt(ey, em, ed);
    let latest = NaiveDate::from_ymd_opt(ly, lm, ld);
    if earliest.is_some_and(|e| date < e) || latest.is_some_and(|l| date > l) {
        return Err(InputError::new(field, &text, accepted));
    }
    Ok(date)
}

fn number(field: &str, value: &toml::Value, accepted: &str) -> Result<f64, InputError> {
    match value {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) => Ok(*f),
        other => Err(InputError::new(field, other, accepted)),
    }
}

fn parse_history(table: &toml::Table, treatment_date: NaiveDate) -> Result<History, InputError> {
    let mut history = History::default();
    for (key, value) in table {
        let field = format!("history.{key}");
        match key.as_str() {
            "isotretinoin_last_dose" => {
                history.isotretinoin_last_dose = Some(parse_date(&field, value)?)
            }
            "recent_procedures" => {
                let items = value.as_array().ok_or_else(|| {
                    InputError::new(
                        &field,
                        value,
                        "a list of { kind = \"…\", date = \"YYYY-MM-DD\" }",
                    )
                })?;
                for (index, item) in items.iter().enumerate() {
                    history.recent_procedures.push(parse_procedure(
                        &format!("{field}[{index}]"),
                        item,
                        treatment_date,
                    )?);
                }
            }
            _ => {
                let flag = HistoryFlag::from_key(key).ok_or_else(|| {
                    let known: Vec<&str> = HistoryFlag::ALL.iter().map(|f| f.as_str()).collect();
                    let mut accepted = format!(
                        "isotretinoin_last_dose, recent_procedures, {}",
                        known.join(", ")
                    );
                    if let Some(near) = crate::catalog::nearest(key, known.iter().copied()) {
                        accepted = format!("did you mean {near}? Known keys: {accepted}");
                    }
                    InputError::new("history", key, accepted)
                })?;
                match value.as_bool() {
                    Some(true) => {
                        history.flags.insert(flag);
                    }
                    Some(false) => {}
                    None => return Err(InputError::new(&field, value, "true or false")),
                }
            }
        }
    }
    Ok(history)
}

fn parse_procedure(
    field: &str,
    item: &toml::Value,
    treatment_date: NaiveDate,
) -> Result<RecentProcedure, InputError> {
    let shape = "{ kind = \"…\", date = \"YYYY-MM-DD\" }";
    let table = item
        .as_table()
        .ok_or_else(|| InputError::new(field, item, shape))?;
    if let Some(extra) = table.keys().find(|k| *k != "kind" && *k != "date") {
        return Err(InputError::new(
            field,
            extra,
            format!("only the keys kind and date: {shape}"),
        ));
    }
    let kinds: Vec<&str> = ProcedureKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind_text = table
        .get("kind")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let kind = ProcedureKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind_text)
        .ok_or_else(|| InputError::new(format!("{field}.kind"), kind_text, kinds.join(", ")))?;
    let date_value = table
        .get("date")
        .ok_or_else(|| InputError::new(format!("{field}.date"), "missing", "a date YYYY-MM-DD"))?;
    let date = parse_date(&format!("{field}.date"), date_value)?;
    if date > treatment_date {
        return Err(InputError::new(
            format!("{field}.date"),
            date,
            format!("a date on or before the treatment date {treatment_date}"),
        ));
    }
    Ok(RecentProcedure { kind, date })
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

    fn validate(raw: RawFile, kb: &impl Catalog, today: NaiveDate) -> Result<Self, InputError> {
        let age_years = number(
            "patient.age",
            &raw.patient.age,
            "a number of years from 0 to 120",
        )
        .and_then(|age| check_range("patient.age", age, 0.0, MAX_AGE_YEARS, "years"))?;
        let sex = Sex::parse("patient.sex", &raw.patient.sex)?;
        let fitzpatrick = number(
            "patient.fitzpatrick",
            &raw.patient.fitzpatrick,
            "a whole number from 1 to 6",
        )?;
        if !(1.0..=6.0).contains(&fitzpatrick) || fitzpatrick.fract() != 0.0 {
            return Err(InputError::new(
                "patient.fitzpatrick",
                fitzpatrick,
                "a whole number from 1 to 6",
            ));
        }
        if let Some(code) = &raw.patient.code
            && (code.trim().is_empty() || code.len() > 64)
        {
            return Err(InputError::new(
                "patient.code",
                code,
                "a pseudonymous code of 1 to 64 characters",
            ));
        }
        let date = match &raw.treatment.date {
            Some(value) => parse_date("treatment.date", value)?,
            None => today,
        };
        let history = parse_history(&raw.history, date)?;
        let indication = kb
            .indication(&raw.treatment.indication)
            .map_err(|e| e.within("treatment"))?;
        let zones = match raw.treatment.zones {
            Some(zones) if zones.is_empty() => {
                return Err(InputError::new(
                    "treatment.zones",
                    "[]",
                    "at least one site id, or no zones key for the indication's defaults",
                ));
            }
            Some(zones) => zones,
            None => indication.default_zones.clone(),
        };
        let mut seen = BTreeSet::new();
        for (index, zone) in zones.iter().enumerate() {
            kb.site(zone).map_err(|e| InputError {
                field: format!("treatment.zones[{index}]"),
                ..e
            })?;
            if !seen.insert(zone.as_str()) {
                return Err(InputError::new(
                    format!("treatment.zones[{index}]"),
                    zone,
                    "each site once",
                ));
            }
        }
        if let Some(device) = &raw.treatment.device {
            kb.device(device).map_err(|e| e.within("treatment"))?;
        }
        if let Some(topical) = &raw.treatment.topical {
            kb.agent(topical).map_err(|e| InputError {
                field: "treatment.topical".into(),
                ..e
            })?;
        }
        let length_mm = match &raw.treatment.length_mm {
            Some(value) => Some(
                number("treatment.length_mm", value, "a needle length in mm").and_then(|l| {
                    check_range(
                        "treatment.length_mm",
                        l,
                        0.05,
                        crate::device::MAX_NEEDLE_MM,
                        "mm",
                    )
                })?,
            ),
            None => None,
        };
        Ok(Self {
            code: raw.patient.code,
            age_years,
            sex,
            fitzpatrick: fitzpatrick as u8,
            history,
            treatment: Treatment {
                indication: indication.id.clone(),
                zones,
                device: raw.treatment.device,
                topical: raw.treatment.topical,
                length_mm,
                date,
            },
        })
    }
}
