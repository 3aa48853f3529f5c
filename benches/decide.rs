//! `decide` alone on the example backend policy (a PreToolUse `git commit` that a gate denies,
//! and an allowed test run), against parsing the same hook event's JSON as a baseline.

#![allow(clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;

use agentspec::compile::{self, Unit};
use agentspec::model::{AgentSpec, FileRole};
use agentspec::policy::decide::{Event, SessionState, decide};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string("fixtures/backend.md").expect("fixture");
    let doc = agentspec::parse::parse(&text);
    let role = FileRole {
        plugin: false,
        markdown: true,
    };
    let spec = AgentSpec::build_with(&doc, &text, role, &Default::default());
    let source = agentspec::source::SourceFile::new("fixtures/backend.md", text.clone());
    let unit = Unit {
        spec: &spec,
        source: &source,
        path: "backend.md".into(),
    };
    let policy = compile::compile_agent(&unit, &compile::Options::default());
    let state = SessionState::default();
    let commit = Event::ToolRequested {
        tool: "Bash".into(),
        input: serde_json::json!({"command": "npm test && git commit -m x"}),
    };
    let test = Event::ToolRequested {
        tool: "Bash".into(),
        input: serde_json::json!({"command": "npm test"}),
    };
    let raw = std::fs::read_to_string("fixtures/hook-samples/PreToolUse.json").expect("sample");
    let mut group = c.benchmark_group("decide");
    group.bench_function("baseline: parse the hook event JSON", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&raw)))
    });
    group.bench_function("decide: gated git commit", |b| {
        b.iter(|| decide(&policy, black_box(&state), black_box(&commit)))
    });
    group.bench_function("decide: allowed npm test", |b| {
        b.iter(|| decide(&policy, black_box(&state), black_box(&test)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
