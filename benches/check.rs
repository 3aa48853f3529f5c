//! Parse + check of one 25 KB agent file (the example backend agent, padded), against
//! pulldown-cmark alone over the same text as a baseline measured in the same run.

#![allow(clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::path::Path;

use agentspec::config::Config;
use agentspec::lint;
use criterion::{Criterion, criterion_group, criterion_main};

fn input() -> String {
    let mut text = std::fs::read_to_string("fixtures/backend.md").expect("fixtures/backend.md");
    let filler = "- Keep handlers small and tested; prefer explicit errors over panics.\n";
    while text.len() < 25 * 1024 {
        text.push_str(filler);
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = input();
    let config = Config::default();
    let path = Path::new(".claude/agents/backend.md");
    let mut group = c.benchmark_group("25KB agent");
    group.bench_function("baseline: pulldown-cmark events only", |b| {
        b.iter(|| pulldown_cmark::Parser::new(black_box(&text)).count())
    });
    group.bench_function("agentspec parse only", |b| {
        b.iter(|| agentspec::parse::parse(black_box(&text)))
    });
    group.bench_function("agentspec parse + check", |b| {
        b.iter(|| lint::check_text(path, black_box(&text), false, &config))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
