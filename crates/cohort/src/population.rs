//! Virtual patients: each one's age, sex, phototype, site and skin-thickness offset come from the
//! spec's seed and the patient's index alone, so results do not depend on threads or shards.

use microneedling_core::healing::PatientRng;
use microneedling_core::skin::Sex;

use crate::spec::Spec;

/// The population stream of a patient's draws (the healing model uses its own streams).
const POPULATION_STREAM: u64 = 0xC0_4047;

/// One virtual patient.
#[derive(Debug, Clone, PartialEq)]
pub struct VirtualPatient {
    /// Index in the cohort, 0-based.
    pub index: u64,
    /// Age, years.
    pub age_years: f64,
    /// Sex.
    pub sex: Sex,
    /// Fitzpatrick phototype, 1–6.
    pub fitzpatrick: u8,
    /// Position of the site in the spec's `population.sites`.
    pub site: usize,
    /// Skin thickness, standard deviations from the site's typical skin.
    pub thickness_z: f64,
}

/// Patient `index` of `spec`.
pub fn draw(spec: &Spec, index: u64) -> VirtualPatient {
    let pop = spec.population();
    let mut rng = PatientRng::new(spec.seed(), index, POPULATION_STREAM);
    let age_years = pop.age_years.min + (pop.age_years.max - pop.age_years.min) * rng.uniform();
    let sex = if rng.uniform() < pop.female_share {
        Sex::Female
    } else {
        Sex::Male
    };
    let total: f64 = pop.fitzpatrick_weights.iter().sum();
    let mut target = rng.uniform() * total;
    let mut fitzpatrick = 6;
    for (i, w) in pop.fitzpatrick_weights.iter().enumerate() {
        if target < *w {
            fitzpatrick = i as u8 + 1;
            break;
        }
        target -= w;
    }
    let site = ((rng.uniform() * pop.sites.len() as f64) as usize).min(pop.sites.len() - 1);
    VirtualPatient {
        index,
        age_years,
        sex,
        fitzpatrick,
        site,
        thickness_z: rng.standard_normal(),
    }
}
