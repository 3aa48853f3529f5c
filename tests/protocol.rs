//! Protocol and Definition-of-Done extraction, and `agentspec inspect`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::path::Path;

use agentspec::model::inspect::{Inspection, inspect};
use agentspec::model::protocol::{Comparison, StepKind, Vocabulary};
use agentspec::model::{AgentSpec, FileRole};
use assert_cmd::Command;

fn spec(text: &str) -> AgentSpec {
    let doc = agentspec::parse::parse(text);
    let role = FileRole {
        plugin: false,
        markdown: true,
        ..Default::default()
    };
    AgentSpec::build_with(&doc, text, role, &Vocabulary::default())
}

fn kinds(spec: &AgentSpec, i: usize) -> Vec<&'static str> {
    spec.protocols[i]
        .steps
        .iter()
        .map(|s| s.kind.as_str())
        .collect()
}

#[test]
fn backend_protocols_and_definition_of_done() {
    let text = std::fs::read_to_string("fixtures/backend.md").unwrap();
    let spec = spec(&text);
    assert_eq!(spec.protocols.len(), 2);
    // The short list in the role section.
    assert_eq!(
        kinds(&spec, 0),
        vec![
            "acknowledge",
            "implement",
            "stop",
            "await-approval",
            "commit"
        ]
    );
    // The full protocol at the end.
    let full = &spec.protocols[1];
    assert_eq!(full.title, "Task Execution Protocol");
    assert_eq!(
        kinds(&spec, 1),
        vec![
            "acknowledge",
            "implement",
            "test",
            "stop",
            "request-approval",
            "await-approval",
            "revise",
            "commit",
            "report"
        ]
    );
    assert_eq!(full.steps[5].token.as_deref(), Some("yes"));
    assert_eq!(full.steps[6].returns_to, Some(3));
    assert_eq!(
        full.steps.iter().map(|s| s.number).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    // The two lists agree on the order of the kinds they share.
    let order =
        |i: usize| -> Vec<StepKind> { spec.protocols[i].steps.iter().map(|s| s.kind).collect() };
    let (short, long) = (order(0), order(1));
    let positions: Vec<usize> = short
        .iter()
        .map(|k| long.iter().position(|l| l == k).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    assert_eq!(spec.done.len(), 1);
    let done = &spec.done[0];
    let groups: Vec<&str> = done
        .groups
        .iter()
        .map(|g| g.name.as_deref().unwrap())
        .collect();
    assert_eq!(
        groups,
        vec![
            "Implementation",
            "Testing",
            "Security",
            "Performance",
            "Documentation",
            "Deployment",
            "Handoff"
        ]
    );
    let counts: Vec<usize> = done.groups.iter().map(|g| g.items.len()).collect();
    assert_eq!(counts, vec![5, 5, 6, 6, 6, 6, 5]);
    let testing = &done.groups[1];
    let coverage = &testing.items[0].thresholds[0];
    assert_eq!(
        (
            coverage.metric.as_deref(),
            coverage.comparison,
            coverage.value,
            coverage.unit.as_deref()
        ),
        (Some("coverage"), Comparison::Gt, 90.0, Some("%"))
    );
    let p95 = &done.groups[3].items[0].thresholds[0];
    assert_eq!(
        (
            p95.metric.as_deref(),
            p95.comparison,
            p95.value,
            p95.unit.as_deref()
        ),
        (Some("p95"), Comparison::Lt, 100.0, Some("ms"))
    );
}

#[test]
fn inspect_json_for_backend_matches_the_snapshot_and_the_schema() {
    let out = Command::cargo_bin("agentspec")
        .unwrap()
        .args(["inspect", "fixtures/backend.md", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!("inspect_backend", value);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/inspect.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn inspect_human() {
    let out = Command::cargo_bin("agentspec")
        .unwrap()
        .args(["inspect", "fixtures/backend.md"])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "inspect_backend_human",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn nested_lists_numbered_headings_and_crlf() {
    let text = "---\r\nname: a\r\ndescription: d\r\n---\r\n## Workflow\r\n\r\n### Step 1: Plan the change\r\nThink.\r\n\r\n### Step 2: Implement it\r\nCode.\r\n\r\n### Step 3: Run the tests\r\n\r\n## Protocol\r\n1. **Implement**\r\n   - write code\r\n   - write tests\r\n2. **Commit**\r\n";
    let spec = spec(text);
    assert_eq!(spec.protocols.len(), 2);
    assert_eq!(kinds(&spec, 0), vec!["plan", "implement", "test"]);
    assert_eq!(spec.protocols[0].steps[0].lead, "Plan the change");
    assert_eq!(kinds(&spec, 1), vec!["implement", "commit"]);
    assert_eq!(
        spec.protocols[1].steps[0].nested,
        vec!["write code", "write tests"]
    );
    let step = &spec.protocols[1].steps[0];
    assert!(text[step.span.start..].starts_with("1. **Implement**"));
}

#[test]
fn mojibake_damaged_checkmarks_count_as_checkmarks() {
    let text = "---\nname: a\ndescription: d\n---\n## Done criteria\n\nâœ… Tests pass\nâœ… Lint clean\n\n**Docs**\n- [x] README\n- [ ] Changelog\n";
    let spec = spec(text);
    let groups = &spec.done[0].groups;
    assert_eq!(groups[0].name, None);
    let items: Vec<&str> = groups[0].items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(items, vec!["Tests pass", "Lint clean"]);
    assert_eq!(groups[1].name.as_deref(), Some("Docs"));
    let boxes: Vec<Option<bool>> = groups[1].items.iter().map(|i| i.checked).collect();
    assert_eq!(boxes, vec![Some(true), Some(false)]);
}

#[test]
fn annotations_win_over_the_lexicon_and_config_extends_it() {
    let text = "---\nname: a\ndescription: d\n---\n## Protocol\n1. Implement\n<!-- agentspec: step=await-approval token=ship-it -->\n2. Commit when the lead agrees\n3. Push the branch\n";
    let doc = agentspec::parse::parse(text);
    let role = FileRole {
        plugin: false,
        markdown: true,
        ..Default::default()
    };
    let vocab = Vocabulary::new(
        Vec::new(),
        Vec::new(),
        vec![(StepKind::Commit, "push the branch".into())],
    );
    let spec = AgentSpec::build_with(&doc, text, role, &vocab);
    let steps = &spec.protocols[0].steps;
    assert_eq!(steps[1].kind, StepKind::AwaitApproval);
    assert_eq!(steps[1].token.as_deref(), Some("ship-it"));
    assert_eq!(steps[2].kind, StepKind::Commit);
}

#[test]
fn inspection_has_effective_tools() {
    let text = "---\nname: a\ndescription: d\ntools: Read, Task, Bash(git commit:*), LS\ndisallowedTools: Bash(rm *)\n---\n";
    let i: Inspection = inspect("a.md", &spec(text), agentspec::release::newest());
    assert!(!i.tools.inherits_all);
    assert_eq!(i.tools.allowed, vec!["Read", "Agent"]);
    assert_eq!(i.tools.removed, vec!["Bash"]);
    assert_eq!(i.tools.unresolved, vec!["LS"]);
    assert!(Path::new("schemas/inspect.schema.json").is_file());
}

/// Gates compiled for an agent body (the gate `requires` ids).
fn gates(body: &str) -> Vec<String> {
    let text = format!("---\nname: a\ndescription: d\n---\n{body}");
    let spec = spec(&text);
    let source = agentspec::source::SourceFile::new("a.md", text.clone());
    let policy = agentspec::compile::compile_agent(
        &agentspec::compile::Unit {
            spec: &spec,
            source: &source,
            path: "a.md".into(),
            skills: Vec::new(),
        },
        &agentspec::compile::Options::default(),
    );
    policy
        .protocol
        .map(|p| p.gates.iter().map(|g| g.requires.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn no_gates_from_bare_words_or_protocols_that_never_ask() {
    // `async/await`, "consumer commit settings" and "Pre-commit Hooks" are not approval or
    // commit steps (all three gated agents of a real 413-agent repository).
    let false_gates = [
        "## Workflow\n\n1. Read the code\n2. Use async/await for every I/O call\n3. Configure consumer commit settings\n4. Report\n",
        "## Process\n\n1. **Plan** the change\n2. **Pre-commit Hooks**: set up lint hooks\n3. Wait for CI to finish\n",
        "## Team Protocol\n\n1. **Spawn** teammates\n2. **Shutdown** - send requests, wait for responses\n3. **Cleanup**\n",
        // An approval step but nothing to commit: no gate.
        "## Protocol\n\n1. Implement\n2. Ask for approval\n3. Wait for the user to reply \"yes\"\n4. Report\n",
        // A commit step but no approval.
        "## Protocol\n\n1. Implement\n2. Run the tests\n3. Commit the changes\n",
    ];
    for body in false_gates {
        assert_eq!(gates(body), Vec::<String>::new(), "{body}");
    }
    let asks = "## Task Protocol\n\n1. **Implement** the change\n2. **STOP** and ask for approval\n3. **WAIT** for user to reply \"yes\"\n4. **Commit**: commit with a descriptive message\n";
    assert_eq!(gates(asks), ["step-3"; 5]);
}

#[test]
fn worked_examples_are_not_protocols() {
    let in_section = "## Example workflow\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n";
    assert!(spec(in_section).protocols.is_empty());
    let in_tag = "## Protocol\n\nSee:\n\n<example>\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n\n</example>\n";
    assert!(spec(in_tag).protocols.is_empty());
    // An `<examples>` block closes at `</examples>`; a heading that only mentions examples
    // is not one; an unclosed `<example>` hides nothing.
    let after_examples = "## Protocol\n\n<examples>\nsee below\n</examples>\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n";
    assert_eq!(spec(after_examples).protocols.len(), 1);
    let mentions = "## Workflow (see examples below)\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n";
    assert_eq!(spec(mentions).protocols.len(), 1);
    let unclosed = "<example>\n\n## Protocol\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n";
    assert_eq!(spec(unclosed).protocols.len(), 1);
    // An `<example>` mentioned in running text opens no example block.
    let mentioned = "## Protocol\n\nWrite `<example>` blocks later.\n\n1. Implement\n2. Ask for approval\n3. Wait for approval\n4. Commit the changes\n\nLater: `</example>`\n";
    assert_eq!(
        kinds(&spec(mentioned), 0),
        ["implement", "request-approval", "await-approval", "commit"]
    );
}

fn done_shape(path: &str) -> Vec<(Option<String>, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    spec(&text)
        .done
        .iter()
        .flat_map(|d| d.groups.iter())
        .map(|g| {
            (
                g.name.clone(),
                g.items.iter().map(|i| i.text.clone()).collect(),
            )
        })
        .collect()
}

/// A Definition of Done comes from a section (or a lead-in) that says so; a product
/// template's acceptance criteria, a template in a code fence and a worked example are not
/// the agent's own.
#[test]
fn definitions_of_done_are_detected_where_they_are_meant() {
    assert!(done_shape("fixtures/done/prd-acceptance-criteria.md").is_empty());
    assert!(done_shape("fixtures/done/fenced-example.md").is_empty());
    assert_eq!(
        done_shape("fixtures/done/bold-line-criteria.md"),
        [
            (
                None,
                vec![
                    "Changelog lists every merged pull request".to_owned(),
                    "Version bumped in Cargo.toml".to_owned(),
                    "Release notes reviewed by a maintainer".to_owned(),
                    "Tag signed".to_owned(),
                    "CI green on the release branch".to_owned(),
                ]
            ),
            (
                Some("Docs".to_owned()),
                vec![
                    "Migration guide written".to_owned(),
                    "Examples compile".to_owned(),
                ]
            ),
            (
                Some("Security".to_owned()),
                vec![
                    "No secrets in the diff".to_owned(),
                    "Dependencies audited".to_owned(),
                ]
            ),
        ]
    );
    assert_eq!(
        done_shape("fixtures/done/lead-in.md"),
        [(
            None,
            vec![
                "No banned openers remain".to_owned(),
                "Reading level fits the audience".to_owned()
            ]
        )]
    );
    // The example agent: 7 groups, 39 items.
    let backend = done_shape("fixtures/backend.md");
    assert_eq!(backend.len(), 7);
    assert_eq!(backend.iter().map(|(_, i)| i.len()).sum::<usize>(), 39);
}

#[test]
fn a_lead_in_takes_the_list_after_it_and_prose_is_not_criteria() {
    let lead = "# Backend agent\n\nBefore marking a task complete:\n- [ ] Tests pass\n\n## Commit style\n- Use conventional commits\n";
    let done = spec(lead).done;
    assert_eq!(done.len(), 1);
    let items: Vec<&str> = done[0].groups[0]
        .items
        .iter()
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(items, ["Tests pass"]);
    let named = "You work.\n\n**Definition of Done:**\n- Tests pass\n- Docs updated\n";
    assert_eq!(spec(named).done[0].groups[0].items.len(), 2);
    let prose = "## Definition of Done\n### Tests\nRun the whole suite before you stop and make sure that\nnothing is skipped or marked as expected to fail.\n";
    assert!(
        spec(prose).done[0]
            .groups
            .iter()
            .all(|g| g.items.is_empty()),
        "{:?}",
        spec(prose).done
    );
    // A document titled "... Examples" is not a worked example.
    let titled = "# Code Examples Agent\n\n## Definition of Done\n- Tests pass\n";
    assert_eq!(spec(titled).done.len(), 1);
}
