//! The clinic's daily views across patients: the patient list and its search, who is due for a
//! session or a reassessment, every session that used a cartridge or topical lot (a recall),
//! and the clinic-level summary. Amended and voided sessions do not count: only the current
//! version of each record does.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use microneedling_core::{InputError, KnowledgeBase};
use serde::{Deserialize, Serialize};

use crate::db::args;
use crate::{Result, Store, TopicalRecord};

/// The SQL condition that row `alias` of `kind` is current: no amendment or void replaced it.
fn current(kind: &str, alias: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM record_change c WHERE c.kind = '{kind}' AND c.record_id = {alias}.id)"
    )
}

/// One line of the patient list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientListing {
    pub code: String,
    pub birth_year: i32,
    pub sex: String,
    pub fitzpatrick: u8,
    /// The indication of the latest plan, if any.
    pub indication: Option<String>,
    /// Current sessions recorded.
    pub sessions: i64,
    /// The date of the latest current session, `YYYY-MM-DD`.
    pub last_visit: Option<String>,
}

/// What the patient list shows: codes containing `search` (any case), patients whose latest
/// plan is for `indication`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientFilter {
    pub search: Option<String>,
    pub indication: Option<String>,
}

/// What is due for one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    pub code: String,
    /// `session` (the next of the plan's series) or `reassessment` (after the series).
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// Days from today to the due date: negative when overdue.
    pub days_from_today: i64,
    pub indication: String,
    /// For a session: its number in the series (1-based) and the series length.
    pub session_number: Option<u32>,
    pub series_sessions: u32,
    /// Why it is due on that date, in words.
    pub basis: String,
}

/// A session that used a lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotUse {
    pub session_id: i64,
    pub code: String,
    pub performed_at: String,
    pub device: String,
    pub device_serial: String,
    /// `cartridge`, or `topical AGENT`.
    pub used_as: String,
    /// Whether the session was later amended or voided (the record still shows the use).
    pub superseded: bool,
}

/// Sessions and adverse events of one device and phototype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdverseEventRate {
    pub device: String,
    pub fitzpatrick: u8,
    pub sessions: i64,
    /// Current adverse events linked to those sessions.
    pub adverse_events: i64,
    /// adverse_events / sessions.
    pub rate: f64,
}

/// The clinic at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicSummary {
    pub patients: i64,
    /// Current sessions per month, `YYYY-MM` → count, oldest first.
    pub sessions_per_month: BTreeMap<String, i64>,
    pub adverse_event_rates: Vec<AdverseEventRate>,
    /// Adverse events recorded without a session to attribute them to.
    pub unlinked_adverse_events: i64,
}

