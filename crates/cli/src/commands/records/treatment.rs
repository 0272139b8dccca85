//! The records of the treatment itself: sessions, adverse events, outcome assessments and photo
//! metadata.

use std::fmt::Write as _;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{
    FileStore, NewAdverseEvent, NewOutcome, NewPhotoImage, NewSession, Store, TopicalRecord,
    ZoneRecord,
};

use super::{date, date_time, said};
use crate::args::{AdverseEventCommand, OutcomeCommand, PhotoCommand, SessionCommand};
use crate::commands::{Output, read_bytes};
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

/// `records photo add` (the image kept without its metadata, under its hash) and `records photo
/// show` (the image written back, checked against its hash).
pub fn photo(
    store: &mut Store,
    files: &FileStore,
    command: &PhotoCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let (code, file, view, zone, photo_consent, on) = match command {
        PhotoCommand::Show { id, out: to } => return show_photo(store, files, *id, to),
        PhotoCommand::Add {
            code,
            file,
            view,
            zone,
            photo_consent,
            date: on,
        } => (code, file, view, zone, photo_consent, on),
    };
    let photo = NewPhotoImage {
        code: code.clone(),
        taken_at: date("--date", on.as_deref())?,
        view: view.clone(),
        zone: zone.clone(),
        photo_consent: *photo_consent,
        image: read_bytes("FILE", file)?,
    };
    let id = store.add_photo_image(files, &photo)?;
    let record = store
        .history(code)?
        .photos
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Failure::Internal(format!("photo {id} does not read back")))?;
    said(
        out,
        &record,
        format!(
            "Photo {id} ({view}{}, {}, sha256 {}) kept for {code}, without its metadata",
            zone.as_deref().map_or(String::new(), |z| format!(", {z}")),
            record.media_type.as_deref().unwrap_or("image"),
            record.file_sha256
        ),
    )
}

/// Writes photo `id`'s image to `to` (`-`: standard output), audited as a read.
fn show_photo(
    store: &mut Store,
    files: &FileStore,
    id: i64,
    to: &std::path::Path,
) -> Result<ExitCode, Failure> {
    let photo = store.photo(id)?;
    let bytes = files.get(&photo.file_sha256)?;
    store.audit_read("photo", &format!("photo {id}"))?;
    if crate::commands::io::is_std(to) {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::Internal(format!("cannot write the image: {e}")))?;
    } else {
        std::fs::write(to, &bytes).map_err(|e| {
            Failure::Input(format!("invalid --out: cannot write {}: {e}", to.display()))
        })?;
        crate::ui::wrote(to);
    }
    Ok(ExitCode::SUCCESS)
}
