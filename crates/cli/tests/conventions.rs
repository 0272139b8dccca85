//! The conventions of command-line tools: completions and a manual page, `-` for standard input
//! and output, `-v`/`-q` with a log on standard error, "wrote FILE", versions in every JSON
//! output, roman numerals for phototypes.

mod harness;

use harness::{assert_invalid, assert_versions, example, run, run_with, scratch_dir, temp_file};

#[test]
fn completions_name_the_commands_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _microneedling"),
        ("zsh", "#compdef microneedling"),
        ("fish", "complete -c microneedling"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}: {}", &r.stdout[..200]);
        for command in ["compare-devices", "simulate", "records"] {
            assert!(r.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    assert_invalid(&run(&["completions", "tcsh"]), &["tcsh", "bash"]);
}

#[test]
fn the_manual_page_is_roff_with_every_command_and_the_exit_codes() {
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH microneedling 1"), "{}", r.stdout);
    for text in [
        "compare\\-devices",
        "completions",
        "Exit codes",
        "3 plan refused",
    ] {
        assert!(r.stdout.contains(text), "the page lacks {text}");
    }
    let dir = scratch_dir("man");
    let pages = run(&["man", "--dir", &dir.display().to_string()]);
    assert_eq!(pages.code, 0, "{}", pages.stderr);
    let plan = std::fs::read_to_string(dir.join("microneedling-plan.1")).expect("plan page");
    assert!(plan.contains("\\-\\-report") && plan.contains("\\-\\-override"));
    assert!(dir.join("microneedling-records-session-add.1").is_file());
    assert_invalid(&run(&["man", "--dir", "no/such/dir"]), &["--dir"]);
}

#[test]
fn a_dash_reads_the_patient_file_from_standard_input() {
    let file = example("acne-scars.toml");
    let text = std::fs::read_to_string(&file).expect("example");
    let from_file = run(&["screen", &file, "--json"]);
    let piped = run_with(&["screen", "-", "--json"], &[], Some(&text));
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.json()["verdict"], from_file.json()["verdict"]);
    assert_eq!(piped.json()["findings"], from_file.json()["findings"]);
    let plan = run_with(&["plan", "-"], &[], Some(&text));
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(plan.stdout.contains("Treatment plan"), "{}", plan.stdout);
    // Errors name standard input, not a file called "-".
    let bad = run_with(&["screen", "-"], &[], Some("[patient]\nage = 300\n"));
    assert_invalid(&bad, &["standard input"]);
    // Standard input is read once: a second - is refused by name (the device file is read
    // first, the patient file then finds standard input taken).
    let devices = std::fs::read_to_string(example("custom-device.toml")).expect("example");
    let twice = run_with(&["screen", "-", "--device-file", "-"], &[], Some(&devices));
    assert_invalid(&twice, &["patient file", "standard input", "already read"]);
}

