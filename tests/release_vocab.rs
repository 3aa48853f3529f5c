//! agentspec's model of each Claude Code release against what that release's program carries
//! (`fixtures/release-vocab/VERSION.json`, read by `scripts/release-vocab.py` from the pinned
//! npm install; `tests/differential/run.sh` checks the files against the programs): every hook
//! `type`, every key of each type with its type, in the program's order, and the model aliases.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::fs;

use agentspec::release::{FieldType, Version, release_for};
use serde_json::{Map, Value, json};

/// A field type in the words `scripts/release-vocab.py` uses.
fn words(ty: FieldType) -> String {
    match ty {
        FieldType::String => "string".to_owned(),
        FieldType::NonEmptyString => "non-empty string".to_owned(),
        FieldType::Url => "URL".to_owned(),
        FieldType::Boolean => "boolean".to_owned(),
        FieldType::Positive => "number above 0".to_owned(),
        FieldType::ListOfStrings => "list of strings".to_owned(),
        FieldType::MapOfStrings => "map of strings".to_owned(),
        FieldType::Map => "map".to_owned(),
        FieldType::OneOf(values) => format!("one of {}", values.join(", ")),
        FieldType::Lenient(how) => format!("any value ({how})"),
    }
}

fn recorded() -> Vec<(Version, Value)> {
    let mut files: Vec<(Version, Value)> = fs::read_dir("fixtures/release-vocab")
        .expect("fixtures/release-vocab")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).expect("name");
            let version = Version::parse(stem).expect("VERSION.json");
            let value: Value =
                serde_json::from_str(&fs::read_to_string(&p).expect("read")).expect("json");
            (version, value)
        })
        .collect();
    files.sort_by_key(|(v, _)| *v);
    files
}

#[test]
fn every_measured_release_has_its_vocabulary_recorded() {
    let recorded: Vec<Version> = recorded().into_iter().map(|(v, _)| v).collect();
    let measured: Vec<Version> = agentspec::release::RELEASES
        .iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(recorded, measured);
}

#[test]
fn the_hook_schema_of_each_release_is_the_one_its_program_carries() {
    for (version, file) in recorded() {
        assert!(
            file["claude_code"]
                .as_str()
                .is_some_and(|v| v.starts_with(&version.to_string())),
            "{version}: the file names another release"
        );
        let release = release_for(version);
        assert_eq!(release.version, version);
        let mut ours = Map::new();
        for kind in release.hook_types() {
            let mut keys = Map::new();
            for f in release.hook_fields(kind).expect("a known type") {
                let required = if f.required { " (required)" } else { "" };
                keys.insert(
                    f.key.to_owned(),
                    json!(format!("{}{required}", words(f.ty))),
                );
            }
            ours.insert(kind.to_owned(), Value::Object(keys));
        }
        let theirs = file["hook_types"].as_object().expect("hook_types");
        // Same types, same keys in the same order, same types.
        assert_eq!(
            serde_json::to_string_pretty(&Value::Object(ours)).expect("json"),
            serde_json::to_string_pretty(&Value::Object(theirs.clone())).expect("json"),
            "Claude Code {version}"
        );
    }
}

#[test]
fn the_model_aliases_of_each_release_are_the_ones_its_program_lists() {
    for (version, file) in recorded() {
        let theirs: Vec<&str> = file["model_aliases"]
            .as_array()
            .expect("model_aliases")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let ours: Vec<&str> = release_for(version).model_aliases().collect();
        assert_eq!(ours, theirs, "Claude Code {version}");
        for alias in theirs {
            assert!(
                agentspec::vocab::MODEL_ALIASES.contains(&alias),
                "{alias} is missing from vocab::MODEL_ALIASES"
            );
        }
    }
}

/// Each settings key agentspec dates (`Some(first release)`) is declared by exactly the
/// recorded releases from that one on; an undated key by every release whose program shows it
/// (keys spread in from the feature registry are not visible to the pattern and are skipped).
#[test]
fn each_settings_key_arrives_in_the_release_agentspec_says() {
    use agentspec::dialect::claude_config::{PERMISSIONS_KEYS, SETTINGS_KEYS};
    let recorded = recorded();
    for (table, field) in [
        (SETTINGS_KEYS, "settings_names"),
        (PERMISSIONS_KEYS, "permissions_names"),
    ] {
        for (key, since) in table {
            let seen: Vec<Version> = recorded
                .iter()
                .filter(|(_, file)| {
                    file[field]
                        .as_array()
                        .expect(field)
                        .iter()
                        .any(|n| n == key)
                })
                .map(|(v, _)| *v)
                .collect();
            let expected: Vec<Version> = match since {
                Some(since) => {
                    let since = Version::parse(since).expect("a version");
                    recorded
                        .iter()
                        .map(|(v, _)| *v)
                        .filter(|v| *v >= since)
                        .collect()
                }
                None if seen.is_empty() => continue,
                None => recorded.iter().map(|(v, _)| *v).collect(),
            };
            assert_eq!(seen, expected, "{field}: `{key}` (since {since:?})");
        }
    }
}

/// The hook events of each release are the ones its program lists (in any order).
#[test]
fn the_hook_events_of_each_release_are_the_ones_its_program_lists() {
    for (version, file) in recorded() {
        let mut theirs: Vec<&str> = file["hook_events"]
            .as_array()
            .expect("hook_events")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut ours: Vec<&str> = release_for(version).hook_events().collect();
        theirs.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, theirs, "Claude Code {version}");
    }
}