impl Store {
    /// The patient list, by latest visit (most recent first, never-treated last), then code.
    pub fn patients(&self, filter: &PatientFilter) -> Result<Vec<PatientListing>> {
        let current_session = current("session", "s");
        let search = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let escaped = s
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            });
        let mut list: Vec<PatientListing> = self.db.query(
            &format!(
                "SELECT p.code, p.birth_year, p.sex, p.fitzpatrick,
                    (SELECT pl.indication FROM plan pl WHERE pl.patient_id = p.id ORDER BY pl.created_at DESC, pl.id DESC LIMIT 1),
                    (SELECT COUNT(*) FROM session s WHERE s.patient_id = p.id AND {current_session}),
                    (SELECT MAX(substr(s.performed_at, 1, 10)) FROM session s WHERE s.patient_id = p.id AND {current_session})
                 FROM patient p
                 WHERE (CAST(?1 AS TEXT) IS NULL OR lower(p.code) LIKE CAST(?1 AS TEXT) ESCAPE '\\')
                 ORDER BY p.code"
            ),
            args![search],
            |r| {
                Ok(PatientListing {
                    code: r.get(0)?,
                    birth_year: r.get(1)?,
                    sex: r.get(2)?,
                    fitzpatrick: r.get(3)?,
                    indication: r.get(4)?,
                    sessions: r.get(5)?,
                    last_visit: r.get(6)?,
                })
            },
        )?;
        if let Some(indication) = filter.indication.as_deref() {
            list.retain(|p| p.indication.as_deref() == Some(indication));
        }
        list.sort_by(|a, b| b.last_visit.cmp(&a.last_visit).then(a.code.cmp(&b.code)));
        Ok(list)
    }

    /// Who is due on or before `today + within_days` (overdue items included): the next session
    /// of each patient's latest plan, at the plan's interval after the previous session (the
    /// plan's date for the first), and once the series is done, the reassessment the
    /// indication calls for (`reassess_weeks` after the last session, knowledge base) unless an
    /// outcome was assessed since. Soonest first.
    pub fn due(
        &self,
        kb: &KnowledgeBase,
        today: NaiveDate,
        within_days: i64,
    ) -> Result<Vec<DueItem>> {
        if !(0..=3650).contains(&within_days) {
            return Err(InputError::new("within_days", within_days, "0 to 3650 days").into());
        }
        let plans: Vec<(String, i64, String, String, u32, u32)> = self.db.query(
            "SELECT p.code, p.id, pl.created_at, pl.indication, pl.sessions, pl.interval_weeks
             FROM patient p JOIN plan pl ON pl.patient_id = p.id
             WHERE pl.id = (SELECT x.id FROM plan x WHERE x.patient_id = p.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1)
             ORDER BY p.code",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        let horizon = today + Duration::days(within_days);
        let current_session = current("session", "s");
        let mut due = Vec::new();
        for (code, patient_id, created, indication, series, interval_weeks) in plans {
            let done: Vec<String> = self.db.query(
                &format!(
                    "SELECT substr(s.performed_at, 1, 10) FROM session s WHERE s.patient_id = ?1 AND substr(s.performed_at, 1, 10) >= ?2 AND {current_session} ORDER BY s.performed_at"
                ),
                args![patient_id, &created],
                |r| r.get(0),
            )?;
            let date = |text: &str| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|e| crate::StoreError::Database(format!("date {text}: {e}")))
            };
            let item = if (done.len() as u32) < series {
                let (at, basis) = match done.last() {
                    Some(last) => (
                        date(last)? + Duration::weeks(interval_weeks.into()),
                        format!("{interval_weeks} weeks after the session of {last}"),
                    ),
                    None => (date(&created)?, format!("the plan of {created}")),
                };
                DueItem {
                    kind: "session".into(),
                    session_number: Some(done.len() as u32 + 1),
                    due: at.to_string(),
                    basis,
                    ..due_item(&code, &indication, series, at, today)
                }
            } else {
                let Some(last) = done.last() else { continue };
                let weeks = kb.indication(&indication).map_or(12, |i| i.reassess_weeks);
                let at = date(last)? + Duration::weeks(weeks.into());
                let assessed: bool = self.db.value(
                    &format!(
                    "SELECT EXISTS (SELECT 1 FROM outcome o WHERE o.patient_id = ?1 AND o.assessed_at > ?2 AND {})",
                    current("outcome", "o")
                ),
                    args![patient_id, last],
                )?;
                if assessed {
                    continue;
                }
                DueItem {
                    kind: "reassessment".into(),
                    session_number: None,
                    due: at.to_string(),
                    basis: format!(
                        "{weeks} weeks after the last session of the series ({last}) for {indication}"
                    ),
                    ..due_item(&code, &indication, series, at, today)
                }
            };
            if date(&item.due)? <= horizon {
                due.push(item);
            }
        }
        due.sort_by(|a, b| a.due.cmp(&b.due).then(a.code.cmp(&b.code)));
        Ok(due)
    }

    /// Every session that used `lot` as its cartridge or a topical's lot, with its patient:
    /// what a recall of that lot must reach. Amended and voided sessions are listed too (the
    /// product was used all the same), marked.
    pub fn lot_uses(&self, lot: &str) -> Result<Vec<LotUse>> {
        let lot = crate::input::text_field("lot", lot, 64)?;
        // Each session with its cartridge lot and topicals (JSON), as a use to fill in.
        let rows: Vec<(LotUse, String, String)> = self.db.query(
            "SELECT s.id, p.code, s.performed_at, s.device, s.device_serial, s.cartridge_lot, s.topicals,
                EXISTS (SELECT 1 FROM record_change c WHERE c.kind = 'session' AND c.record_id = s.id)
             FROM session s JOIN patient p ON p.id = s.patient_id
             WHERE s.cartridge_lot = ?1 OR instr(s.topicals, ?2) > 0
             ORDER BY s.performed_at, s.id",
            args![&lot, serde_json::to_string(&lot)?],
            |r| {
                let used = LotUse {
                    session_id: r.get(0)?,
                    code: r.get(1)?,
                    performed_at: r.get(2)?,
                    device: r.get(3)?,
                    device_serial: r.get(4)?,
                    used_as: String::new(),
                    superseded: r.get(7)?,
                };
                Ok((used, r.get(5)?, r.get(6)?))
            },
        )?;
        let mut uses = Vec::new();
        for (session, cartridge, topicals) in rows {
            let topicals: Vec<TopicalRecord> = serde_json::from_str(&topicals).unwrap_or_default();
            let mut used_as: Vec<String> = topicals
                .iter()
                .filter(|t| t.lot == lot)
                .map(|t| format!("topical {}", t.agent))
                .collect();
            if cartridge == lot {
                used_as.insert(0, "cartridge".into());
            }
            uses.extend(used_as.into_iter().map(|used_as| LotUse {
                used_as,
                ..session.clone()
            }));
        }
        Ok(uses)
    }

    /// Sessions per month and adverse-event rates by device and phototype, over current records.
    pub fn summary(&self) -> Result<ClinicSummary> {
        let current_session = current("session", "s");
        let patients: i64 = self.db.value("SELECT COUNT(*) FROM patient", args![])?;
        let months: Vec<(String, i64)> = self.db.query(
            &format!(
                "SELECT substr(s.performed_at, 1, 7), COUNT(*) FROM session s WHERE {current_session} GROUP BY substr(s.performed_at, 1, 7) ORDER BY 1"
            ),
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let current_event = current("adverse_event", "a");
        let rates = self.db.query(
            &format!(
                "SELECT s.device, p.fitzpatrick, COUNT(*),
                    (SELECT COUNT(*) FROM adverse_event a JOIN session s2 ON s2.id = a.session_id JOIN patient p2 ON p2.id = s2.patient_id
                     WHERE s2.device = s.device AND p2.fitzpatrick = p.fitzpatrick AND {current_event})
                 FROM session s JOIN patient p ON p.id = s.patient_id
                 WHERE {current_session}
                 GROUP BY s.device, p.fitzpatrick ORDER BY s.device, p.fitzpatrick"
            ),
            args![],
            |r| {
                let sessions: i64 = r.get(2)?;
                let adverse_events: i64 = r.get(3)?;
                Ok(AdverseEventRate {
                    device: r.get(0)?,
                    fitzpatrick: r.get(1)?,
                    sessions,
                    adverse_events,
                    rate: adverse_events as f64 / sessions.max(1) as f64,
                })
            },
        )?;
        let unlinked: i64 = self.db.value(
            &format!("SELECT COUNT(*) FROM adverse_event a WHERE a.session_id IS NULL AND {current_event}"),
            args![],
        )?;
        Ok(ClinicSummary {
            patients,
            sessions_per_month: months.into_iter().collect(),
            adverse_event_rates: rates,
            unlinked_adverse_events: unlinked,
        })
    }
}