#[test]
fn a_dash_writes_the_report_or_csv_to_standard_output_instead_of_a_file() {
    let dash = harness::root().join("-");
    let report = run(&["plan", &example("acne-scars.toml"), "--report", "-"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.stdout.starts_with("<!doctype html>"),
        "{}",
        &report.stdout[..80]
    );
    assert!(
        report.stdout.trim_end().ends_with("</html>"),
        "the text is not mixed in"
    );
    assert!(!dash.exists(), "no file named -");
    let csv = run(&[
        "simulate",
        "healing",
        "--device",
        "dermapen",
        "--site",
        "cheek",
        "--sessions",
        "3",
        "--interval-weeks",
        "4",
        "--samples",
        "50",
        "--csv",
        "-",
    ]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv.stdout.starts_with("time_week,quantity,value,unit\n"));
    assert!(!csv.stderr.contains("wrote"), "{}", csv.stderr);
    assert!(!dash.exists(), "no file named -");
    let both = run(&[
        "simulate",
        "delivery",
        "--agent",
        "ascorbic-acid",
        "--device",
        "dermapen",
        "--site",
        "cheek",
        "--csv",
        "-",
        "--report",
        "-",
    ]);
    assert_invalid(&both, &["--csv and --report", "standard output for one"]);
}

#[test]
fn written_files_are_named_on_standard_error_unless_quiet() {
    let report = temp_file("plan-report.html", "");
    let said = run(&["plan", &example("acne-scars.toml"), "--report", &report]);
    assert_eq!(said.code, 0, "{}", said.stderr);
    assert_eq!(said.stderr.trim(), format!("wrote {report}"));
    let quiet = run(&[
        "-q",
        "plan",
        &example("acne-scars.toml"),
        "--report",
        &report,
    ]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    assert!(
        quiet.stdout.contains("Treatment plan"),
        "-q keeps the result"
    );
}

#[test]
fn verbose_logs_go_to_standard_error_with_timestamps_and_no_patient_data() {
    let r = run(&["-vv", "plan", &example("acne-scars.toml")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(lines.len() >= 3, "start, read, finished: {}", r.stderr);
    for line in &lines {
        // 2026-11-26T08:33:39.226649Z  INFO ...
        let stamp = line.split_whitespace().next().unwrap_or_default();
        assert!(
            stamp.len() >= 20 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
            "{line}"
        );
        for private in ["EX-ACNE-SCARS", "acne-scars.toml", "2026-05-01"] {
            assert!(!line.contains(private), "{private} in the log: {line}");
        }
    }
    assert!(r.stderr.contains("DEBUG") && r.stderr.contains("INFO"));
    assert!(
        !r.stdout.contains("INFO"),
        "the log stays off standard output"
    );
    let usual = run(&["plan", &example("acne-scars.toml")]);
    assert!(usual.stderr.is_empty(), "{}", usual.stderr);
    assert_invalid(&run(&["-v", "-q", "catalog", "sites"]), &["--quiet"]);
}

#[test]
fn every_json_output_names_the_engine_and_knowledge_base_versions() {
    let outputs = [
        vec!["screen", "EXAMPLE", "--json"],
        vec!["plan", "EXAMPLE", "--json"],
        vec![
            "compare-devices",
            "--site",
            "cheek",
            "--devices",
            "dermapen,skinpen",
            "--json",
        ],
        vec![
            "simulate",
            "penetration",
            "--device",
            "dermapen",
            "--site",
            "cheek",
            "--json",
        ],
        vec!["config", "show", "--json"],
    ];
    let file = example("acne-scars.toml");
    for args in outputs {
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "EXAMPLE" { file.as_str() } else { a })
            .collect();
        let r = run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_versions(&r.json());
    }
    assert!(!run(&["catalog", "sites", "--json"]).items().is_empty());
}

#[test]
fn options_are_offered_only_where_they_apply() {
    for (args, option) in [
        (vec!["serve", "--json"], "--json"),
        (vec!["serve", "--device-file", "x.toml"], "--device-file"),
        (
            vec!["users", "add", "x", "--role", "viewer", "--agent-file", "a"],
            "--agent-file",
        ),
        (vec!["validate", "--device-file", "x.toml"], "--device-file"),
        (vec!["completions", "bash", "--json"], "--json"),
    ] {
        assert_invalid(&run(&args), &[option]);
    }
}

#[test]
fn phototypes_are_accepted_as_roman_numerals_or_numbers() {
    let db = scratch_dir("phototype").join("records.db");
    let db = db.display().to_string();
    assert_eq!(run(&["records", "--db", &db, "init"]).code, 0);
    for (code, phototype) in [("P-IV", "IV"), ("P-4", "4"), ("P-ii", "ii")] {
        let r = run(&[
            "records",
            "--db",
            &db,
            "patient",
            "add",
            code,
            "--birth-year",
            "1990",
            "--sex",
            "female",
            "--fitzpatrick",
            phototype,
            "--json",
        ]);
        assert_eq!(r.code, 0, "{phototype}: {}", r.stderr);
        let expected = if phototype == "ii" { 2 } else { 4 };
        assert_eq!(r.json()["fitzpatrick"], expected, "{phototype}");
    }
    let bad = run(&[
        "records",
        "--db",
        &db,
        "patient",
        "add",
        "P-7",
        "--birth-year",
        "1990",
        "--sex",
        "female",
        "--fitzpatrick",
        "VII",
    ]);
    assert_invalid(&bad, &["--fitzpatrick", "VII", "1 to 6 or I to VI"]);
}

#[test]
fn compare_devices_takes_up_to_eight_devices_as_the_readme_shows() {
    let eight =
        "home-roller,dermaroller-192,stamp,dermapen,skinpen,exceed,rf-insulated,rf-noninsulated";
    let readme = std::fs::read_to_string(harness::root().join("README.md")).expect("README");
    assert!(
        readme.contains(eight),
        "the README's example is the one tested"
    );
    let r = run(&[
        "compare-devices",
        "--site",
        "cheek",
        "--devices",
        eight,
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["rows"].as_array().map(Vec::len), Some(8));
    let nine = format!("{eight},home-roller");
    assert_invalid(
        &run(&["compare-devices", "--site", "cheek", "--devices", &nine]),
        &["--devices", "2 to 8"],
    );
}
