//! The virtual patients behind an outcome band, kept from one band to the next.
//!
//! A band's patients are a pure function of the healing parameters, the seed and their indices,
//! and every plan and report asks for the same ones (the default seed, the first
//! [`DEFAULT_SAMPLES`](super::DEFAULT_SAMPLES) patients). Their sampled rates, chain exponentials
//! and normal draws are therefore prepared once per process and shared by every band that asks
//! for the same patients under the same parameters; any other band (another seed or
//! parameters, as the sensitivity analysis asks for, or more patients than the default, which
//! are not kept, to bound the memory) prepares its own. Either way the values are the same
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

/// Patients `first .. first + samples` in batches of [`LANES`]; the last batch is topped up with
/// copies of the last patient (whose results the caller drops).
pub(super) fn batches(
    params: &HealingParams,
    seed: u64,
    first: u64,
    samples: u64,
) -> Arc<[PatientBatch]> {
    let key = key(params, seed, first, samples);
    let keep = samples <= super::DEFAULT_SAMPLES as u64;
    // A poisoned lock only means another thread panicked while holding it; the kept value is
    // whole either way (it is replaced, never edited).
    let kept = || {
        KEPT.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if keep
        && let Some((k, list)) = kept().as_ref()
        && *k == key
    {
        return Arc::clone(list);
    }
    let list: Arc<[PatientBatch]> = (0..samples.div_ceil(LANES as u64))
        .into_par_iter()
        .map(|batch| {
            let index = |l: usize| first + (batch * LANES as u64 + l as u64).min(samples - 1);
            PatientBatch {
                lanes: LaneRates::new(std::array::from_fn(|l| {
                    Rates::sampled(params, seed, index(l))
                })),
                normals: std::array::from_fn(|l| patient_normals(seed, index(l))),
            }
        })
        .collect::<Vec<_>>()
        .into();
    if keep {
        *kept() = Some((key, Arc::clone(&list)));
    }
    list
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
        let first = batches(&params, 5, 0, 100);
        let again = batches(&params, 5, 0, 100);
        assert!(Arc::ptr_eq(&first, &again), "the same patients are kept");
        assert_eq!(first.len(), 100usize.div_ceil(LANES));
        // The same patients prepared afresh (more than are kept, so not from the store), cut
        // to the same batches: the first 96 patients are whole batches in both.
        let fresh = batches(&params, 5, 0, 5000);
        let whole = 100 / LANES;
        assert_eq!(exact(&first[..whole]), exact(&fresh[..whole]));
        let mut other = params.clone();
        other.priors.coefficient_of_variation.value *= 1.5;
        let changed = batches(&other, 5, 0, 100);
        assert!(
            !Arc::ptr_eq(&first, &changed),
            "other parameters, other patients"
        );
        assert_ne!(exact(&first[..1]), exact(&changed[..1]));
        let reseeded = batches(&params, 6, 0, 100);
        assert_ne!(exact(&first[..1]), exact(&reseeded[..1]));
    }
}
