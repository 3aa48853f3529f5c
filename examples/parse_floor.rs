//! The floor under `agentspec check` on a tree: every Markdown file read and parsed by
//! pulldown-cmark alone (with the option agentspec uses), on the same thread pool size. Prints
//! the file count, the bytes and the wall time in milliseconds, as JSON.
//!
//! `cargo run --release --example parse_floor -- DIR...` (used by `scripts/bench-scale.sh`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn main() {
    let start = Instant::now();
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        walk(Path::new(&dir), &mut files);
    }
    let (bytes, events) = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let events =
                pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TASKLISTS)
                    .into_offset_iter()
                    .count();
            (text.len(), events)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{{\"files\": {}, \"bytes\": {bytes}, \"events\": {events}, \"ms\": {:.1}}}",
        files.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
}
