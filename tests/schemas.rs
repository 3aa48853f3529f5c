//! The JSON Schemas in `schemas/` are generated from the types; this test fails when one is
//! stale. Regenerate with `UPDATE_SCHEMAS=1 cargo test --test schemas`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use agentspec::config::Options;
use agentspec::model::inspect::Inspection;

fn check(name: &str, schema: schemars::Schema) {
    let path = format!("schemas/{name}.schema.json");
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{path} is stale; run `UPDATE_SCHEMAS=1 cargo test --test schemas`"
    );
}

#[test]
fn schemas_are_up_to_date() {
    check("inspect", schemars::schema_for!(Inspection));
    check("config", schemars::schema_for!(Options));
}
