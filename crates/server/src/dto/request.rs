//! Request bodies. Unknown fields are refused (`deny_unknown_fields`) so that a misspelt option
//! is an error rather than silently ignored.

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /api/screen`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenBody {
    /// The patient file's tables (patient, history, treatment) as JSON.
    #[schema(value_type = Object)]
    pub patient: Value,
    /// A device id to screen for instead of the one the plan would choose.
    pub device: Option<String>,
}

/// `POST /api/plan`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The patient file's tables (patient, history, treatment) as JSON.
    #[schema(value_type = Object)]
    pub patient: Value,
    /// Plan despite a contraindication; carried in the plan.
    #[serde(rename = "override")]
    pub override_reason: Option<String>,
    /// Also return the HTML report with figures.
    #[serde(default)]
    pub report: bool,
}

/// `POST /api/simulate/penetration`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PenetrationBody {
    /// Device id (catalog `devices`).
    pub device: String,
    /// Needle length, mm; the device's default when absent.
    pub length_mm: Option<f64>,
    /// Site id (catalog `sites`).
    pub site: String,
    /// female (default) or male.
    pub sex: Option<String>,
    /// Years; 35 when absent.
    pub age: Option<f64>,
    /// 1 to 100; the device's default when absent.
    pub passes: Option<u32>,
    /// roll, press or impact; from the device kind when absent.
    pub insertion: Option<String>,
    /// Needle speed for impact, m/s (0.001 to 20); the mode's default when absent.
    pub speed_m_per_s: Option<f64>,
    /// Force on the device for roll or press, N (0.1 to 200); the mode's default when absent.
    pub force_n: Option<f64>,
}

/// `POST /api/simulate/delivery`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryBody {
    /// Agent id (catalog `agents`).
    pub agent: String,
    /// Device id (catalog `devices`); required unless `intact_only`.
    pub device: Option<String>,
    /// Through intact skin only: no device, no channels.
    #[serde(default)]
    pub intact_only: bool,
    /// `in-vivo` (default) or `in-vitro` (excised skin on a receptor sink).
    pub setting: Option<String>,
    /// `partial` (default) or `full` hydration of the stratum corneum.
    pub sc_hydration: Option<String>,
    /// Stratum corneum thickness, µm (else the site's).
    pub sc_um: Option<f64>,
    /// Viable epidermis thickness, µm (else the site's).
    pub epidermis_um: Option<f64>,
    /// Dermis thickness, µm (else the site's in vivo, dermatomed skin in vitro).
    pub dermis_um: Option<f64>,
    /// Channel closure half-life, hours (else from the setting, occlusion and length).
    pub closure_half_life_h: Option<f64>,
    /// Wash the surface at this time, hours (before the end of the run).
    pub wash_at_h: Option<f64>,
    /// Needle length, mm; the device's default when absent.
    pub length_mm: Option<f64>,
    /// Site id (catalog `sites`).
    pub site: String,
    /// female (default) or male.
    pub sex: Option<String>,
    /// Years; 35 when absent.
    pub age: Option<f64>,
    /// 1 to 100; the device's default when absent.
    pub passes: Option<u32>,
    /// Simulated time, hours; 24 when absent.
    pub hours: Option<f64>,
    /// The area is covered after application.
    #[serde(default)]
    pub occluded: bool,
    /// infinite:MG_PER_ML or finite:UG_PER_CM2.
    pub dose: Option<String>,
}

/// `POST /api/simulate/healing`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealingBody {
    /// Device id (catalog `devices`), or `none` for a topical alone or no treatment.
    pub device: String,
    /// Needle length, mm; the device's default when absent.
    pub length_mm: Option<f64>,
    /// Site id (catalog `sites`).
    pub site: String,
    /// female (default) or male.
    pub sex: Option<String>,
    /// Years; 35 when absent.
    pub age: Option<f64>,
    /// 1 to 100; the device's default when absent.
    pub passes: Option<u32>,
    /// Number of sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Months simulated; 12 when absent.
    pub months: Option<u32>,
    /// Indication id (catalog `indications`) for the outcome band.
    pub indication: Option<String>,
    /// Topical used with the series (agent id); with device `none`, on intact skin alone.
    pub topical: Option<String>,
    /// The indication's scale to report on; its default when absent.
    pub scale: Option<String>,
    /// The patient's starting score on the scale; the typical trial baseline when absent.
    pub baseline: Option<f64>,
    /// Random seed; 1 when absent.
    pub seed: Option<u64>,
    /// Monte Carlo samples, at most 20000; 1000 when absent.
    pub samples: Option<usize>,
}

/// `POST /api/compare-devices`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareBody {
    /// Site id (catalog `sites`).
    pub site: String,
    /// 2 to 8 device ids.
    pub devices: Vec<String>,
    /// female (default) or male.
    pub sex: Option<String>,
    /// Years; 35 when absent.
    pub age: Option<f64>,
}

/// `POST /api/records/patients`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPatientBody {
    /// The clinic's code for the patient (no name is stored).
    pub code: String,
    /// Year of birth.
    pub birth_year: i32,
    /// female or male.
    pub sex: String,
    /// Fitzpatrick skin type, 1 to 6.
    pub fitzpatrick: u8,
}

/// `POST /api/records/patients/{code}/screenings`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordScreeningBody {
    /// The patient file's tables (patient, history, treatment) as JSON.
    #[schema(value_type = Object)]
    pub patient: Value,
    /// A device id to screen for instead of the one the plan would choose.
    pub device: Option<String>,
}

/// `POST /api/records/patients/{code}/clearances`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearanceBody {
    /// The contraindication (screening rule id) found earlier.
    pub rule: String,
    /// Why it no longer applies (a reason in words).
    pub reason: String,
}

/// `POST /api/records/patients/{code}/plans`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPlanBody {
    /// The patient file's tables (patient, history, treatment) as JSON.
    #[schema(value_type = Object)]
    pub patient: Value,
    /// Plan despite a contraindication; carried in the plan.
    #[serde(rename = "override")]
    pub override_reason: Option<String>,
    /// The contraindicated screening the override overrides; default the latest one.
    pub overrides_screening: Option<i64>,
    /// YYYY-MM-DD; today when absent.
    pub date: Option<String>,
}

/// One treated zone of a session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneBody {
    /// Site id (catalog `sites`).
    pub site: String,
    /// Needle depth set, mm.
    pub depth_mm: f64,
    /// Passes over the zone.
    pub passes: u32,
}

/// A topical applied during a session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicalBody {
    /// Agent id (catalog `agents`).
    pub agent: String,
    /// The product's lot number.
    pub lot: String,
}

/// `POST /api/records/patients/{code}/sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionBody {
    /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
    pub performed_at: String,
    /// Device id (catalog `devices`).
    pub device: String,
    /// The device's serial number.
    pub device_serial: String,
    /// The needle cartridge's lot number.
    pub cartridge_lot: String,
    /// The zones treated.
    pub zones: Vec<ZoneBody>,
    /// Topicals applied, if any.
    #[serde(default)]
    pub topicals: Vec<TopicalBody>,
    /// erythema or pinpoint-bleeding.
    pub endpoint: String,
    /// Who performed the session.
    pub operator: String,
    /// Why a session dated before the latest screening, or more than a day ago, is entered late.
    pub late_entry: Option<String>,
    /// Why a zone goes past the device's labelled maximum or the site's maximum depth.
    pub depth_reason: Option<String>,
    /// Why a second session on one day.
    pub same_day_reason: Option<String>,
}

