//! The virtual patients behind an outcome band, kept from one band to the next.
//!
//! A band's patients are a pure function of the healing parameters, the seed and their indices,
//! and every plan and report asks for the same ones (the default seed, the first
//! [`DEFAULT_SAMPLES`](super::DEFAULT_SAMPLES) patients). Their sampled rates, chain exponentials
//! and normal draws are therefore prepared once per process and shared by every band that asks
//! for the same patients under the same parameters; any other band (another seed or
//! parameters, as the sensitivity analysis asks for, or more patients than the default, which
//! are not kept, to bound the memory) prepares its own, batch by batch where it is used. Either way the values are the same
//! functions of the same inputs, so a kept batch gives the bits a fresh one would (tested).

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::exact::{LANES, LaneRates};
use super::params::HealingParams;
use super::rates::{Rates, patient_normals};

/// [`LANES`] consecutive patients: their prepared rates and their three normal draws (skin
/// thickness, outcome coefficient, topical response).
#[derive(Debug, Clone)]
pub(super) struct PatientBatch {
    pub(super) lanes: LaneRates,
    pub(super) normals: [[f64; 3]; LANES],
}

/// What a batch list depends on: seed, first patient, count, and the parameters that
/// [`Rates::sampled`] reads (the central rates and the priors' coefficient of variation), bit
/// for bit.
type Key = (u64, u64, u64, [u64; 14]);

/// The last kept batch list (one is enough: every plan asks for the same).
static KEPT: Mutex<Option<(Key, Arc<[PatientBatch]>)>> = Mutex::new(None);

fn key(params: &HealingParams, seed: u64, first: u64, samples: u64) -> Key {
    let c = Rates::central(params);
    let values = [
        c.k_d,
        c.k_i,
        c.r_f,
        c.k_f,
        c.f_half,
        c.s_3,
        c.s_1,
        c.k_31,
        c.k_1,
        c.c_max,
        c.gain,
        c.k_mat,
        c.k_m,
        params.priors.coefficient_of_variation.value,
    ];
    (seed, first, samples, values.map(f64::to_bits))
}

/// Batch `batch` of patients `first .. first + samples`, [`LANES`] consecutive ones; the last
/// batch is topped up with copies of the last patient (whose results the caller drops).
pub(super) fn prepare(
    params: &HealingParams,
    seed: u64,
    (first, samples): (u64, u64),
    batch: u64,
) -> PatientBatch {
    let index = |l: usize| first + (batch * LANES as u64 + l as u64).min(samples - 1);
    PatientBatch {
        lanes: LaneRates::new(std::array::from_fn(|l| {
            Rates::sampled(params, seed, index(l))
        })),
        normals: std::array::from_fn(|l| patient_normals(seed, index(l))),
    }
}

/// Every batch of patients `first .. first + samples`, kept from an earlier band or prepared
/// now and kept; `None` for more patients than are kept (the caller prepares each batch where
/// it uses it, so a large band holds no more than it did).
pub(super) fn kept(
    params: &HealingParams,
    seed: u64,
    (first, samples): (u64, u64),
) -> Option<Arc<[PatientBatch]>> {
    if samples > super::DEFAULT_SAMPLES as u64 {
        return None;
    }
    let key = key(params, seed, first, samples);
    // A poisoned lock only means another thread panicked while holding it; the kept value is
    // whole either way (it is replaced, never edited).
    let kept = || {
        KEPT.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some((k, list)) = kept().as_ref()
        && *k == key
    {
        return Some(Arc::clone(list));
    }
    let list: Arc<[PatientBatch]> = (0..samples.div_ceil(LANES as u64))
        .into_par_iter()
        .map(|batch| prepare(params, seed, (first, samples), batch))
        .collect::<Vec<_>>()
        .into();
    *kept() = Some((key, Arc::clone(&list)));
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `list`, exactly: the normals' bits and the prepared rates as printed
    /// (shortest round-trip form, sign of zero included).
    fn exact(list: &[PatientBatch]) -> Vec<String> {
        list.iter()
            .map(|b| format!("{:?} {:?}", b.normals.map(|z| z.map(f64::to_bits)), b.lanes))
            .collect()
    }

    /// A kept list is handed out again for the same patients and parameters, with the values a
    /// fresh preparation gives; other parameters or another seed get lists of their own. (The
    /// only test of this binary that prepares patients: another one running beside it could
    /// replace the kept list between the first two calls.)
    #[test]
    fn kept_patients_equal_fresh_ones_and_follow_the_parameters() {
        let kb = crate::KnowledgeBase::embedded().expect("knowledge base");
        let params = kb.healing.clone();
        let first = kept(&params, 5, (0, 100)).expect("kept");
        let again = kept(&params, 5, (0, 100)).expect("kept");
        assert!(Arc::ptr_eq(&first, &again), "the same patients are kept");
        assert_eq!(first.len(), 100usize.div_ceil(LANES));
        let fresh: Vec<PatientBatch> = (0..first.len() as u64)
            .map(|batch| prepare(&params, 5, (0, 100), batch))
            .collect();
        assert_eq!(exact(&first), exact(&fresh));
        assert!(
            kept(&params, 5, (0, 5000)).is_none(),
            "large bands are not kept"
        );
        let mut other = params.clone();
        other.priors.coefficient_of_variation.value *= 1.5;
        let changed = kept(&other, 5, (0, 100)).expect("kept");
        assert!(
            !Arc::ptr_eq(&first, &changed),
            "other parameters, other patients"
        );
        assert_ne!(exact(&first[..1]), exact(&changed[..1]));
        let reseeded = kept(&params, 6, (0, 100)).expect("kept");
        assert_ne!(exact(&first[..1]), exact(&reseeded[..1]));
    }
}
