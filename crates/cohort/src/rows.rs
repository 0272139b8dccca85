//! One row per virtual patient and protocol: the penetration of the patient's own skin, the
//! patient's own healing course and outcome, the PIH probability of the patient's phototype
//! and needle depth, and the protocol's topical delivered through the patient's channels.

use std::collections::BTreeMap;

use microneedling_core::KnowledgeBase;
use microneedling_core::healing::{
    Course, DAYS_PER_MONTH, HealingRequest, Scale, ScaleChoice, month_day, scale_improvements,
    virtual_patient,
};
use microneedling_core::indication::{Indication, Mechanism};
use microneedling_core::screening::adverse::Driver;
use microneedling_core::skin::{Layer, SkinProfile};

use crate::Error;
use crate::delivery::{Absorbed, absorbed};
use crate::population::VirtualPatient;
use crate::spec::{Protocol, Spec};

/// Months at which the row reads the course.
pub const ROW_MONTHS: [u32; 2] = [6, 12];

/// One virtual patient under one protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Patient index.
    pub patient_index: u64,
    /// Protocol index in the grid.
    pub protocol_index: u32,
    /// Age, years.
    pub age_years: f64,
    /// `female` or `male`.
    pub sex: &'static str,
    /// Fitzpatrick phototype.
    pub fitzpatrick: u8,
    /// Site id.
    pub site: String,
    /// Device id.
    pub device: String,
    /// Needle length, mm.
    pub length_mm: f64,
    /// Passes per session.
    pub passes: u32,
    /// Sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Skin thickness offset, SD.
    pub thickness_z: f64,
    /// Depth the needles reach, µm.
    pub effective_depth_um: f64,
    /// Injured dermal fraction of one session.
    pub injured_dermis_fraction: f64,
    /// New collagen at months 6 and 12, % of baseline.
    pub new_collagen_pct: [f64; 2],
    /// Improvement at months 6 and 12, in the outcome scale's units.
    pub outcome_improvement: [f64; 2],
    /// PIH probability, posterior median, %.
    pub pih_probability_pct: f64,
    /// The in-session topical (agent id), if the protocol has one.
    pub topical: Option<String>,
    /// The topical absorbed at [`crate::delivery::DELIVERY_HOURS`] through the channels and
    /// through intact skin, when the protocol has a topical.
    pub absorbed: Option<Absorbed>,
}

/// What every row of a run shares: the indication, its scale and baseline, the PIH table.
#[derive(Debug)]
pub struct Context<'a> {
    kb: &'a KnowledgeBase,
    spec: &'a Spec,
    indication: &'a Indication,
    scale: Scale,
    baseline: Option<f64>,
    choice: ScaleChoice,
    /// PIH median % by (dark phototype, dermis reached, deep).
    pih: BTreeMap<(bool, bool, bool), f64>,
}

impl<'a> Context<'a> {
    /// The shared part of `spec`'s rows.
    pub fn new(kb: &'a KnowledgeBase, spec: &'a Spec) -> Result<Self, Error> {
        let indication = kb
            .indication(spec.indication())
            .map_err(|e| Error::Model(e.to_string()))?;
        let choice = ScaleChoice::resolve(&kb.healing.scales, &indication.id, None, None)
            .map_err(|e| Error::Model(e.to_string()))?;
        let mut pih = BTreeMap::new();
        for dark in [false, true] {
            for dermis in [false, true] {
                for deep in [false, true] {
                    let drivers: Vec<Driver> = [
                        (dark, Driver::DarkPhototype),
                        (dermis, Driver::DermisReached),
                        (deep, Driver::DeepNeedling),
                    ]
                    .into_iter()
                    .filter_map(|(on, d)| on.then_some(d))
                    .collect();
                    let p = kb.adverse_rates.estimate("pih", &drivers).pct;
                    pih.insert((dark, dermis, deep), p.map_or(f64::NAN, |p| p.median));
                }
            }
        }
        Ok(Self {
            kb,
            spec,
            indication,
            baseline: choice.baseline(),
            scale: choice.scale().clone(),
            choice,
            pih,
        })
    }

    /// The outcome scale's id.
    pub fn scale(&self) -> &str {
        &self.scale.id
    }
    /// The baseline the outcome is read from.
    pub fn baseline(&self) -> Option<f64> {
        self.baseline
    }

