//! A new user's first hour: root causes instead of cascades, output a person reads, commands
//! that say what they did, and the first run (`init`, completions). Every test runs the real
//! binary.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::fs;
use std::path::Path;
use support::{agentspec, write};

use serde_json::Value;

/// Runs agentspec with `args` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    agentspec().args(args).current_dir(dir).output().unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The human output of `check` on the continued-description fixtures, every rule on: one
/// finding per file, the loading error first.
#[test]
fn a_continued_description_is_one_finding_per_file() {
    let out = agentspec()
        .args(["check", "--isolated", "fixtures/loader-continuation/agents"])
        .output()
        .unwrap();
    let text = stdout(&out);
    insta::assert_snapshot!("continued_descriptions_human", text);
    let json = agentspec()
        .args([
            "check",
            "--isolated",
            "--format",
            "json",
            "fixtures/loader-continuation/agents",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    for file in report["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let codes: Vec<&str> = file["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        if path.contains("/cont-") {
            assert_eq!(codes.len(), 1, "{path}: {codes:?}");
            assert!(
                codes[0] == "AS004" || codes[0] == "AS111",
                "{path}: {codes:?}"
            );
        }
    }
}

#[test]
fn the_unsafe_fix_keeps_every_line_of_the_description() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        fs::read_to_string("fixtures/loader-continuation/agents/cont-broken.md").unwrap();
    write(dir.path(), ".claude/agents/cont-broken.md", &original);
    // Safe fixes alone leave it: the fix changes what Claude Code does (the agent loads).
    agentspec()
        .args(["check", "--isolated", "--fix"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    agentspec()
        .args(["check", "--isolated", "--fix", "--unsafe-fixes"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let fixed = fs::read_to_string(dir.path().join(".claude/agents/cont-broken.md")).unwrap();
    insta::assert_snapshot!("continued_description_fixed", fixed);
    let out = run_in(
        dir.path(),
        &[
            "inspect",
            ".claude/agents/cont-broken.md",
            "--format",
            "json",
        ],
    );
    let inspection: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inspection["loads"], true);
    let description = inspection["frontmatter"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "description")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    // Every line the author wrote, in order.
    let start = original.find("description: ").unwrap() + "description: ".len();
    let end = original.find("\ntools:").unwrap();
    assert_eq!(
        description,
        format!("{}\n", &original[start..end].trim_end())
    );
}

/// An 8 KB description line: the snippet is cut around the span with `…`, and no output line
/// is wider than 200 columns when the output is not a terminal.
#[test]
fn long_lines_are_cut_around_the_span() {
    let out = agentspec()
        .args(["check", "--isolated", "fixtures/output/long-line.md"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 200, "a line of {widest} columns:\n{text}");
    assert!(text.contains('…'), "{text}");
    insta::assert_snapshot!("long_line_human", text);
}

#[test]
fn the_summary_counts_severities_and_fixes_with_plurals() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: Use when: asked\ntools: Read, KillShell, MultiEdit\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated"]);
    let text = stdout(&out);
    assert!(
        text.ends_with("Found 2 warnings and 1 info in 1 file, for Claude Code 2.1.332 (the newest measured).\n2 fixable with `--fix` (1 more with `--unsafe-fixes`).\n"),
        "{text}"
    );
    // Labels say what is wrong at the spot.
    assert!(
        text.contains("╰── an old name (fixable with --unsafe-fixes)"),
        "{text}"
    );
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated"]);
    assert_eq!(
        stdout(&out),
        "All checks passed: 1 file, for Claude Code 2.1.332 (the newest measured).\n"
    );
}

#[test]
fn an_unreadable_file_shows_no_empty_snippet() {
    let dir = tempfile::tempdir().unwrap();
    // A link to nothing: the path is there, its file cannot be read.
    std::os::unix::fs::symlink("gone.md", dir.path().join("dangling.md")).unwrap();
    let out = run_in(dir.path(), &["check", "--isolated", "dangling.md"]);
    let text = stdout(&out);
    assert!(text.contains("× dangling.md: "), "{text}");
    assert!(!text.contains('╭'), "{text}");
}

/// A path that is not there is a usage error, as clap reports one (exit 2, nothing on standard
/// output), not a file that "will not load".
#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    for args in [
        &["check", "--isolated", "nonexistent.md"][..],
        &["check", "--isolated", ".claude/agents", "typo/agents"][..],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "");
        let err = stderr(&out);
        assert!(err.starts_with("error: the path '"), "{err}");
        assert!(err.contains("does not exist"), "{err}");
        assert!(err.contains("Usage: agentspec check"), "{err}");
    }
}

/// Every argument of `run task` says what it is in `--help`.
#[test]
fn run_task_help_describes_every_argument() {
    let out = run_in(Path::new("."), &["run", "task", "--help"]);
    let text = stdout(&out);
    // The argument lists, after the usage line that names them too.
    let help = &text[text.find("\nArguments:").expect("arguments")..];
    for (arg, words) in [
        ("--bundle <BUNDLE>", "bundle's folder"),
        ("--agent <AGENT>", "handles the task"),
        ("<PROMPT>", "The task"),
    ] {
        let at = help.find(arg).unwrap_or_else(|| panic!("{arg} in {help}"));
        let description = help[at + arg.len()..].lines().nth(1).unwrap_or("");
        assert!(description.contains(words), "{arg}: {description:?}");
    }
}

#[test]
fn configuration_errors_point_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "agentspec.toml",
        "claude-code = \"2.1.332\"\n[rules]\nAS101 = \"off\"\n",
    );
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("agentspec.toml:2:2: unknown key `rules`"),
        "{err}"
    );
    assert!(err.contains(" 2 │ [rules]"), "{err}");
    assert!(!err.contains("at byte"), "{err}");
}

