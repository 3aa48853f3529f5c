//! `decide` on the example backend policy — a gated `git commit`, an allowed test run, and a
//! 2 KB compound command (analysis and decision together) — against parsing the same hook
//! event's JSON as a baseline.

#![allow(clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;

use agentspec::compile::{self, Unit};
use agentspec::model::{AgentSpec, FileRole};
use agentspec::policy::decide::{Action, Actor, Event, SessionState, decide};
use criterion::{Criterion, criterion_group, criterion_main};

/// A compound command of about 2 KB: lists, pipelines, a subshell, a substitution, quoting,
/// wrappers and a `bash -c` string, ending in a commit.
fn compound_2kb() -> String {
    let part = "cd src && npm test -- --runInBand 2>&1 | tee -a /tmp/log.txt; \
                if [ -f package.json ]; then echo \"$(git rev-parse --short HEAD)\"; fi; \
                (env FOO=1 timeout 30 npx jest --ci 'tests/unit') || true; \
                grep -rn 'git commit' docs/ | head -n 5; ";
    let mut s = String::new();
    while s.len() < 2000 {
        s.push_str(part);
    }
    s.push_str("bash -c 'git -C . commit -m \"release\"'");
    s
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string("fixtures/backend.md").expect("fixture");
    let doc = agentspec::parse::parse(&text);
    let role = FileRole {
        plugin: false,
        markdown: true,
        ..Default::default()
    };
    let spec = AgentSpec::build_with(&doc, &text, role, &Default::default());
    let source = agentspec::source::SourceFile::new("fixtures/backend.md", text.clone());
    let unit = Unit {
        spec: &spec,
        source: &source,
        path: "backend.md".into(),
        skills: Vec::new(),
    };
    let policy = compile::compile_agent(&unit, &compile::Options::default());
    let actor = Actor::main(&policy);
    let state = SessionState::default();
    let shell = |command: &str| Event::ToolRequested {
        tool: "Bash".into(),
        action: Action::Shell {
            command: command.into(),
        },
        work: None,
        confined: false,
    };
    let long = compound_2kb();
    // How Claude Code writes a commit with a long message: a here-document in a substitution.
    let message = "Explain the change in detail. ".repeat(64);
    let heredoc = format!("git add -A && git commit -m \"$(cat <<'EOF'\n{message}\nEOF\n)\"");

    let raw = std::fs::read_to_string("fixtures/hook-samples/PreToolUse.json").expect("sample");
    let mut group = c.benchmark_group("decide");
    group.bench_function("baseline: parse the hook event JSON", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&raw)))
    });
    // Each iteration decides a command text not seen before (a comment appended), so that the
    // analysis' per-thread memo never answers and every figure includes the parse.
    let mut fresh = |name: &str, command: &str| {
        let mut n = 0u64;
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    n += 1;
                    shell(&format!("{command} #{n}"))
                },
                |event| decide(&actor, black_box(&state), black_box(&event)),
                criterion::BatchSize::SmallInput,
            )
        });
    };
    fresh("decide: gated git commit", "npm test && git commit -m x");
    fresh("decide: allowed npm test", "npm test");
    fresh("decide: 2 KB compound command (analysis + decision)", &long);
    fresh("decide: 2 KB commit message in a here-document", &heredoc);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
