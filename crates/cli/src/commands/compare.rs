use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::compare::compare_devices;
use microneedling_core::skin::Sex;

use super::Output;
use crate::failure::Failure;
use crate::render;

pub fn run(
    kb: &KnowledgeBase,
    site: &str,
    devices: &[String],
    sex: Sex,
    age_years: f64,
    out: Output,
) -> Result<ExitCode, Failure> {
    let site = site.trim();
    let comparison =
        compare_devices(kb, site, devices, sex, age_years).map_err(|e| match e.field.as_str() {
            "site" => microneedling_core::InputError {
                field: "--site".into(),
                ..e
            },
            "age" => microneedling_core::InputError {
                field: "--age".into(),
                ..e
            },
            _ => e,
        })?;
    out.emit(&comparison, render::comparison)?;
    Ok(ExitCode::SUCCESS)
}