#[test]
fn inspect_a_directory_inspects_each_agent() {
    let out = agentspec()
        .args([
            "inspect",
            "fixtures/loader-continuation/agents",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
    // A directory with no agent files is refused with a hint.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes/readme.md", "# Notes\n");
    let out = run_in(dir.path(), &["inspect", "notes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no agent files under notes"));
}

#[test]
fn inspect_of_a_file_that_does_not_load_says_so_first() {
    let out = agentspec()
        .args([
            "inspect",
            "fixtures/loader-continuation/agents/cont-broken.md",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("  does not load:"), "{text}");
    assert!(
        text.contains("Tools\n  none: Claude Code does not load the agent\n"),
        "{text}"
    );
}

#[test]
fn build_check_tells_stale_from_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = "---\nname: good\ndescription: A good agent\ntools: Read\n---\nBody.\n";
    write(dir.path(), ".claude/agents/good.md", good);
    let build = |args: &[&str]| {
        agentspec()
            .arg("build")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert_eq!(build(&[]).status.code(), Some(0));
    let fresh = build(&["--check"]);
    assert_eq!(fresh.status.code(), Some(0));
    assert!(stderr(&fresh).contains("is up to date"));
    // Stale: exit 1, which agent.
    write(
        dir.path(),
        ".claude/agents/good.md",
        good.replace("tools: Read", "tools: Read, Grep"),
    );
    let stale = build(&["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        stderr(&stale).contains("the bundle is stale (agents: good)"),
        "{}",
        stderr(&stale)
    );
    // Errors: exit 1 with the errors, and never "up to date".
    assert_eq!(build(&[]).status.code(), Some(0));
    write(
        dir.path(),
        ".claude/agents/bad.md",
        "---\ndescription: no name\n---\n",
    );
    for args in [&["--check"][..], &["--check", "--keep-going"][..]] {
        let broken = build(args);
        let err = stderr(&broken);
        assert_eq!(broken.status.code(), Some(1), "{err}");
        assert!(err.contains("bad.md"), "{err}");
        assert!(!err.contains("is up to date"), "{err}");
    }
    assert!(
        stderr(&build(&["--check"])).contains("cannot check .agentspec/bundle against the agents")
    );
    assert!(
        stderr(&build(&["--check", "--keep-going"]))
            .contains("1 file with errors was left out of the comparison")
    );
}

/// A scratch git repository, and the binary run in it as `init` would be run: on `PATH`, with
/// its state and home in a folder of their own.
struct Project {
    dir: tempfile::TempDir,
    state: tempfile::TempDir,
    path: String,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let bin = assert_cmd::cargo::cargo_bin("agentspec");
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        std::process::Command::new("git")
            .args(["init", "-q", "."])
            .current_dir(dir.path())
            .status()
            .unwrap();
        Project {
            dir,
            state: tempfile::tempdir().unwrap(),
            path,
        }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        agentspec()
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", &self.path)
            .env("XDG_STATE_HOME", self.state.path())
            .env("HOME", self.state.path())
            .output()
            .unwrap()
    }
}

#[test]
fn init_then_check_build_and_doctor_pass() {
    let project = Project::new();
    let (dir, run) = (&project.dir, |args: &[&str]| project.run(args));
    let init = run(&["init", "--hooks"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let config = fs::read_to_string(dir.path().join("agentspec.toml")).unwrap();
    assert_eq!(config, agentspec::config::TEMPLATE);
    for args in [&["check"][..], &["build"][..], &["doctor"][..]] {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }
    // A second init leaves the configuration alone.
    fs::write(dir.path().join("agentspec.toml"), "select = [\"AS1\"]\n").unwrap();
    assert_eq!(run(&["init"]).status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.path().join("agentspec.toml")).unwrap(),
        "select = [\"AS1\"]\n"
    );
}

/// `init --main-agent NAME` installs hooks that govern the main session with NAME's policy;
/// `init --hooks` without it, with several agents and no terminal to ask, says that the main
/// session is not governed and how to choose its agent.
#[test]
fn init_governs_the_main_session_when_told_which_agent() {
    let project = Project::new();
    let (dir, run) = (&project.dir, |args: &[&str]| project.run(args));
    for name in ["backend", "reviewer"] {
        write(
            dir.path(),
            &format!(".claude/agents/{name}.md"),
            format!(
                "---\nname: {name}\ndescription: The {name}\ntools: Read, Bash\n---\nDo the work.\n"
            ),
        );
    }
    let init = run(&["init", "--hooks"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let err = stderr(&init);
    assert!(
        err.contains("the main Claude Code session is not governed")
            && err.contains("`agentspec init --main-agent NAME`")
            && err.contains("backend, reviewer"),
        "{err}"
    );
    // The hooks' arguments, each as one line of words.
    let hook_args = || -> Vec<String> {
        let text = fs::read_to_string(dir.path().join(".claude/settings.json")).unwrap();
        let settings: Value = serde_json::from_str(&text).unwrap();
        let mut found = Vec::new();
        for groups in settings["hooks"].as_object().unwrap().values() {
            for group in groups.as_array().unwrap() {
                for hook in group["hooks"].as_array().unwrap() {
                    let words: Vec<&str> = hook["args"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    found.push(words.join(" "));
                }
            }
        }
        found
    };
    assert!(hook_args().iter().all(|a| !a.contains("--main-agent")));
    let init = run(&["init", "--main-agent", "backend"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let args = hook_args();
    assert!(
        !args.is_empty() && args.iter().all(|a| a.contains("--main-agent backend")),
        "{args:?}"
    );
    // A name the bundle lacks installs nothing new and says which names there are.
    let init = run(&["init", "--main-agent", "backnd"]);
    assert_ne!(init.status.code(), Some(0));
    assert!(
        stderr(&init).contains("did you mean `backend`?"),
        "{}",
        stderr(&init)
    );
}

/// Every option of the template, uncommented, is a valid configuration: the template cannot
/// name an option that does not exist.
#[test]
fn the_init_template_names_only_real_options() {
    let uncommented: String = agentspec::config::TEMPLATE
        .lines()
        .map(|l| {
            let body = l.strip_prefix("# ").unwrap_or(l);
            let option = body.starts_with('[')
                || body
                    .split_once(" = ")
                    .is_some_and(|(k, _)| !k.contains(' ') && !k.is_empty());
            if option { body } else { "" }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config = agentspec::config::Config::parse(
        &uncommented,
        Path::new("agentspec.toml"),
        std::path::PathBuf::from("."),
    );
    assert!(config.is_ok(), "{:?}\n{uncommented}", config.err());
    let schema: Value =
        serde_json::from_str(&agentspec::schemas::schema_json("config").unwrap()).unwrap();
    for key in schema["properties"].as_object().unwrap().keys() {
        assert!(
            agentspec::config::TEMPLATE.contains(&format!("{key} = "))
                || agentspec::config::TEMPLATE.contains(&format!("[{key}]"))
                || agentspec::config::TEMPLATE.contains(&format!("[[{key}]]")),
            "the template lacks `{key}`"
        );
    }
}

#[test]
fn completions_for_three_shells() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef agentspec"),
        ("fish", "complete -c agentspec"),
    ] {
        let out = agentspec().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}");
        assert!(
            script.contains("inspect") && script.contains("check"),
            "{shell}"
        );
    }
    // The bash script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agentspec.bash");
    fs::write(
        &file,
        stdout(&agentspec().args(["completions", "bash"]).output().unwrap()),
    )
    .unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Review findings: a suppression comment whose finding is held back behind AS004 is not
/// "unused" (and `--fix` does not delete it); encoding findings and AS108 are never held back.
#[test]
fn held_back_findings_still_count_for_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nname: x\ndescription: ok\n# agentspec-disable-next-line AS201\ntools: Read, Bogus\nmodel: \"a\" b\n---\nBody.\n";
    write(dir.path(), ".claude/agents/x.md", text);
    let out = run_in(dir.path(), &["check", "--isolated", "--format", "concise"]);
    let report = stdout(&out);
    assert!(report.contains("AS004"), "{report}");
    assert!(!report.contains("AS901"), "{report}");
    agentspec()
        .args(["check", "--isolated", "--fix"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    assert_eq!(
        fs::read_to_string(dir.path().join(".claude/agents/x.md")).unwrap(),
        text
    );
    write(
        dir.path(),
        ".claude/agents/x.md",
        "---\nname: r\ndescription: \"Reviews cafÃ© code---fast\"\ntools: Read\n---\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated", "--format", "concise"]);
    let report = stdout(&out);
    assert!(report.contains("AS108"), "{report}");
}

/// A legacy name in `disallowedTools` is not renamed: that would take its replacement away. (In
/// `tools`, the first `MultiEdit` becomes `Edit`, and the repeated one, now next to `Edit`,
/// goes.)
#[test]
fn legacy_names_in_disallowed_tools_are_not_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nname: x\ndescription: ok\ntools: Read, MultiEdit, MultiEdit\ndisallowedTools: MultiEdit\n---\nBody.\n";
    write(dir.path(), ".claude/agents/x.md", text);
    run_in(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes"],
    );
    let fixed = fs::read_to_string(dir.path().join(".claude/agents/x.md")).unwrap();
    assert!(
        fixed.contains("tools: Read, Edit\ndisallowedTools: MultiEdit\n"),
        "{fixed}"
    );
}

#[test]
fn a_readme_in_a_project_agents_folder_is_documentation() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".claude/agents/README.md",
        "# Our agents\n\nOne file per agent.\n",
    );
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated"]);
    assert_eq!(
        stdout(&out),
        "All checks passed: 1 file, for Claude Code 2.1.332 (the newest measured).\n"
    );
    assert_eq!(out.status.code(), Some(0));
    // A README that opens as an agent is one.
    write(
        dir.path(),
        ".claude/agents/README.md",
        "---\nname: readme\ndescription: d\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated"]);
    assert_eq!(
        stdout(&out),
        "All checks passed: 2 files, for Claude Code 2.1.332 (the newest measured).\n"
    );
    // In a plugin's agents folder a README without frontmatter loads as an agent (measured):
    // it is reported.
    write(
        dir.path(),
        "plug/.claude-plugin/plugin.json",
        "{\"name\": \"plug\"}\n",
    );
    write(dir.path(), "plug/agents/README.md", "# Plugin agents\n");
    let out = run_in(dir.path(), &["check", "--isolated", "plug"]);
    assert!(stdout(&out).contains("AS001"), "{}", stdout(&out));
}

#[test]
fn folders_with_nothing_to_check_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    // The shapes of a repository that collects commands and skills to copy into `.claude/`:
    // commands with an agent's keys, a flat skill file, a skill folder.
    write(
        dir.path(),
        "commands/review.md",
        "---\ndescription: Review\ntools: Read\nargs: \"[file]\"\n---\nReview $ARGUMENTS.\n",
    );
    write(
        dir.path(),
        "skills/finance/budget.md",
        "---\nname: budget\ndescription: Plans a budget\n---\nBody.\n",
    );
    write(
        dir.path(),
        "skills/tax/SKILL.md",
        "---\nname: tax\ndescription: Files taxes\n---\nBody.\n",
    );
    write(dir.path(), "docs/guide.md", "# Guide\n");
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "commands",
            "skills",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "commands/review.md:3:1: AS751 [warning] a slash command does not read `tools`: Claude Code ignores it\n\
         commands/review.md:4:1: AS751 [warning] a slash command does not read `args`: Claude Code ignores it\n\
         skills/finance/budget.md:1:1: AS701 [error] Claude Code never loads this file as a skill: only a folder's `SKILL.md` is one\n"
    );
    // A folder with nothing agentspec checks is a usage error, never "All checks passed".
    let out = run_in(dir.path(), &["check", "--isolated", "docs"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("nothing to check in docs"), "{err}");
    assert!(err.contains("slash commands"), "{err}");
    // A folder that holds an agent is checked as before.
    write(
        dir.path(),
        "docs/agent.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check", "--isolated", "docs"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "All checks passed: 1 file, for Claude Code 2.1.332 (the newest measured).\n"
    );
}

#[test]
fn exclude_leaves_templates_out_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "agentspec.toml",
        "exclude = [\"templates\"]\nextend-exclude = [\".github/ISSUE_TEMPLATE/**\"]\n",
    );
    let broken = "---\nname: template\n---\nFill this in.\n";
    write(dir.path(), "templates/agent-template.md", broken);
    write(dir.path(), ".github/ISSUE_TEMPLATE/bug.md", broken);
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(
        stdout(&out),
        "All checks passed: 1 file, for Claude Code 2.1.332 (the newest measured).\n"
    );
    // Named on the command line, a file is checked all the same...
    let out = run_in(dir.path(), &["check", "templates/agent-template.md"]);
    assert!(stdout(&out).contains("AS007"), "{}", stdout(&out));
    // ...but not for pre-commit, which names every staged file.
    let out = run_in(
        dir.path(),
        &["check", "--only-agent-files", "templates/agent-template.md"],
    );
    assert!(!stdout(&out).contains("AS007"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(0));
    // A bad glob is a configuration error.
    write(dir.path(), "agentspec.toml", "exclude = [\"[\"]\n");
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid glob `[` in `exclude`"),
        "{}",
        stderr(&out)
    );
}

/// A repository in the shapes teams keep (`fixtures/repo-shapes`): a README in
/// `.claude/agents/`, an issue template and an agent template with `name:`, slash commands with
/// an agent's keys, a flat skill file beside a skill folder, a settings file whose hook runs a
/// script that is not there, and an MCP tool spelled two ways. The findings are the real
/// problems and nothing else.
#[test]
fn a_repository_of_every_shape_reports_its_real_problems_only() {
    let out = run_in(
        std::path::Path::new("fixtures/repo-shapes"),
        &["check", "--no-cache", "--format", "concise"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "\
.claude/agents/docs-lookup.md:4:14: AS805 [warning] `resolve_library_id` is written `resolve-library-id` elsewhere: `_` and `-` differ, and at most one is the server's tool
.claude/agents/docs-writer.md:4:21: AS805 [warning] `resolve-library-id` is written `resolve_library_id` elsewhere: `_` and `-` differ, and at most one is the server's tool
.claude/settings.json:4:38: AS801 [error] the hook runs `.claude/hooks/block-force-push.sh`, which is not in the project
commands/review.md:3:1: AS751 [warning] a slash command does not read `tools`: Claude Code ignores it
commands/review.md:4:1: AS751 [warning] a slash command does not read `args`: Claude Code ignores it
skills/finance/budget.md:1:1: AS701 [error] Claude Code never loads this file as a skill: only a folder's `SKILL.md` is one
"
    );
}

/// Discovery goes by where Claude Code reads: a documentation site's `skills/` and `commands/`
/// pages are not skills or commands, every file of `.claude/commands/` is a command whatever
/// its sub-folder is called, a `SKILL.md` inside a skill's folder is one of its files, and a
/// command's findings that depend on other files are not taken from the cache.
#[test]
fn files_are_what_the_host_makes_of_them_where_they_sit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "docs/skills/python.md",
        "---\ntitle: Python\ndescription: Our Python skills\n---\nText.\n",
    );
    write(
        d,
        "docs/commands/init.md",
        "---\ntitle: init\nsidebar_position: 2\ndescription: The init command\n---\nText.\n",
    );
    write(
        d,
        ".claude/commands/skills/list.md",
        "---\ndescription: List skills\n---\nList them.\n",
    );
    write(
        d,
        ".claude/skills/writer/SKILL.md",
        "---\nname: writer\ndescription: Writes skills\n---\nUse [the template](templates/SKILL.md).\n",
    );
    write(
        d,
        ".claude/skills/writer/templates/SKILL.md",
        "---\nname: {{name}}\ndescription: t\n---\n",
    );
    write(
        d,
        ".claude/commands/review.md",
        "---\ndescription: Review\n---\nReview @src/api.ts now.\n",
    );
    write(d, "src/api.ts", "export {};\n");
    let kinds = |out: &std::process::Output| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["kind"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let cache = d.join("cache");
    let cache = cache.to_str().unwrap();
    let out = run_in(
        d,
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--cache-dir",
            cache,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        kinds(&out),
        [
            (
                ".claude/commands/review.md".to_owned(),
                "claude-command".to_owned()
            ),
            (
                ".claude/commands/skills/list.md".to_owned(),
                "claude-command".to_owned()
            ),
            (
                ".claude/skills/writer/SKILL.md".to_owned(),
                "claude-skill".to_owned()
            ),
        ]
    );
    std::fs::remove_file(d.join("src/api.ts")).unwrap();
    let cached = run_in(
        d,
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "--cache-dir",
            cache,
        ],
    );
    assert_eq!(
        stdout(&cached),
        ".claude/commands/review.md:4:9: AS754 [warning] `src/api.ts` is not a file of the project\n"
    );
}

/// A finding that many files share (`fixtures/repeated`: 40 agents with the same two unknown
/// keys) is shown for its first three files in the human output, then said once with how to
/// list the rest and how to silence it; JSON still lists every finding.
#[test]
fn repeated_findings_are_said_once_in_the_human_output() {
    let dir = Path::new("fixtures/repeated");
    let out = run_in(dir, &["check", "--isolated", "--no-cache"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    insta::assert_snapshot!("repeated_findings_human", text);
    assert_eq!(
        text.matches("… and 37 more files with this finding")
            .count(),
        2
    );
    assert!(text.contains("`[known] keys = [\"category\"]`"), "{text}");
    let out = run_in(
        dir,
        &["check", "--isolated", "--no-cache", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: usize = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["diagnostics"].as_array().unwrap().len())
        .sum();
    assert_eq!(findings, 81);
    // Concise lists them all, as the note says.
    let out = run_in(
        dir,
        &[
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "AS101",
            "--format",
            "concise",
        ],
    );
    assert_eq!(stdout(&out).lines().count(), 81);
}