/// `POST /api/records/patients/{code}/adverse-events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdverseEventBody {
    /// Adverse-effect id (catalog `adverse-effects`).
    pub effect: String,
    /// mild, moderate or severe.
    pub severity: String,
    /// YYYY-MM-DD.
    pub onset: String,
    /// YYYY-MM-DD, once resolved.
    pub resolved: Option<String>,
    /// The session it followed, if known.
    pub session_id: Option<i64>,
    /// What was done about it.
    pub action: String,
    /// Why an onset before the latest screening, or more than a day ago, is entered late.
    pub late_entry: Option<String>,
}

/// `POST /api/records/patients/{code}/outcomes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeBody {
    /// The grading scale, e.g. Goodman & Baron.
    pub scale: String,
    /// The score on that scale.
    pub score: f64,
    /// Who assessed.
    pub assessor: String,
    /// YYYY-MM-DD; today when absent.
    pub date: Option<String>,
    /// Why an assessment dated before the latest screening, or more than a day ago, is late.
    pub late_entry: Option<String>,
}

/// `POST /api/records/patients/{code}/consents`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// The consent form's version.
    pub version: String,
    /// The consent text the patient signed (only its SHA-256 is kept).
    pub text: String,
    /// YYYY-MM-DD; today when absent.
    pub date: Option<String>,
    /// Who signed: the patient or their representative (required with a signature).
    #[serde(default)]
    pub signer: Option<String>,
    /// The drawn signature: a PNG or JPEG, base64 or a `data:image/png;base64,...` URL (kept
    /// in the file store without its metadata, under its SHA-256).
    #[serde(default)]
    pub signature: Option<String>,
}

/// `POST /api/records/patients/{code}/photos`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoBody {
    /// front, left, right, oblique, close-up, ...
    pub view: String,
    /// The image, JPEG or PNG, base64 or a data URL: kept without its metadata, under its
    /// SHA-256 (needs photo_consent). Either this or file_sha256.
    #[serde(default)]
    pub image: Option<String>,
    /// SHA-256 of an image kept elsewhere (metadata only). Either this or image.
    #[serde(default)]
    pub file_sha256: Option<String>,
    /// The treated zone the photo shows (a site id).
    #[serde(default)]
    pub zone: Option<String>,
    /// The patient consented to photographs.
    pub photo_consent: bool,
    /// YYYY-MM-DD; today when absent.
    pub date: Option<String>,
}
