//! `cohort run` and `cohort merge`: deterministic rows whatever the shards or threads, Parquet a
//! reader can read back, a manifest, resume, and errors that name the field.

mod harness;

use std::path::{Path, PathBuf};

use arrow_array::{Array, Float64Array, RecordBatch, UInt64Array};
use harness::{assert_invalid, run, temp_file};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const SPEC: &str = r#"
name = "test-cohort"
seed = 7
patients = 301
indication = "acne-scars"

[population]
age_years = { min = 20, max = 60 }
female_share = 0.5
fitzpatrick_weights = [1, 1, 1, 1, 1, 1]
sites = ["cheek", "forehead"]

[protocols]
devices = ["dermaroller-192", "skinpen"]
lengths_mm = [1.5]
sessions = [3]
interval_weeks = [4]
"#;

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "microneedling-cohort-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every row of every `part-*.parquet` in `dir`, in shard order.
fn read_all(dir: &Path) -> Vec<RecordBatch> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort_by_key(|p| {
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        name.trim_start_matches("part-")
            .split('-')
            .next()
            .and_then(|i| i.parse::<u32>().ok())
    });
    files
        .iter()
        .flat_map(|p| {
            let file = std::fs::File::open(p).expect("open");
            ParquetRecordBatchReaderBuilder::try_new(file)
                .expect("parquet")
                .build()
                .expect("reader")
                .map(|b| b.expect("batch"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The rows as one batch (arrow's concat would be one more crate for the tests).
fn rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            out.push(
                b.columns()
                    .iter()
                    .map(|c| format!("{:?}", c.slice(r, 1)))
                    .collect(),
            );
        }
    }
    out
}

fn cohort_run(spec: &str, dir: &Path, extra: &[&str]) -> harness::Run {
    let dir = dir.display().to_string();
    let mut args = vec!["cohort", "run", spec, "--out", &dir, "--quiet"];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn three_shards_merged_equal_the_whole_run_row_for_row() {
    let spec = temp_file("cohort.toml", SPEC);
    let whole = out_dir("whole");
    let r = cohort_run(&spec, &whole, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sharded = out_dir("sharded");
    for i in 0..3 {
        let shard = format!("{i}/3");
        let r = cohort_run(&spec, &sharded, &["--shard", &shard]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let merged = run(&["cohort", "merge", &sharded.display().to_string(), "--json"]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let manifest = merged.json();
    assert_eq!(manifest["shards"], 3);
    assert_eq!(manifest["patients"], 301);
    assert_eq!(manifest["rows"], 602);
    assert!(sharded.join("manifest.json").exists());
    let (a, b) = (rows(&read_all(&whole)), rows(&read_all(&sharded)));
    assert_eq!(a.len(), 602);
    assert_eq!(a, b, "the same rows, in the same order");
}

#[test]
fn the_same_seed_gives_the_same_rows_whatever_the_threads() {
    let spec = temp_file("cohort-threads.toml", SPEC);
    let (one, two) = (out_dir("t1"), out_dir("t2"));
    assert_eq!(cohort_run(&spec, &one, &["--threads", "1"]).code, 0);
    assert_eq!(cohort_run(&spec, &two, &["--threads", "2"]).code, 0);
    assert_eq!(rows(&read_all(&one)), rows(&read_all(&two)));
}

#[test]
fn the_columns_are_typed_finite_and_carry_their_metadata() {
    let spec = temp_file("cohort-columns.toml", SPEC);
    let dir = out_dir("columns");
    assert_eq!(cohort_run(&spec, &dir, &[]).code, 0);
    let batches = read_all(&dir);
    let column = |name: &str| -> Vec<f64> {
        batches
            .iter()
            .flat_map(|b| {
                let c = b.column_by_name(name).expect(name);
                c.as_any()
                    .downcast_ref::<Float64Array>()
                    .expect("f64")
                    .values()
                    .to_vec()
            })
            .collect()
    };
    for name in [
        "age_years",
        "effective_depth_um",
        "new_collagen_pct_month_6",
        "outcome_improvement_month_6",
        "pih_probability_pct",
    ] {
        assert!(column(name).iter().all(|x| x.is_finite()), "{name}");
    }
    assert!(
        column("age_years")
            .iter()
            .all(|a| (20.0..=60.0).contains(a))
    );
    // Bounded by the default scale's room: baseline 3.2 less the best grade 1.
    assert!(
        column("outcome_improvement_month_6")
            .iter()
            .all(|x| (0.0..2.2).contains(x))
    );
    assert!(
        column("pih_probability_pct")
            .iter()
            .all(|p| (0.0..=100.0).contains(p))
    );
    let index: Vec<u64> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("patient_index")
                .expect("index")
                .as_any()
                .downcast_ref::<UInt64Array>()
                .expect("u64")
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(index.first(), Some(&0));
    assert_eq!(index.last(), Some(&300));
    let meta = microneedling_cohort_metadata(&dir.join("part-0-of-1.parquet"));
    for key in [
        "engine_version",
        "knowledge_base_version",
        "spec_hash",
        "outcome_scale",
    ] {
        assert!(
            meta.contains(&format!("microneedling.{key}")),
            "{key}: {meta}"
        );
    }
}

/// The footer's key-value metadata, as text.
fn microneedling_cohort_metadata(path: &Path) -> String {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader =
        SerializedFileReader::new(std::fs::File::open(path).expect("open")).expect("parquet");
    format!(
        "{:?}",
        reader.metadata().file_metadata().key_value_metadata()
    )
}

#[test]
fn a_rerun_skips_a_complete_shard_and_merge_finds_a_missing_one() {
    let spec = temp_file("cohort-resume.toml", SPEC);
    let dir = out_dir("resume");
    assert_eq!(cohort_run(&spec, &dir, &["--shard", "0/2"]).code, 0);
    let again = cohort_run(&spec, &dir, &["--shard", "0/2", "--json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.json()["skipped_as_complete"], true);
    let merged = run(&["cohort", "merge", &dir.display().to_string()]);
    assert_eq!(merged.code, 2);
    assert!(
        merged.stderr.contains("shard 1 of 2 is missing"),
        "{}",
        merged.stderr
    );
    // A shard of another spec is never overwritten.
    let other = temp_file("cohort-other.toml", &SPEC.replace("seed = 7", "seed = 8"));
    let clash = cohort_run(&other, &dir, &["--shard", "0/2"]);
    assert_eq!(clash.code, 2);
    assert!(clash.stderr.contains("another spec"), "{}", clash.stderr);
}

#[test]
fn a_bad_spec_or_shard_is_refused_by_name() {
    let bad = temp_file(
        "cohort-bad.toml",
        &SPEC.replace("lengths_mm = [1.5]", "lengths_mm = [9.0]"),
    );
    assert_invalid(
        &cohort_run(&bad, &out_dir("bad"), &[]),
        &["protocols.lengths_mm", "9"],
    );
    let site = temp_file(
        "cohort-site.toml",
        &SPEC.replace("\"forehead\"", "\"elbow\""),
    );
    assert_invalid(
        &cohort_run(&site, &out_dir("site"), &[]),
        &["population.sites", "elbow"],
    );
    let spec = temp_file("cohort-ok.toml", SPEC);
    assert_invalid(
        &cohort_run(&spec, &out_dir("shard"), &["--shard", "3/3"]),
        &["shard", "3/3"],
    );
}

/// Each input's Sobol total-order index in a sensitivity report, by name; every index checked to
/// lie in [0, 1] within the estimator's noise.
fn sobol_totals(report: &serde_json::Value) -> impl Fn(&str) -> f64 + '_ {
    let inputs = report["inputs"].as_array().expect("inputs");
    for input in inputs {
        let t = input["sobol"]["total_order"].as_f64().expect("total");
        assert!((-0.05..=1.05).contains(&t), "{input}");
    }
    move |name: &str| {
        inputs
            .iter()
            .find(|i| i["name"] == name)
            .and_then(|i| i["sobol"]["total_order"].as_f64())
            .expect(name)
    }
}

#[test]
fn sensitivity_ranks_the_inputs_and_needs_its_section() {
    let example = harness::example("cohorts/acne-scars.toml");
    let out = out_dir("sensitivity").join("sobol.json");
    std::fs::create_dir_all(out.parent().expect("dir")).expect("dir");
    let r = run(&[
        "cohort",
        "sensitivity",
        &example,
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("json")).expect("json");
    assert_eq!(report["method"], "sobol");
    let total = sobol_totals(&report);
    // Needle length drives the improvement more than age does.
    assert!(total("length_mm") > total("age_years"));
    let morris = run(&[
        "cohort",
        "sensitivity",
        &example,
        "--method",
        "morris",
        "--out",
        "-",
    ]);
    assert_eq!(morris.code, 0, "{}", morris.stderr);
    assert_eq!(morris.json()["method"], "morris");
    let bare = temp_file("cohort-nosens.toml", SPEC);
    assert_invalid(
        &run(&["cohort", "sensitivity", &bare, "--out", "-"]),
        &["sensitivity", "missing"],
    );
    let wrong = run(&[
        "cohort",
        "sensitivity",
        &example,
        "--method",
        "fast",
        "--out",
        "-",
    ]);
    assert_invalid(&wrong, &["--method", "fast"]);
}

/// A column of f64 that may hold nulls, nulls as `None`.
fn nullable_f64(batches: &[RecordBatch], name: &str) -> Vec<Option<f64>> {
    batches
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name(name).expect(name);
            let c = c.as_any().downcast_ref::<Float64Array>().expect("f64");
            (0..c.len())
                .map(|i| c.is_valid(i).then(|| c.value(i)))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_topical_is_delivered_through_each_patients_own_channels() {
    let with_topicals = SPEC
        .replace("patients = 301", "patients = 6")
        .replace(
            "devices = [\"dermaroller-192\", \"skinpen\"]",
            "devices = [\"skinpen\"]",
        )
        .replace("lengths_mm = [1.5]", "lengths_mm = [0.5, 1.5]")
        .replace(
            "interval_weeks = [4]",
            "interval_weeks = [4]\ntopicals = [\"tranexamic-acid\", \"hyaluronic-acid\"]",
        );
    let spec = temp_file("cohort-topicals.toml", &with_topicals);
    let dir = out_dir("topicals");
    let r = cohort_run(&spec, &dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let batches = read_all(&dir);
    let through = nullable_f64(&batches, "absorbed_ug_per_cm2_hour_24");
    let intact = nullable_f64(&batches, "intact_absorbed_ug_per_cm2_hour_24");
    // 6 patients × 2 lengths × 2 topicals, the topical varying fastest.
    assert_eq!(through.len(), 24);
    for (k, (t, i)) in through.iter().zip(&intact).enumerate() {
        let (t, i) = (t.expect("filled"), i.expect("filled"));
        assert!(
            t.is_finite() && i.is_finite() && i >= 0.0,
            "row {k}: {t} {i}"
        );
        assert!(
            t > i,
            "row {k}: the channels add to what intact skin lets in ({t} vs {i})"
        );
    }
    // Per patient and topical, the 1.5 mm channels deliver more than the 0.5 mm ones.
    for patient in 0..6 {
        for topical in 0..2 {
            let short = through[patient * 4 + topical].expect("0.5 mm");
            let long = through[patient * 4 + 2 + topical].expect("1.5 mm");
            assert!(
                long > short,
                "patient {patient}, topical {topical}: {long} vs {short}"
            );
        }
    }
    // Without topicals (the base spec), the delivery columns are null.
    let plain = out_dir("no-topicals");
    let spec = temp_file(
        "cohort-plain.toml",
        &SPEC.replace("patients = 301", "patients = 3"),
    );
    assert_eq!(cohort_run(&spec, &plain, &[]).code, 0);
    let none = nullable_f64(&read_all(&plain), "absorbed_ug_per_cm2_hour_24");
    assert!(!none.is_empty() && none.iter().all(Option::is_none));
}

#[test]
fn a_topical_not_suited_to_the_dermis_is_refused_by_name() {
    let bad = SPEC.replace(
        "interval_weeks = [4]",
        "interval_weeks = [4]\ntopicals = [\"tretinoin\"]",
    );
    let spec = temp_file("cohort-bad-topical.toml", &bad);
    let r = cohort_run(&spec, &out_dir("bad-topical"), &[]);
    assert_invalid(&r, &["protocols.topicals", "tretinoin", "tranexamic-acid"]);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn pigment_vascular_and_hair_cohorts_read_each_patients_own_model() {
    let spec_for = |indication: &str, topicals: &str| {
        SPEC.replace("patients = 301", "patients = 200")
            .replace("\"acne-scars\"", &format!("\"{indication}\""))
            .replace(
                "interval_weeks = [4]",
                &format!("interval_weeks = [4]\n{topicals}"),
            )
    };
    let improvements = |name: &str, text: &str, column: &str| -> Vec<f64> {
        let spec = temp_file(&format!("cohort-{name}.toml"), text);
        let dir = out_dir(name);
        let r = cohort_run(&spec, &dir, &[]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let values: Vec<f64> = nullable_f64(&read_all(&dir), column)
            .into_iter()
            .map(|v| v.expect("filled"))
            .collect();
        assert_eq!(values.len(), 400, "{name}");
        assert!(values.iter().all(|v| v.is_finite() && *v >= 0.0), "{name}");
        values
    };
    let month_6 = "outcome_improvement_month_6";
    let plain = improvements("pigment", &spec_for("pigmentation", ""), month_6);
    let txa = improvements(
        "pigment-txa",
        &spec_for("pigmentation", "topicals = [\"tranexamic-acid\"]"),
        month_6,
    );
    // Tranexamic acid through the channels is one more component of the pigment model.
    assert!(
        median(txa) > median(plain.clone()),
        "tranexamic acid adds to needling"
    );
    // Treatment and maintenance end near week 24; the gain then relapses (Del Rosario 2018).
    let pigment_12 = improvements(
        "pigment-12",
        &spec_for("pigmentation", ""),
        "outcome_improvement_month_12",
    );
    assert!(median(pigment_12) < median(plain));
    improvements("rosacea", &spec_for("rosacea", ""), month_6);
    let hair_6 = improvements("hair", &spec_for("alopecia", ""), month_6);
    assert!(
        median(hair_6) > 0.0,
        "needling alone grows hair in the model"
    );
}

/// A pigmentation cohort (six sessions four weeks apart, tranexamic acid in session: the
/// treatment and its 12 weeks of maintenance act until day 252) with a `[sensitivity]` section.
fn pigment_sensitivity_spec(output: &str, inputs: &str) -> String {
    format!(
        r#"
name = "pigment-sensitivity"
seed = 11
patients = 10
indication = "pigmentation"

[population]
age_years = {{ min = 25, max = 55 }}
female_share = 1.0
fitzpatrick_weights = [0, 1, 1, 1, 0, 0]
sites = ["cheek"]

[protocols]
devices = ["dermapen"]
lengths_mm = [0.5]
sessions = [6]
interval_weeks = [4]
topicals = ["tranexamic-acid"]

[sensitivity]
output = "{output}"
samples = 40
inputs = [{inputs}]
"#
    )
}

#[test]
fn the_outcome_sensitivity_of_a_pigment_cohort_reads_its_own_model() {
    let inputs = r#"{ name = "relapse_per_day", min = 0.005, max = 0.03 },
        { name = "treatment_effect_u", min = 0.2, max = 1.5 },
        { name = "turnover_per_day", min = 0.015, max = 0.04 }"#;
    let mu_star = |output: &str| {
        let spec = temp_file(
            &format!("cohort-pigment-{output}.toml"),
            &pigment_sensitivity_spec(output, inputs),
        );
        let r = run(&[
            "cohort",
            "sensitivity",
            &spec,
            "--method",
            "morris",
            "--out",
            "-",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let report = r.json();
        let value = |name: &str| {
            report["inputs"]
                .as_array()
                .expect("inputs")
                .iter()
                .find(|i| i["name"] == name)
                .and_then(|i| i["morris"]["mu_star"].as_f64())
                .expect(name)
        };
        (
            value("relapse_per_day"),
            value("treatment_effect_u"),
            value("turnover_per_day"),
        )
    };
    // Month 6 (day 183) is within the treatment (to day 252): the relapse cannot matter yet.
    let (relapse_6, effect_6, turnover_6) = mu_star("outcome_improvement_month_6");
    assert_eq!(relapse_6, 0.0);
    assert!(
        effect_6 > 0.0 && turnover_6 > 0.0,
        "{effect_6} {turnover_6}"
    );
    // Month 12 (day 365) is 113 days after it: the loss now moves the outcome.
    let (relapse_12, _, _) = mu_star("outcome_improvement_month_12");
    assert!(relapse_12 > 0.0, "{relapse_12}");
}

#[test]
fn an_input_of_another_model_is_refused_by_name() {
    // The collagen model's parameters do not compute a pigment outcome ...
    let spec = temp_file(
        "cohort-pigment-wrong-input.toml",
        &pigment_sensitivity_spec(
            "outcome_improvement_month_6",
            r#"{ name = "injury_gain", min = 40, max = 110 }"#,
        ),
    );
    let r = run(&["cohort", "sensitivity", &spec, "--out", "-"]);
    assert_invalid(
        &r,
        &[
            "sensitivity.inputs.name",
            "injury_gain",
            "pigmentation",
            "treatment_effect_u",
        ],
    );
    // ... nor the component model's a collagen one.
    let example = std::fs::read_to_string(harness::example("cohorts/acne-scars.toml"))
        .expect("example")
        .replace(
            r#"{ name = "outcome_ln_k", min = -5.5, max = -4.0 },"#,
            r#"{ name = "relapse_per_day", min = 0.01, max = 0.02 },"#,
        );
    let spec = temp_file("cohort-collagen-wrong-input.toml", &example);
    let r = run(&["cohort", "sensitivity", &spec, "--out", "-"]);
    assert_invalid(
        &r,
        &["sensitivity.inputs.name", "relapse_per_day", "acne-scars"],
    );
}

#[test]
fn the_outcome_sensitivity_of_a_hair_cohort_runs_on_the_hair_model() {
    let example = std::fs::read_to_string(harness::example("cohorts/acne-scars.toml"))
        .expect("example")
        .replace("indication = \"acne-scars\"", "indication = \"alopecia\"")
        .replace(
            "sites = [\"cheek\", \"forehead\", \"chin\"]",
            "sites = [\"scalp\"]",
        )
        .replace(
            r#"{ name = "outcome_ln_k", min = -5.5, max = -4.0 },"#,
            r#"{ name = "relapse_per_day", min = 0.005, max = 0.03 },"#,
        )
        .replace("samples = 1024", "samples = 64");
    let spec = temp_file("cohort-hair-sensitivity.toml", &example);
    let r = run(&["cohort", "sensitivity", &spec, "--out", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let total = sobol_totals(&report);
    // The needle's depth drives the hair signal (its injury) more than age does; the series and
    // its 12 weeks of minoxidil end on day 168, before month 6, so the relapse already counts.
    assert!(total("length_mm") > total("age_years"));
    assert!(total("relapse_per_day") > 0.0);
}
