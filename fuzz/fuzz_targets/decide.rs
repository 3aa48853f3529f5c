#![no_main]
//! Arbitrary command text through the shell analysis into `decide`, for the backend agent
//! before any approval, confined and not: nothing may panic, no command whose analysis shows a
//! commit or a push may be allowed, and unconfined no command the analysis cannot see into.

use std::sync::LazyLock;

use agentspec::compile;
use agentspec::policy::AgentPolicy;
use agentspec::policy::decide::{Action, Actor, Decision, Event, SessionState, WorkTree, decide};
use agentspec::policy::shell;
use libfuzzer_sys::fuzz_target;

static POLICY: LazyLock<AgentPolicy> = LazyLock::new(|| {
    compile::compile_markdown("backend.md", include_str!("../../fixtures/backend.md"))
});

fuzz_target!(|data: &[u8]| {
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    let analysis = shell::analyze(command);
    for confined in [false, true] {
        let event = Event::ToolRequested {
            tool: "Bash".into(),
            action: Action::Shell {
                command: command.to_owned(),
            },
            work: Some(WorkTree {
                head: Some("h0".into()),
                tree: "t0".into(),
                index_consistent: true,
            }),
            confined,
        };
        let (decision, _) = decide(&Actor::main(&POLICY), &SessionState::default(), &event);
        if decision == Decision::Allow {
            assert!(
                analysis.git_operations().is_empty(),
                "a commit or push allowed before approval: {command:?}"
            );
            // Confined, what the analysis cannot see into runs in the sandbox.
            assert!(
                confined || !analysis.is_opaque(),
                "an opaque command allowed before approval: {command:?}"
            );
        }
    }
});
