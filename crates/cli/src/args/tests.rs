//! Every argument of every command says what it is.

use clap::CommandFactory;

use super::Cli;

/// Every (sub)command of `cmd` with its path, e.g. "microneedling records patient add".
fn commands(cmd: &clap::Command, path: &str, all: &mut Vec<(String, clap::Command)>) {
    let path = format!("{path} {}", cmd.get_name()).trim().to_string();
    all.push((path.clone(), cmd.clone()));
    for sub in cmd.get_subcommands() {
        commands(sub, &path, all);
    }
}

#[test]
fn every_argument_and_command_has_help_text() {
    let mut cli = Cli::command();
    cli.build();
    let mut all = Vec::new();
    commands(&cli, "", &mut all);
    assert!(all.len() > 40, "{} commands", all.len());
    let mut missing = Vec::new();
    for (path, cmd) in &all {
        if cmd.get_about().is_none() && path != "microneedling help" {
            missing.push(format!("{path} (the command)"));
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path}: {id}"));
            }
            // Possible values (clap's value enums) say what each one means.
            for value in arg.get_possible_values() {
                if value.get_help().is_none() && !matches!(id, "shell") {
                    missing.push(format!("{path}: {id} = {}", value.get_name()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "no help text:\n{}", missing.join("\n"));
}

#[test]
fn file_and_output_options_appear_only_where_they_mean_something() {
    let mut cli = Cli::command();
    cli.build();
    let mut all = Vec::new();
    commands(&cli, "", &mut all);
    let has = |path: &str, id: &str| {
        all.iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("{path}"))
            .1
            .get_arguments()
            .any(|a| a.get_id().as_str() == id)
    };
    for path in [
        "microneedling serve",
        "microneedling completions",
        "microneedling man",
    ] {
        for id in ["json", "device_file", "agent_file"] {
            assert!(!has(path, id), "{path} offers {id}");
        }
    }
    for path in [
        "microneedling users add",
        "microneedling validate",
        "microneedling config show",
    ] {
        assert!(!has(path, "device_file"), "{path} offers --device-file");
    }
    for path in [
        "microneedling plan",
        "microneedling simulate delivery",
        "microneedling records screen",
        "microneedling catalog",
    ] {
        assert!(has(path, "device_file") && has(path, "json"), "{path}");
    }
}
