//! The JSON Schemas in `schemas/` are generated from the code; this test fails when one is
//! stale. Regenerate with `UPDATE_SCHEMAS=1 cargo test --test schemas`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use agentspec::schemas::schema_json;

#[test]
fn schemas_are_up_to_date() {
    let mut stale = Vec::new();
    for name in [
        "bundle",
        "config",
        "frontmatter",
        "skill",
        "command",
        "inspect",
        "event",
        "decision",
    ] {
        let path = format!("schemas/{name}.schema.json");
        let text = schema_json(name).unwrap();
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != text {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} stale; run `UPDATE_SCHEMAS=1 cargo test --test schemas`"
    );
}

#[test]
fn the_frontmatter_schema_accepts_the_examples_and_rejects_a_bad_value() {
    let schema: serde_json::Value =
        serde_json::from_str(&schema_json("frontmatter").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = serde_json::json!({"name": "reviewer", "description": "Reviews", "tools": "Read, Grep", "color": "blue", "effort": 3});
    assert!(validator.is_valid(&good));
    let bad = serde_json::json!({"name": "a:b", "description": "x", "color": "Blue"});
    assert_eq!(validator.iter_errors(&bad).count(), 2);
}