/// A due item's common fields (kind, number, date and basis filled by the caller).
fn due_item(code: &str, indication: &str, series: u32, at: NaiveDate, today: NaiveDate) -> DueItem {
    DueItem {
        code: code.to_string(),
        kind: String::new(),
        due: String::new(),
        days_from_today: (at - today).num_days(),
        indication: indication.to_string(),
        session_number: None,
        series_sessions: series,
        basis: String::new(),
    }
}

/// The due list as an iCalendar (RFC 5545) file: one all-day event per item, named by the
/// patient's pseudonymous code only, with a stable UID (code, kind, number, date) so that a
/// calendar importing it twice updates rather than duplicates.
pub fn due_calendar(items: &[DueItem]) -> String {
    use icalendar::{Calendar, Component, EventLike};
    let mut calendar = Calendar::new();
    calendar.name("microneedling: sessions and reassessments due");
    for item in items {
        let Ok(date) = NaiveDate::parse_from_str(&item.due, "%Y-%m-%d") else {
            continue;
        };
        let what = match item.session_number {
            Some(n) => format!("session {n} of {}", item.series_sessions),
            None => "reassessment".to_string(),
        };
        let event = icalendar::Event::new()
            .uid(&format!(
                "{}-{}-{}-{}@microneedling",
                item.code,
                item.kind,
                item.session_number.unwrap_or(0),
                item.due
            ))
            .summary(&format!("{}: {what} ({})", item.code, item.indication))
            .description(&format!(
                "Due {} ({}). Decision support: confirm against the record before booking.",
                item.due, item.basis
            ))
            .all_day(date)
            .done();
        calendar.push(event);
    }
    calendar.done().to_string()
}