    /// The rows of `patient`, one per protocol, in grid order.
    pub fn rows(&self, patient: &VirtualPatient) -> Result<Vec<Row>, Error> {
        let kb = self.kb;
        let site_id = &self.spec.population().sites[patient.site];
        let site = kb.site(site_id).map_err(|e| Error::Model(e.to_string()))?;
        let skin = SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model)
            .map_err(|e| Error::Model(e.to_string()))?;
        let skin = kb.thickness_variation.at(&skin, patient.thickness_z);
        self.spec
            .grid()
            .iter()
            .map(|protocol| self.row(patient, site_id, &skin, protocol))
            .collect()
    }

    /// The patient's improvement on the scale at `days`: from its own collagen course for a
    /// collagen indication, else from the indication's own model (pigment and vascular
    /// components, the hair model) for this one patient, the value the band holds for it.
    fn improvements(
        &self,
        request: &HealingRequest,
        course: &Course,
        days: &[u32; 2],
        collagen_fractions: &[f64],
    ) -> Result<[f64; 2], Error> {
        if self.indication.mechanism == Mechanism::Collagen {
            return Ok(std::array::from_fn(|k| {
                self.scale
                    .improvement(collagen_fractions[k], self.baseline)
                    .unwrap_or(f64::NAN)
            }));
        }
        let (values, _) = scale_improvements(
            &self.kb.healing,
            self.indication,
            course,
            request,
            &self.choice,
            days,
        )
        .map_err(Error::Model)?;
        Ok(std::array::from_fn(|k| values[k][0]))
    }

    fn row(
        &self,
        patient: &VirtualPatient,
        site_id: &str,
        skin: &SkinProfile,
        protocol: &Protocol,
    ) -> Result<Row, Error> {
        let kb = self.kb;
        let device = kb
            .device(&protocol.device)
            .map_err(|e| Error::Model(e.to_string()))?;
        let passes = device.default_passes;
        let penetration = kb
            .penetration
            .simulate(device, protocol.length_mm, skin, passes);
        let request = HealingRequest::builder(device, &penetration)
            .sessions(protocol.sessions)
            .interval_weeks(protocol.interval_weeks)
            .months(12)
            .indication(Some(self.indication))
            .topical(protocol.topical.as_deref(), 1.0)
            .seed(self.spec.seed())
            .first_patient(patient.index)
            .samples(1)
            .build()
            .map_err(|e| Error::Model(e.to_string()))?;
        let days = ROW_MONTHS.map(month_day);
        let course = request.course(&kb.healing, 12.0 * DAYS_PER_MONTH + 1.0);
        let coefficient = &kb.healing.outcome_fit.collagen;
        let pc = virtual_patient(
            &kb.healing,
            coefficient,
            &request,
            &course,
            &days,
            patient.index,
        );
        let improvement = self.improvements(&request, &course, &days, &pc.improvement_fraction)?;
        let reaches = |layer: Layer| penetration.layers_reached.contains(&layer);
        let pih = self
            .pih
            .get(&(
                patient.fitzpatrick >= 4,
                reaches(Layer::PapillaryDermis),
                reaches(Layer::ReticularDermis),
            ))
            .copied()
            .unwrap_or(f64::NAN);
        let absorbed = protocol
            .topical
            .as_deref()
            .map(|agent| absorbed(kb, agent, &penetration, skin))
            .transpose()?;
        Ok(Row {
            patient_index: patient.index,
            protocol_index: protocol.index,
            age_years: patient.age_years,
            sex: patient.sex.as_str(),
            fitzpatrick: patient.fitzpatrick,
            site: site_id.to_string(),
            device: protocol.device.clone(),
            length_mm: protocol.length_mm,
            passes,
            sessions: protocol.sessions,
            interval_weeks: protocol.interval_weeks,
            thickness_z: patient.thickness_z,
            effective_depth_um: penetration.effective_depth_um,
            injured_dermis_fraction: penetration.injured_dermis_fraction,
            new_collagen_pct: [pc.new_collagen_pct[0], pc.new_collagen_pct[1]],
            outcome_improvement: improvement,
            pih_probability_pct: pih,
            topical: protocol.topical.clone(),
            absorbed,
        })
    }
}
