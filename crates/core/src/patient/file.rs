//! The loose TOML shape of a patient file, and its validation field by field into a [`Patient`].

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{History, HistoryFlag, Patient, ProcedureKind, RecentProcedure, Treatment};
use crate::catalog::Catalog;
use crate::error::{InputError, check_range};
use crate::skin::{MAX_AGE_YEARS, Sex};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
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
    /// Checks the file section by section, in file order: the person, the date and history,
    /// then the treatment against the catalog.
    pub(super) fn validate(
        raw: RawFile,
        kb: &impl Catalog,
        today: NaiveDate,
    ) -> Result<Self, InputError> {
        let (age_years, sex, fitzpatrick) = Self::person(&raw.patient)?;
        let date = match &raw.treatment.date {
            Some(value) => parse_date("treatment.date", value)?,
            None => today,
        };
        let history = parse_history(&raw.history, date)?;
        let treatment = Self::treatment(raw.treatment, kb, date)?;
        Ok(Self {
            code: raw.patient.code,
            age_years,
            sex,
            fitzpatrick,
            history,
            treatment,
        })
    }

    /// Age (years), sex and Fitzpatrick phototype of `[patient]`, and a check of its code.
    fn person(patient: &RawPatient) -> Result<(f64, Sex, u8), InputError> {
        let age_years = number(
            "patient.age",
            &patient.age,
            "a number of years from 0 to 120",
        )
        .and_then(|age| check_range("patient.age", age, 0.0, MAX_AGE_YEARS, "years"))?;
        let sex = Sex::parse("patient.sex", &patient.sex)?;
        let fitzpatrick = number(
            "patient.fitzpatrick",
            &patient.fitzpatrick,
            "a whole number from 1 to 6",
        )?;
        if !(1.0..=6.0).contains(&fitzpatrick) || fitzpatrick.fract() != 0.0 {
            return Err(InputError::new(
                "patient.fitzpatrick",
                fitzpatrick,
                "a whole number from 1 to 6",
            ));
        }
        if let Some(code) = &patient.code
            && (code.trim().is_empty() || code.len() > 64)
        {
            return Err(InputError::new(
                "patient.code",
                code,
                "a pseudonymous code of 1 to 64 characters",
            ));
        }
        Ok((age_years, sex, fitzpatrick as u8))
    }

    /// `[treatment]`: every id must be in the catalog, zones once each, the length in range.
    fn treatment(
        treatment: RawTreatment,
        kb: &impl Catalog,
        date: NaiveDate,
    ) -> Result<Treatment, InputError> {
        let indication = kb
            .indication(&treatment.indication)
            .map_err(|e| e.within("treatment"))?;
        let zones = match treatment.zones {
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
        if let Some(device) = &treatment.device {
            kb.device(device).map_err(|e| e.within("treatment"))?;
        }
        if let Some(topical) = &treatment.topical {
            kb.agent(topical).map_err(|e| InputError {
                field: "treatment.topical".into(),
                ..e
            })?;
        }
        let length_mm = match &treatment.length_mm {
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
        Ok(Treatment {
            indication: indication.id.clone(),
            zones,
            device: treatment.device,
            topical: treatment.topical,
            length_mm,
            date,
        })
    }
}
