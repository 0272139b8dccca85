//! Patient and device files: clear errors for bad input, and no panic on any input (proptest).

mod common;

use common::{day, kb, patient_toml};
use microneedling_core::device::devices_from_toml;
use microneedling_core::patient::Patient;
use microneedling_core::{Error, InputError};
use proptest::prelude::*;

fn parse(text: &str) -> Result<Patient, Error> {
    Patient::from_toml("patient.toml", text, kb(), day("2026-12-01"))
}

fn input_error(text: &str) -> InputError {
    match parse(text) {
        Err(Error::Input(e)) => e,
        other => panic!("expected an input error, got {other:?}"),
    }
}

fn with_patient(age: &str, fitzpatrick: &str) -> String {
    format!(
        "[patient]\nage = {age}\nsex = \"female\"\nfitzpatrick = {fitzpatrick}\n[treatment]\nindication = \"wrinkles\"\n"
    )
}

#[test]
fn the_example_patient_file_of_the_issue_parses() {
    let text = patient_toml(
        4,
        "herpes_history = true\nisotretinoin_last_dose = \"2026-05-01\"\nrecent_procedures = [{ kind = \"chemical-peel\", date = \"2026-11-01\" }]",
        "indication = \"acne-scars\"\nzones = [\"cheek\"]\ndevice = \"skinpen\"\ntopical = \"hyaluronic-acid\"",
    );
    let p = parse(&text).expect("valid");
    assert_eq!(p.fitzpatrick, 4);
    assert_eq!(p.history.recent_procedures.len(), 1);
    assert_eq!(p.treatment.zones, vec!["cheek"]);
}

#[test]
fn out_of_range_values_name_field_value_and_range() {
    let e = input_error(&with_patient("34", "7"));
    assert_eq!(
        (e.field.as_str(), e.value.as_str()),
        ("patient.fitzpatrick", "7")
    );
    assert!(e.accepted.contains("1 to 6"));
    let e = input_error(&with_patient("-3", "2"));
    assert_eq!(e.field, "patient.age");
    let e = input_error(&with_patient("nan", "2"));
    assert_eq!(e.field, "patient.age");
    let e = input_error(&with_patient("400", "2"));
    assert!(e.accepted.contains("120"));
}

#[test]
fn unknown_names_suggest_the_nearest() {
    let e = input_error(&patient_toml(2, "", "indication = \"acne-scar\""));
    assert_eq!(e.field, "treatment.indication");
    assert!(
        e.accepted.contains("did you mean acne-scars"),
        "{}",
        e.accepted
    );
    let e = input_error(&patient_toml(
        2,
        "",
        "indication = \"wrinkles\"\nzones = [\"cheeks\"]",
    ));
    assert_eq!(e.field, "treatment.zones[0]");
    assert!(e.accepted.contains("did you mean cheek"));
    let e = input_error(&patient_toml(
        2,
        "keloid = true",
        "indication = \"wrinkles\"",
    ));
    assert!(e.accepted.contains("keloid_tendency"), "{}", e.accepted);
}

#[test]
fn unknown_keys_and_malformed_files_are_parse_errors() {
    assert!(matches!(
        parse(
            "[patient]\nage = 3\nsex = \"female\"\nfitzpatrick = 2\nheight = 3\n[treatment]\nindication = \"wrinkles\"\n"
        ),
        Err(Error::Parse { .. })
    ));
    assert!(matches!(parse("[patient\nage ="), Err(Error::Parse { .. })));
    assert!(matches!(parse(""), Err(Error::Parse { .. })));
}

#[test]
fn procedures_after_the_treatment_date_are_rejected() {
    let e = input_error(&patient_toml(
        2,
        "recent_procedures = [{ kind = \"laser\", date = \"2027-01-01\" }]",
        "indication = \"wrinkles\"",
    ));
    assert_eq!(e.field, "history.recent_procedures[0].date");
    let e = input_error(&patient_toml(
        2,
        "recent_procedures = [{ kind = \"tattoo\", date = \"2026-01-01\" }]",
        "indication = \"wrinkles\"",
    ));
    assert!(e.accepted.contains("chemical-peel"));
}

#[test]
fn custom_devices_are_validated() {
    let good = include_str!("../../../examples/custom-device.toml");
    let devices = devices_from_toml("custom", good).expect("example device is valid");
    assert_eq!(devices[0].id, "clinic-pen-12");
    let bad = good.replace("needle_count = 12", "needle_count = 0");
    let error = devices_from_toml("custom", &bad).expect_err("zero needles");
    assert!(
        error.to_string().contains("devices[0].needle_count"),
        "{error}"
    );
    let bad = good.replace("default_length_mm = 1.0", "default_length_mm = 1.1");
    assert!(
        devices_from_toml("custom", &bad).is_err(),
        "off the 0.25 mm steps"
    );
    assert!(
        kb().with_devices(
            devices_from_toml("custom", &good.replace("clinic-pen-12", "skinpen")).expect("valid")
        )
        .is_err()
    );
}

fn toml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            format!("{f:?}")
        } else {
            "nan".into()
        }),
        "[a-z_-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just("true".to_string()),
        Just("\"2026-02-30\"".to_string()),
        Just("[]".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_patient_values_give_a_patient_or_an_error_never_a_panic(
        age in toml_scalar(), sex in toml_scalar(), fitz in toml_scalar(), flag in toml_scalar(),
        indication in toml_scalar(), zone in toml_scalar(), date in toml_scalar(), length in toml_scalar(),
    ) {
        let text = format!(
            "[patient]\nage = {age}\nsex = {sex}\nfitzpatrick = {fitz}\n[history]\nanticoagulants = {flag}\nisotretinoin_last_dose = {date}\n[treatment]\nindication = {indication}\nzones = [{zone}]\nlength_mm = {length}\n"
        );
        if let Ok(p) = parse(&text) {
            prop_assert!((0.0..=120.0).contains(&p.age_years));
            prop_assert!((1..=6).contains(&p.fitzpatrick));
        }
    }

    #[test]
    fn any_text_as_a_patient_file_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn any_device_numbers_give_a_device_or_an_error_never_a_panic(
        count in any::<i64>(), diameter in any::<f64>(), tip in any::<f64>(), hz in any::<f64>(), length in any::<f64>(),
    ) {
        let num = |f: f64| if f.is_finite() { format!("{f:?}") } else { "nan".to_string() };
        let text = format!(
            "[[devices]]\nid = \"x\"\nname = \"x\"\nkind = \"pen\"\nuse = \"home\"\nneedle_count = {count}\nneedle_diameter_um = {}\ntip_radius_um = {}\ntip_length_um = 500\nlength_range_mm = {{ min = 0.25, max = 2.0, step = 0.25 }}\ndefault_length_mm = {}\ndefault_passes = 3\nsterile_single_use = false\npen = {{ frequency_hz = {}, cartridge_width_mm = 7, glide_speed_mm_per_s = 20 }}\n",
            num(diameter), num(tip), num(length), num(hz)
        );
        if let Ok(devices) = devices_from_toml("fuzz", &text) {
            let kb = kb();
            let skin = microneedling_core::skin::SkinProfile::new(kb.site("cheek").expect("site"), microneedling_core::skin::Sex::Male, 40.0, &kb.age_model).expect("skin");
            let r = kb.penetration.simulate(&devices[0], devices[0].default_length_mm, &skin, 3);
            prop_assert!(r.effective_depth_um.is_finite() && r.channels_per_cm2.is_finite() && r.injured_dermis_fraction.is_finite());
        }
    }
}
