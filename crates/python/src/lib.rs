//! Python bindings: each function takes plain arguments, runs the engine's own validated path
//! (the same resolvers as the CLI and the API) and returns the result as JSON text, which the
//! Python layer (`python/microneedling/__init__.py`) turns into dicts and NumPy arrays. Bad input
//! raises `ValueError` with the engine's message (field, value, what is accepted).

use std::path::Path;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use microneedling_cohort::{Shard, Spec};
use microneedling_core::KnowledgeBase;
use microneedling_core::healing::simulate;
use microneedling_core::setting::{
    DeliveryQuery, HealingQuery, Setting, SettingQuery, delivery_builder, healing_query,
};
use microneedling_core::skin::{LayerThicknesses, Sex};
use microneedling_core::transport::{self, Dose, Hydration, Preparation};

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn kb() -> PyResult<&'static KnowledgeBase> {
    KnowledgeBase::embedded().map_err(value_error)
}

fn json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(value_error)
}

fn sex(text: &str) -> PyResult<Sex> {
    Sex::parse("sex", text).map_err(value_error)
}

/// Penetration of one device setting on one person's skin, as JSON.
#[pyfunction]
#[pyo3(signature = (device, site, length_mm=None, sex="female", age=35.0, passes=None))]
fn penetration(
    device: &str,
    site: &str,
    length_mm: Option<f64>,
    sex: &str,
    age: f64,
    passes: Option<u32>,
) -> PyResult<String> {
    let kb = kb()?;
    let query = SettingQuery {
        device,
        length_mm,
        site,
        sex: self::sex(sex)?,
        age_years: Some(age),
        passes,
    };
    let setting = Setting::resolve(kb, &query).map_err(value_error)?;
    json(&setting.penetration(kb))
}

/// A topical's delivery through the channels of `device` (intact skin only when `None`), as JSON.
#[pyfunction]
#[pyo3(signature = (agent, site, device=None, length_mm=None, hours=24.0, mg_per_ml=None, sex="female", age=35.0))]
#[allow(clippy::too_many_arguments)]
fn delivery(
    agent: &str,
    site: &str,
    device: Option<&str>,
    length_mm: Option<f64>,
    hours: f64,
    mg_per_ml: Option<f64>,
    sex: &str,
    age: f64,
) -> PyResult<String> {
    let kb = kb()?;
    let agent = kb.agent(agent).map_err(value_error)?;
    let query = DeliveryQuery {
        device,
        length_mm,
        site,
        sex: self::sex(sex)?,
        age_years: Some(age),
        passes: None,
        preparation: Preparation::InVivo,
        hydration: Hydration::default(),
        layers: LayerThicknesses::default(),
    };
    let mg_per_ml = mg_per_ml.unwrap_or(kb.transport.dose.default_infinite_mg_per_ml.value);
    let request = delivery_builder(kb, &query, &agent.id, agent.solute().map_err(value_error)?)
        .map_err(value_error)?
        .hours(hours)
        .dose(Dose::Infinite { mg_per_ml })
        .build()
        .map_err(value_error)?;
    json(&transport::simulate(&kb.transport, &request))
}

/// A series of sessions: weekly series, peaks and the outcome band, as JSON.
#[pyfunction]
#[pyo3(signature = (device, site, sessions, interval_weeks, indication=None, topical=None, scale=None, baseline=None, length_mm=None, months=12, seed=1, samples=1000, sex="female", age=35.0))]
#[allow(clippy::too_many_arguments)]
fn healing(
    device: &str,
    site: &str,
    sessions: u32,
    interval_weeks: u32,
    indication: Option<&str>,
    topical: Option<&str>,
    scale: Option<&str>,
    baseline: Option<f64>,
    length_mm: Option<f64>,
    months: u32,
    seed: u64,
    samples: usize,
    sex: &str,
    age: f64,
) -> PyResult<String> {
    let kb = kb()?;
    let query = HealingQuery {
        setting: SettingQuery {
            device,
            length_mm,
            site,
            sex: self::sex(sex)?,
            age_years: Some(age),
            passes: None,
        },
        topical,
        indication,
        scale,
        baseline,
    };
    let request = healing_query(kb, &query)
        .map_err(value_error)?
        .sessions(sessions)
        .interval_weeks(interval_weeks)
        .months(months)
        .seed(seed)
        .samples(samples)
        .build()
        .map_err(value_error)?;
    json(&simulate(&kb.healing, &request))
}

/// Runs shard `index` of `count` of the cohort spec `spec` (TOML text) into `out_dir`; returns
/// the shard file's path.
#[pyfunction]
#[pyo3(signature = (spec, out_dir, index=0, count=1))]
fn cohort_shard(
    py: Python<'_>,
    spec: &str,
    out_dir: &str,
    index: u32,
    count: u32,
) -> PyResult<String> {
    let kb = kb()?;
    let spec = Spec::parse(spec, kb).map_err(value_error)?;
    let shard = Shard::new(index, count).map_err(value_error)?;
    let outcome = py
        .detach(|| microneedling_cohort::run(kb, &spec, shard, Path::new(out_dir), &|_| {}))
        .map_err(value_error)?;
    let path = match outcome {
        microneedling_cohort::Outcome::Written { path, .. }
        | microneedling_cohort::Outcome::AlreadyComplete { path } => path,
    };
    Ok(path.display().to_string())
}

/// Checks the shards in `out_dir` and writes its manifest; returns the manifest as JSON.
#[pyfunction]
fn cohort_merge(out_dir: &str) -> PyResult<String> {
    json(&microneedling_cohort::merge(Path::new(out_dir)).map_err(value_error)?)
}

/// The knowledge base's version and the decision-support disclaimer.
#[pyfunction]
fn edition() -> PyResult<String> {
    json(&kb()?.edition())
}

/// The compiled part of the `microneedling` Python package.
#[pymodule]
fn _microneedling(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(penetration, m)?)?;
    m.add_function(wrap_pyfunction!(delivery, m)?)?;
    m.add_function(wrap_pyfunction!(healing, m)?)?;
    m.add_function(wrap_pyfunction!(cohort_shard, m)?)?;
    m.add_function(wrap_pyfunction!(cohort_merge, m)?)?;
    m.add_function(wrap_pyfunction!(edition, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
