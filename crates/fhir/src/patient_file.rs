//! A screening's patient file travels as a patient file (docs/patient-file.md, as JSON: the
//! tables `patient`, `history`, `treatment`), the form every other way into the records takes,
//! so that the import validates it as `records screen` does. The store keeps the validated file
//! (`Patient` as JSON); this turns it back into the file's form. Absent values are left out (a
//! patient file has no nulls).

use serde_json::{Map, Value, json};

/// The patient file of a recorded screening's validated file `inputs`.
pub(crate) fn from_recorded(inputs: &Value) -> Value {
    let mut patient = Map::new();
    copy(&mut patient, "code", &inputs["code"]);
    copy(&mut patient, "age", &inputs["age_years"]);
    copy(&mut patient, "sex", &inputs["sex"]);
    copy(&mut patient, "fitzpatrick", &inputs["fitzpatrick"]);
    let h = &inputs["history"];
    let mut history = Map::new();
    for flag in h["flags"].as_array().into_iter().flatten() {
        if let Some(flag) = flag.as_str() {
            history.insert(flag.to_string(), Value::Bool(true));
        }
    }
    copy(
        &mut history,
        "isotretinoin_last_dose",
        &h["isotretinoin_last_dose"],
    );
    if h["recent_procedures"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        history.insert("recent_procedures".into(), h["recent_procedures"].clone());
    }
    let t = &inputs["treatment"];
    let mut treatment = Map::new();
    for key in [
        "indication",
        "zones",
        "device",
        "topical",
        "length_mm",
        "date",
    ] {
        copy(&mut treatment, key, &t[key]);
    }
    json!({ "patient": patient, "history": history, "treatment": treatment })
}

fn copy(map: &mut Map<String, Value>, key: &str, value: &Value) {
    if !value.is_null() {
        map.insert(key.to_string(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validated_file_becomes_a_patient_file_again() {
        let inputs = json!({
            "code": "EX", "age_years": 34.0, "sex": "female", "fitzpatrick": 4,
            "history": {"flags": ["herpes_history"], "isotretinoin_last_dose": null,
                "recent_procedures": [{"kind": "chemical-peel", "date": "2026-11-01"}]},
            "treatment": {"indication": "acne-scars", "zones": ["cheek"], "device": "skinpen",
                "topical": null, "length_mm": null, "date": "2026-12-01"}
        });
        let file = from_recorded(&inputs);
        assert_eq!(
            file["patient"],
            json!({"code": "EX", "age": 34.0, "sex": "female", "fitzpatrick": 4})
        );
        assert_eq!(file["history"]["herpes_history"], json!(true));
        assert!(file["history"].get("isotretinoin_last_dose").is_none());
        assert!(file["treatment"].get("topical").is_none());
        assert_eq!(file["treatment"]["zones"], json!(["cheek"]));
    }
}
