//! The records of the treatment itself: sessions, adverse events, outcome assessments and photo
//! metadata.

use std::fmt::Write as _;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{
    NewAdverseEvent, NewOutcome, NewPhoto, NewSession, Store, TopicalRecord, ZoneRecord, sha256_hex,
};

use super::{date, date_time, said};
use crate::args::{AdverseEventCommand, OutcomeCommand, PhotoCommand, SessionCommand};
use crate::commands::Output;
use crate::failure::Failure;

/// `records session add`: the store's warnings (a session sooner than the plan's interval) are
/// printed after the record.
pub fn session(
    kb: &KnowledgeBase,
    store: &mut Store,
    command: &SessionCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let SessionCommand::Add {
        code,
        date: on,
        device,
        serial,
        lot,
        zones,
        topicals,
        endpoint,
        operator,
        late_entry,
        depth_reason,
        same_day_reason,
    } = command;
    let session = NewSession {
        code: code.clone(),
        performed_at: date_time("--date", on)?,
        device: device.clone(),
        device_serial: serial.clone(),
        cartridge_lot: lot.clone(),
        zones: zones.iter().map(|z| zone(z)).collect::<Result<_, _>>()?,
        topicals: topicals
            .iter()
            .map(|t| topical(t))
            .collect::<Result<_, _>>()?,
        endpoint: endpoint.clone(),
        operator: operator.clone(),
        late_entry: late_entry.clone(),
        depth_reason: depth_reason.clone(),
        same_day_reason: same_day_reason.clone(),
    };
    let record = store.add_session(kb, &session)?;
    let mut text = format!(
        "Session {} recorded for {code} ({})",
        record.id, record.performed_at
    );
    for w in &record.warnings {
        let _ = write!(text, "\nWARNING: {w}");
    }
    said(out, &record, text)
}

/// `--zone SITE:DEPTH_MM:PASSES`.
fn zone(text: &str) -> Result<ZoneRecord, Failure> {
    let accepted = "SITE:DEPTH_MM:PASSES, e.g. cheek:1.5:3";
    let parts: Vec<&str> = text.split(':').collect();
    let [site, depth, passes] = parts.as_slice() else {
        return Err(InputError::new("--zone", text, accepted).into());
    };
    Ok(ZoneRecord {
        site: site.trim().to_string(),
        depth_mm: depth
            .trim()
            .parse()
            .map_err(|_| InputError::new("--zone", text, accepted))?,
        passes: passes
            .trim()
            .parse()
            .map_err(|_| InputError::new("--zone", text, accepted))?,
    })
}

/// `--topical AGENT:LOT`.
fn topical(text: &str) -> Result<TopicalRecord, Failure> {
    let (agent, lot) = text.split_once(':').ok_or_else(|| {
        InputError::new("--topical", text, "AGENT:LOT, e.g. hyaluronic-acid:HA2291")
    })?;
    Ok(TopicalRecord {
        agent: agent.trim().to_string(),
        lot: lot.trim().to_string(),
    })
}

/// `records adverse-event add`.
pub fn adverse_event(
    kb: &KnowledgeBase,
    store: &mut Store,
    command: &AdverseEventCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let AdverseEventCommand::Add {
        code,
        effect,
        severity,
        onset,
        resolved,
        session,
        action,
        late_entry,
    } = command;
    let event = NewAdverseEvent {
        code: code.clone(),
        session_id: *session,
        effect: effect.clone(),
        severity: severity.clone(),
        onset: date("--onset", Some(onset))?,
        resolved: resolved
            .as_deref()
            .map(|r| date("--resolved", Some(r)))
            .transpose()?,
        action: action.clone(),
        late_entry: late_entry.clone(),
    };
    let id = store.add_adverse_event(kb, &event)?;
    said(
        out,
        &serde_json::json!({ "id": id, "event": event }),
        format!("Adverse event {id} ({effect}, {severity}) recorded for {code}"),
    )
}

/// `records outcome add`.
pub fn outcome(
    store: &mut Store,
    command: &OutcomeCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let OutcomeCommand::Add {
        code,
        scale,
        score,
        assessor,
        date: on,
        late_entry,
    } = command;
    let outcome = NewOutcome {
        code: code.clone(),
        assessed_at: date("--date", on.as_deref())?,
        scale: scale.clone(),
        score: *score,
        assessor: assessor.clone(),
        late_entry: late_entry.clone(),
    };
    let id = store.add_outcome(&outcome)?;
    said(
        out,
        &serde_json::json!({ "id": id, "outcome": outcome }),
        format!("Outcome {id} ({scale}: {score}) recorded for {code}"),
    )
}

/// `records photo add`: the file's hash is kept, never the image.
pub fn photo(store: &mut Store, command: &PhotoCommand, out: Output) -> Result<ExitCode, Failure> {
    let PhotoCommand::Add {
        code,
        file,
        view,
        photo_consent,
        date: on,
    } = command;
    let bytes = std::fs::read(file).map_err(|e| {
        Failure::Input(format!(
            "invalid --file: cannot read {}: {e}",
            file.display()
        ))
    })?;
    let photo = NewPhoto {
        code: code.clone(),
        taken_at: date("--date", on.as_deref())?,
        view: view.clone(),
        file_sha256: sha256_hex(&bytes),
        photo_consent: *photo_consent,
    };
    let id = store.add_photo(&photo)?;
    said(
        out,
        &serde_json::json!({ "id": id, "photo": photo }),
        format!(
            "Photo {id} ({view}, sha256 {}) recorded for {code}",
            photo.file_sha256
        ),
    )
}
