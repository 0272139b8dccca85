//! The configuration file: found where `--config`, `$MICRONEEDLING_CONFIG` or the platform's
//! directory say; its policy applies; flags override it; `config show` says where each value
//! came from; bad files exit 2 naming the problem.

mod harness;

use harness::{assert_invalid, example, run, run_with, scratch_dir, temp_file};

/// A strict clinic: isotretinoin within a year contraindicates.
const STRICT: &str = "[policy]\nisotretinoin_window_days = 365\nisotretinoin_tier = \"contraindicated\"\nscreening_max_age_days = 90\nconsent_version = \"v3\"\n\n[serve]\naddr = \"127.0.0.1:9999\"\n";

fn verdict(args: &[&str], env: &[(&str, &str)]) -> String {
    let r = run_with(args, env, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["verdict"].as_str().expect("verdict").to_string()
}

#[test]
fn the_policy_of_the_file_applies_and_a_flag_overrides_it() {
    let file = temp_file("strict.toml", STRICT);
    let patient = example("acne-scars.toml");
    // The example's last isotretinoin dose is 214 days before its treatment date.
    let screen = ["screen", patient.as_str(), "--json"];
    assert_eq!(verdict(&screen, &[]), "caution");
    let with_flag: Vec<&str> = screen.iter().copied().chain(["--config", &file]).collect();
    assert_eq!(verdict(&with_flag, &[]), "contraindicated");
    assert_eq!(
        verdict(&screen, &[("MICRONEEDLING_CONFIG", &file)]),
        "contraindicated"
    );
    let overridden: Vec<&str> = with_flag
        .iter()
        .copied()
        .chain(["--isotretinoin-window-days", "100"])
        .collect();
    assert_eq!(verdict(&overridden, &[]), "caution");
    // A plan refuses under the file's policy (exit 3) as it would with the flags.
    let plan = run(&["plan", &patient, "--config", &file]);
    assert_eq!(plan.code, 3, "{}", plan.stderr);
}

#[test]
fn config_show_prints_each_value_with_its_source() {
    let file = temp_file("show.toml", STRICT);
    let r = run(&["config", "show", "--config", &file, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = r.json();
    assert_eq!(shown["file"], file.as_str());
    assert_eq!(shown["found"], true);
    let values = shown["values"].as_array().expect("values");
    let value = |key: &str| {
        values
            .iter()
            .find(|v| v["key"] == key)
            .unwrap_or_else(|| panic!("{key}"))
            .clone()
    };
    assert_eq!(value("policy.isotretinoin_window_days")["value"], "365");
    assert_eq!(value("policy.consent_version")["value"], "v3");
    assert_eq!(value("serve.addr")["value"], "127.0.0.1:9999");
    let from_file = format!("config file {file}");
    assert_eq!(
        value("policy.screening_max_age_days")["source"],
        from_file.as_str()
    );
    assert!(
        value("records.db")["source"]
            .as_str()
            .expect("source")
            .starts_with("default")
    );
    let text = run(&["config", "show", "--config", &file]);
    assert!(
        text.stdout.contains("policy.isotretinoin_tier"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("contraindicated") && text.stdout.contains(&from_file));
}

#[test]
fn the_platform_file_is_read_from_the_configuration_directory() {
    let home = scratch_dir("xdg");
    std::fs::create_dir_all(home.join("microneedling")).expect("dir");
    std::fs::write(home.join("microneedling/config.toml"), STRICT).expect("file");
    let env = [("XDG_CONFIG_HOME", home.to_str().expect("utf-8"))];
    let path = run_with(&["config", "path"], &env, None);
    assert_eq!(
        path.stdout.trim(),
        home.join("microneedling/config.toml").display().to_string()
    );
    let screen = ["screen", &example("acne-scars.toml"), "--json"];
    assert_eq!(verdict(&screen, &env), "contraindicated");
    // Without a file there, every default applies and nothing fails.
    let absent = run(&["config", "show"]);
    assert_eq!(absent.code, 0, "{}", absent.stderr);
    assert!(absent.stdout.contains("absent: the defaults apply"));
}

#[test]
fn the_records_policy_comes_from_the_file() {
    let db = scratch_dir("config-records").join("records.db");
    let db = db.display().to_string();
    let file = temp_file(
        "records.toml",
        &format!("[records]\ndb = {db:?}\n\n[policy]\nscreening_max_age_days = 0\n"),
    );
    // The database of the file is the one initialised.
    let init = run(&["records", "init", "--config", &file, "--json"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(init.json()["path"], db.as_str());
    // An out-of-range value is refused naming the key and the file it came from.
    let bad = run(&["records", "history", "P-1", "--config", &file]);
    assert_invalid(
        &bad,
        &["policy.screening_max_age_days", "records.toml", "1 to 3650"],
    );
}

#[test]
fn bad_configuration_files_exit_2_with_the_reason() {
    assert_invalid(
        &run(&["catalog", "sites", "--config", "no/such/config.toml"]),
        &["--config", "no/such/config.toml", "does not exist"],
    );
    let typo = temp_file("typo.toml", "[policy]\nisotretinoin_window = 30\n");
    assert_invalid(
        &run(&["catalog", "sites", "--config", &typo]),
        &["--config", "isotretinoin_window", "[policy]"],
    );
    let tier = temp_file("tier.toml", "[policy]\nisotretinoin_tier = \"maybe\"\n");
    assert_invalid(
        &run(&["screen", &example("acne-scars.toml"), "--config", &tier]),
        &["policy.isotretinoin_tier", "tier.toml", "maybe", "caution"],
    );
    let env = run_with(
        &["catalog", "sites"],
        &[("MICRONEEDLING_CONFIG", "no/such/env.toml")],
        None,
    );
    assert_invalid(&env, &["MICRONEEDLING_CONFIG", "no/such/env.toml"]);
    // Completions and the manual page do not need a configuration.
    assert_eq!(
        run(&["completions", "bash", "--config", "no/such/config.toml"]).code,
        0
    );
}
