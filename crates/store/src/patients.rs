//! Patients: pseudonymous codes, added once, looked up by code by every other record.

use crate::audit::audit;
use crate::db::{Db, args};
use crate::input::{refuse_taken, text_field};
use crate::{NewPatient, PatientRecord, Result, Store, StoreError};
use chrono::{Datelike, Utc};
use microneedling_core::InputError;

/// The patient of `code`, read through `conn` (the store's connection or a write's transaction).
pub(crate) fn patient_row(conn: &Db, code: &str) -> Result<PatientRecord> {
    conn.query_opt(
        "SELECT id, code, birth_year, sex, fitzpatrick, created_at FROM patient WHERE code = ?1",
        args![code],
        |r| {
            Ok(PatientRecord {
                id: r.get(0)?,
                code: r.get(1)?,
                birth_year: r.get(2)?,
                sex: r.get(3)?,
                fitzpatrick: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )?
    .ok_or_else(|| StoreError::UnknownPatient(code.to_string()))
}

impl Store {
    pub fn patient(&self, code: &str) -> Result<PatientRecord> {
        patient_row(&self.db, code)
    }

    pub fn add_patient(&mut self, p: &NewPatient) -> Result<PatientRecord> {
        let code = text_field("code", &p.code, 64)?;
        let this_year = Utc::now().year();
        if !(this_year - 120..=this_year).contains(&p.birth_year) {
            return Err(InputError::new(
                "birth_year",
                p.birth_year,
                format!("{} to {this_year}", this_year - 120),
            )
            .into());
        }
        let sex = microneedling_core::skin::Sex::parse("sex", &p.sex)?.as_str();
        if !(1..=6).contains(&p.fitzpatrick) {
            return Err(InputError::new(
                "fitzpatrick",
                p.fitzpatrick,
                "a whole number from 1 to 6",
            )
            .into());
        }
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        refuse_taken(
            &tx,
            ("patient", "code"),
            "code",
            &code,
            "a code not already recorded",
        )?;
        let now = Utc::now().to_rfc3339();
        let id = tx.insert(
            "INSERT INTO patient (code, birth_year, sex, fitzpatrick, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![&code, p.birth_year, sex, p.fitzpatrick, now],
        )?;
        audit(
            &tx,
            &actor,
            "create",
            "patient",
            Some(id),
            &format!("patient #{id}"),
        )?;
        tx.commit()?;
        self.patient(&code)
    }

    /// Every patient's code.
    pub fn patient_codes(&self) -> Result<Vec<String>> {
        self.db
            .query("SELECT code FROM patient ORDER BY code", args![], |r| {
                r.get(0)
            })
    }
}
