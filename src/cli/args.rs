//! The command line's arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "agentspec",
    version,
    about = "Lint, compile and enforce Markdown agent definitions"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check agent files and report problems.
    Check(CheckArgs),
    /// List the rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Show what agentspec understood of one agent file: frontmatter, effective tools,
    /// protocol steps, Definition of Done and how the runner checks each item; or, given a
    /// built bundle's folder, each agent's items as compiled.
    Inspect {
        /// An agent file, a folder of them, or a bundle folder (with `manifest.json`).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Use this configuration file instead of the nearest `agentspec.toml`.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The Claude Code release whose grants to show (a version or a range such as
        /// `>=2.1.328`; the newest of a range is shown). Default: as `check` chooses.
        #[arg(long, value_name = "VERSION", value_parser = crate::release::Target::parse)]
        claude_code: Option<crate::release::Target>,
    },
    /// Compile agents into a policy bundle (manifest, one policy per agent, and a Claude Code
    /// settings fragment with the runner's hooks).
    Build(BuildArgs),
    /// Enforce a bundle.
    Run {
        #[command(subcommand)]
        command: RunCommand,
    },
    /// Install the bundle's hooks into Claude Code's settings.
    Hooks {
        #[command(subcommand)]
        command: HooksCommand,
    },
    /// Check that the installed hooks can enforce: binary, bundle and settings file (Codex:
    /// the hooks file, its trust, the project's trust and sandbox).
    Doctor {
        /// The settings file to check (Claude Code).
        #[arg(long, default_value = ".claude/settings.json")]
        settings: PathBuf,
        /// The host whose installation to check.
        #[arg(long, value_enum, default_value_t = HostName::ClaudeCode)]
        host: HostName,
        /// The project (Codex; default: the current directory).
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Codex's home folder (default: `CODEX_HOME`, else `~/.codex`).
        #[arg(long)]
        codex_home: Option<PathBuf>,
    },
    /// Print a JSON Schema: bundle, config, frontmatter, inspect, event or decision.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        name: SchemaName,
    },
    /// Run the language server on stdin/stdout (diagnostics, quick fixes, hover, completion,
    /// document symbols).
    Lsp,
    /// Start using agentspec in the current directory: write a commented `agentspec.toml`
    /// with every option, and with `--hooks` build the bundle and install the runner's hooks.
    Init {
        /// Also build the bundle (`.agentspec/bundle`) and install its hooks into
        /// `.claude/settings.json`.
        #[arg(long)]
        hooks: bool,
        /// The agent whose policy governs the main Claude Code session (implies `--hooks`);
        /// without it, only the subagents the bundle names are governed. On a terminal,
        /// `--hooks` asks for it when the bundle has several agents.
        #[arg(long, value_name = "NAME")]
        main_agent: Option<String>,
    },
    /// Print a shell completion script: `agentspec completions bash > ~/.local/share/bash-completion/completions/agentspec`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print one rule's documentation.
    Explain {
        /// A rule code (`AS101`) or name (`unknown-key`).
        rule: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum RunCommand {
    /// The host's hook: one event on stdin, the host's answer on stdout. Fails closed: any
    /// error exits 2 with the reason on stderr.
    Hook {
        /// The host that runs the hook.
        #[arg(long, value_enum, default_value_t = HostName::ClaudeCode)]
        host: HostName,
        /// The policy bundle's folder (`agentspec build`'s output).
        #[arg(long)]
        bundle: PathBuf,
        /// Where session state and the audit log live (default: `$XDG_STATE_HOME/agentspec/<hash>`,
        /// outside the project).
        #[arg(long)]
        state_dir: Option<PathBuf>,
        /// The agent whose policy governs the main session.
        #[arg(long)]
        main_agent: Option<String>,
        /// The agent's commands run confined (written by `hooks install`): without the
        /// confinement in the install record and in the settings, every action is blocked.
        #[arg(long)]
        confined: bool,
    },
    /// Replay a recorded session (the runner's audit log, captured hook events, or a Claude
    /// Code transcript) and report every violation; exit 1 if any.
    Replay {
        /// The policy bundle's folder to replay the recording against.
        #[arg(long, required_unless_present = "verify")]
        bundle: Option<PathBuf>,
        /// Check the audit log's hash chain and its recorded end instead of replaying: exit 1
        /// when a line was removed, changed or moved, or the end was cut off.
        #[arg(long)]
        verify: bool,
        /// The agent whose policy applies when the recording does not name one.
        #[arg(long)]
        agent: Option<String>,
        /// The recording: the runner's audit log, captured hook events, or a Claude Code
        /// transcript.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// The git hooks' backstop (installed by `hooks install` through the settings' `env`):
    /// refuses a commit or push the session has not approved, then runs the repository's own
    /// hook. Fails closed: any error exits 1, which makes git abort.
    #[command(name = "git-hook")]
    GitHook {
        /// The policy bundle's folder (`agentspec build`'s output).
        #[arg(long)]
        bundle: PathBuf,
        /// Where session state and the audit log live (as `run hook` was given it).
        #[arg(long)]
        state_dir: PathBuf,
        /// The agent whose policy governs the main session.
        #[arg(long)]
        main_agent: Option<String>,
        /// The hook's name (`pre-commit`, `pre-push`, `reference-transaction`, ...).
        name: String,
        /// The arguments git gave the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Line-delimited JSON events on stdin, one JSON decision per line on stdout.
    Events {
        /// The policy bundle's folder (`agentspec build`'s output).
        #[arg(long)]
        bundle: PathBuf,
    },
    /// Handle one task end to end with Claude Code or Codex, enforced by the bundle; asks the
    /// person at the terminal when the agent stops for approval.
    ///
    /// Prints a report with each Definition-of-Done item, met or not, and its evidence.
    /// Exit codes: 0 the Definition of Done is met; 1 items are unmet; 2 agentspec or Claude
    /// Code failed; 3 the agent asked for approval and got no answer; 4 the agent's last
    /// action was denied and it did nothing after it.
    Task {
        /// The policy bundle's folder (`agentspec build`'s output).
        #[arg(long)]
        bundle: PathBuf,
        /// The agent that handles the task: its name in the bundle.
        #[arg(long)]
        agent: String,
        /// Answer `yes` to every approval request without asking.
        #[arg(long)]
        approve: bool,
        /// The host that runs the agent. Codex: the hooks are installed into the project as
        /// `hooks install --host codex --main-agent AGENT` does, and the agent's text becomes
        /// the session's developer instructions.
        #[arg(long, value_enum, default_value_t = HostName::ClaudeCode)]
        host: HostName,
        /// The Claude Code binary.
        #[arg(long, default_value = "claude")]
        claude: PathBuf,
        /// The Codex binary.
        #[arg(long, default_value = "codex")]
        codex: PathBuf,
        /// Approval rounds before giving up.
        #[arg(long, default_value_t = 5)]
        max_rounds: u32,
        /// The task, as the person would type it to the agent.
        prompt: String,
        /// Extra arguments for the host, after `--`.
        #[arg(last = true)]
        host_args: Vec<String>,
    },
}

/// A coding agent host agentspec enforces through.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub(crate) enum HostName {
    /// Anthropic's Claude Code.
    ClaudeCode,
    /// OpenAI's Codex CLI.
    Codex,
}

#[derive(Subcommand)]
pub(crate) enum HooksCommand {
    /// Merge the bundle's hooks and permissions.deny rules into a settings file.
    Install(InstallArgs),
}

#[derive(clap::Args)]
pub(crate) struct InstallArgs {
    /// The policy bundle's folder (`agentspec build`'s output).
    #[arg(long, default_value = ".agentspec/bundle")]
    pub(crate) bundle: PathBuf,
    /// The settings file to install into (Claude Code).
    #[arg(long, default_value = ".claude/settings.json")]
    pub(crate) settings: PathBuf,
    /// The host to install for. Codex: the hooks go into the project's `.codex/hooks.json`,
    /// trusted in `CODEX_HOME/config.toml` with the project, and the project's
    /// `.codex/config.toml` asks for the `workspace-write` sandbox.
    #[arg(long, value_enum, default_value_t = HostName::ClaudeCode)]
    pub(crate) host: HostName,
    /// The project (Codex; default: the current directory).
    #[arg(long, default_value = ".")]
    pub(crate) project: PathBuf,
    /// Codex's home folder, whose `config.toml` records the trust (default: `CODEX_HOME`,
    /// else `~/.codex`).
    #[arg(long)]
    pub(crate) codex_home: Option<PathBuf>,
    /// The agentspec binary the hooks run, by absolute path or looked up on PATH now
    /// (default: this binary). The hooks never look it up on PATH themselves.
    #[arg(long)]
    pub(crate) binary: Option<String>,
    /// The agent whose policy governs the main session (events without `agent_type`).
    #[arg(long)]
    pub(crate) main_agent: Option<String>,
    /// Do not confine the agent's commands: the analysis-only mode, where the gates rest on
    /// reading each command and project code the agent runs can walk around them. Without
    /// this flag a bundle with a gate turns Claude Code's sandbox on (Linux: bubblewrap and
    /// socat), and the install stops where it cannot run.
    #[arg(long, conflicts_with = "sandbox")]
    pub(crate) no_sandbox: bool,
    /// Confine the agent's commands even when no agent has a gate.
    #[arg(long)]
    pub(crate) sandbox: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SchemaName {
    Bundle,
    Config,
    /// An agent's frontmatter.
    Frontmatter,
    /// A skill's frontmatter (`SKILL.md`).
    Skill,
    /// A slash command's frontmatter.
    Command,
    Inspect,
    Event,
    Decision,
}

#[derive(clap::Args)]
pub(crate) struct BuildArgs {
    /// Files or directories to build (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// The bundle directory.
    #[arg(short, long, default_value = ".agentspec/bundle")]
    pub(crate) output: PathBuf,
    /// Build the agents without errors even when other files have errors (still exits 1).
    #[arg(long)]
    pub(crate) keep_going: bool,
    /// Write nothing; exit 1 when the bundle on disk differs from what would be built.
    #[arg(long)]
    pub(crate) check: bool,
    /// Use this configuration file instead of the nearest `agentspec.toml`.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Ignore every `agentspec.toml`.
    #[arg(long, conflicts_with = "config")]
    pub(crate) isolated: bool,
    /// The Claude Code release(s) the bundle is for: which agents load and which tools the
    /// allowlist keeps follow it. Default: as `check` chooses.
    #[arg(long, value_name = "VERSION", value_parser = crate::release::Target::parse)]
    pub(crate) claude_code: Option<crate::release::Target>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    /// Each diagnostic with its source snippet, then a summary.
    Human,
    /// One line per diagnostic: `path:line:col: CODE [severity] message`.
    Concise,
    /// agentspec's JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// JUnit XML, one test suite per file.
    Junit,
    /// GitLab Code Quality report.
    Gitlab,
}

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, alias = "output-format")]
    pub(crate) format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub(crate) output_file: Option<PathBuf>,
    /// Print diagnostics, but no summary line and no fix report.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Print nothing; only the exit status tells.
    #[arg(short, long, conflicts_with = "quiet")]
    pub(crate) silent: bool,
    /// Print how many diagnostics each rule produced instead of the diagnostics.
    #[arg(long)]
    pub(crate) statistics: bool,
    /// Apply safe fixes, then report what remains.
    #[arg(long)]
    pub(crate) fix: bool,
    /// Apply unsafe fixes too (with `--fix` or `--diff`).
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is one.
    #[arg(long, conflicts_with = "fix")]
    pub(crate) diff: bool,
    /// Apply the discovery rules to files named on the command line too, so that Markdown
    /// files that are not agents are skipped (for pre-commit and other tools that pass every
    /// changed file).
    #[arg(long)]
    pub(crate) only_agent_files: bool,
    /// Use this configuration file instead of the nearest `agentspec.toml`.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Ignore every `agentspec.toml`.
    #[arg(long, conflicts_with = "config")]
    pub(crate) isolated: bool,
    /// The Claude Code release(s) to predict: a version (`2.1.328`) or a range (`>=2.1.328`);
    /// overrides `claude-code` in `agentspec.toml`. Default: the release of the `claude` on
    /// PATH, else the newest release agentspec measured.
    #[arg(long, value_name = "VERSION", value_parser = crate::release::Target::parse)]
    pub(crate) claude_code: Option<crate::release::Target>,
    /// Only these rules (codes, prefixes, names or categories; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) select: Option<Vec<String>>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
    /// Fail when there are more than this many warnings.
    #[arg(long)]
    pub(crate) max_warnings: Option<usize>,
    /// Fail on any warning.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Check the document on standard input as if it were at this path.
    #[arg(long)]
    pub(crate) stdin_filename: Option<PathBuf>,
    /// Never color the human output.
    #[arg(long)]
    pub(crate) no_color: bool,
    /// Neither read nor write the cache: check every file.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Keep the cache here (default: `AGENTSPEC_CACHE_DIR`, else `.agentspec_cache` next to
    /// `agentspec.toml`, else in the working directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every subcommand has help text: `--help` never shows an empty line
    /// where a flag's description belongs.
    #[test]
    fn every_argument_is_described() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_hide_set() || id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "agentspec", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
