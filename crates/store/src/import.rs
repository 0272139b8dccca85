//! What importing records from another system (`records import --format fhir`) needs beyond the
//! add methods, which it uses for everything else: a screening dated as recorded there, a
//! consent known by its text's hash, the patient files of the screenings (the exchange carries
//! them), and an amendment linked to a replacement already recorded.

use chrono::NaiveDate;
use microneedling_core::InputError;
use microneedling_core::patient::Patient;
use microneedling_core::reason::meaningful;
use microneedling_core::screening::Screening;

use crate::changes::{Amends, record_kind, supersede};
use crate::db::args;
use crate::patients::patient_row;
use crate::{RecordedScreening, Result, Store};

impl Store {
    /// Records a screening of the patient file `patient` as of `at`, a historic screening
    /// imported from elsewhere, with the rules of [`Store::record_screening`] (the file must
    /// describe the recorded patient; earlier contraindications are kept unless cleared).
    /// `late_entry` says why it is entered now; the audit row keeps it.
    pub fn record_screening_on(
        &mut self,
        code: &str,
        patient: &Patient,
        screening: &Screening,
        at: NaiveDate,
        late_entry: &str,
    ) -> Result<RecordedScreening> {
        let late = meaningful("late_entry", late_entry)?;
        self.screening_on(code, patient, screening, at, Some(&late))
    }

    /// Records consent `version` signed on `signed_at` by the SHA-256 of its text (hex), as
    /// another system exports it: the text itself never travels, nor the drawn signature's
    /// image (its hash is kept as exported).
    pub fn record_consent_sha256(
        &mut self,
        code: &str,
        version: &str,
        text_sha256: &str,
        signed_at: NaiveDate,
        signer: Option<&str>,
        signature_sha256: Option<String>,
    ) -> Result<i64> {
        let hash = text_sha256.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(
                InputError::new("text_sha256", text_sha256, "64 hexadecimal characters").into(),
            );
        }
        self.insert_consent(crate::clinical::ConsentRow {
            code,
            version,
            text_sha256: hash,
            signed_at,
            signer,
            signature_sha256,
        })
    }

    /// The patient file of each screening of patient `code` (as recorded: the validated file
    /// as JSON), by screening id, oldest first.
    pub fn screening_inputs(&self, code: &str) -> Result<Vec<(i64, serde_json::Value)>> {
        let patient = self.patient(code)?;
        self.db.query(
            "SELECT id, inputs FROM screening WHERE patient_id = ?1 ORDER BY screened_at, id",
            args![patient.id],
            |r| {
                let inputs: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    serde_json::from_str(&inputs).unwrap_or(serde_json::Value::Null),
                ))
            },
        )
    }

    /// Marks record `old_id` of `kind` as amended by `new_id`, a record of the same patient
    /// already recorded (and checked) through the add methods: an import replaying an
    /// amendment made elsewhere. Refused as [`Store::amend`] refuses a record of another
    /// patient or one already amended or voided.
    pub fn link_amendment(
        &mut self,
        kind: &str,
        old_id: i64,
        new_id: i64,
        reason: &str,
    ) -> Result<()> {
        let kind = record_kind(kind)?;
        let reason = meaningful("reason", reason)?;
        if old_id == new_id {
            return Err(
                InputError::new("new_id", new_id, format!("a {kind} other than {old_id}")).into(),
            );
        }
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        let code: Option<String> = tx.query_opt(
            &format!(
                "SELECT p.code FROM {kind} r JOIN patient p ON p.id = r.patient_id WHERE r.id = ?1"
            ),
            args![new_id],
            |r| r.get(0),
        )?;
        let code = code.ok_or_else(|| {
            InputError::new("new_id", new_id, format!("the id of a recorded {kind}"))
        })?;
        let patient = patient_row(&tx, &code)?;
        let amends = Amends::new(kind, old_id, reason);
        supersede(&tx, &actor, &patient, &amends, Some(new_id))?;
        tx.commit()?;
        Ok(())
    }
}
