#![no_main]
//! Parse and check arbitrary bytes as an agent file, in and out of a plugin, and apply every
//! safe fix: nothing may panic, and every span must lie on character boundaries.

use std::path::Path;

use agentspec::config::Config;
use agentspec::diagnostics::{apply_edits, fix_edits};
use agentspec::lint::{self, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = Config::default();
    for plugin in [false, true] {
        let inputs = vec![Input {
            path: Path::new(".claude/agents/fuzz.md").to_path_buf(),
            content: Ok(data.to_vec()),
            plugin,
            tree: None,
        }];
        for report in lint::check_inputs(inputs, &config) {
            let text = &report.source.text;
            for d in &report.diagnostics {
                assert!(d.span.start <= d.span.end && d.span.end <= text.len().max(3));
                let _ = report.line_col(d.span.end);
            }
            let edits = fix_edits(&report.diagnostics, true);
            let fixed = apply_edits(text, &edits);
            let _ = lint::check_text(Path::new("a.md"), &fixed, plugin, &config);
        }
    }
});
