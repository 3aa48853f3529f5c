#![no_main]
//! Arbitrary bytes as one hook input to a fresh session of the backend agent (the main agent):
//! nothing may panic, and before any approval no Bash command whose analysis shows a commit or
//! push is allowed.

use std::path::PathBuf;
use std::sync::LazyLock;

use agentspec::compile::{self, Unit};
use agentspec::model::{AgentSpec, FileRole};
use agentspec::policy::shell;
use agentspec::runner::{HookOptions, handle_hook};
use libfuzzer_sys::fuzz_target;

/// A bundle built once from the backend example, in a folder kept for the whole run.
static BUNDLE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temporary folder");
    let spec_text = include_str!("../../fixtures/backend.md");
    let doc = agentspec::parse::parse(spec_text);
    let role = FileRole {
        plugin: false,
        markdown: true,
    };
    let spec = AgentSpec::build_with(&doc, spec_text, role, &Default::default());
    let source = agentspec::source::SourceFile::new("backend.md", spec_text.to_owned());
    let unit = Unit {
        spec: &spec,
        source: &source,
        path: "backend.md".into(),
    };
    let built = compile::build(&[unit], &compile::Options::default());
    let bundle = dir.path().join("bundle");
    compile::write_atomically(&bundle, &built).expect("bundle written");
    (dir, bundle)
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let state = tempfile::tempdir().expect("temporary folder");
    let options = HookOptions {
        bundle: BUNDLE.1.clone(),
        state_dir: state.path().to_path_buf(),
        main_agent: Some("backend".to_owned()),
        confined: false,
    };
    let Ok(reply) = handle_hook(text, &options) else {
        // An error is answered with exit 2: blocked.
        return;
    };
    let Ok(input) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let governed = input.get("agent_id").is_none()
        && input
            .get("agent_type")
            .is_none_or(|t| t.as_str() == Some("backend"));
    let command = input
        .pointer("/tool_input/command")
        .and_then(serde_json::Value::as_str);
    if input
        .get("hook_event_name")
        .and_then(serde_json::Value::as_str)
        == Some("PreToolUse")
        && input.get("tool_name").and_then(serde_json::Value::as_str) == Some("Bash")
        && governed
        && let Some(command) = command
    {
        let allowed = reply.exit_code == 0 && !reply.stdout.contains("\"deny\"");
        assert!(
            !(allowed && !shell::analyze(command).git_operations().is_empty()),
            "a commit or push allowed in a fresh session: {text}"
        );
    }
});
