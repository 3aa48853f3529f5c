//! `agentspec hooks install` and `agentspec doctor`: merging the bundle's settings fragment into
//! a Claude Code settings file, and checking that what is installed can work.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::compile::SETTINGS_FILE;
use crate::policy::Bundle;

const MARKER: &str = "run hook --bundle";

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("invalid bundle: {0}")]
    Bundle(#[from] crate::policy::BundleError),
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error(
        "{path} is not a JSON object that Claude Code accepts; it was left untouched: {message}"
    )]
    Unparsable { path: PathBuf, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("{0}")]
    MainAgent(String),
    #[error(
        "{0}; without it project code the agent runs can walk around the gates. Install it, or pass --no-sandbox for the analysis-only mode"
    )]
    NoSandbox(String),
}

pub(crate) fn read_json(path: &Path) -> Result<Option<Value>, InstallError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str::<Value>(&text)
            .map_err(|e| InstallError::Unparsable {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
            .and_then(|v| {
                if v.is_object() {
                    Ok(Some(v))
                } else {
                    Err(InstallError::Unparsable {
                        path: path.to_path_buf(),
                        message: "the top level is not an object".to_owned(),
                    })
                }
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(InstallError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

fn is_ours(group: &Value) -> bool {
    group
        .get("hooks")
        .and_then(Value::as_array)
        .is_some_and(|hooks| hooks.iter().any(is_our_hook))
}

/// An agentspec hook entry: `run hook --bundle` in its command (the shell form of earlier
/// installs) or its arguments.
fn is_our_hook(hook: &Value) -> bool {
    hook.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains(MARKER))
        || hook_args(hook)
            .windows(3)
            .any(|w| w[0] == "run" && w[1] == "hook" && w[2] == "--bundle")
}

fn hook_args(hook: &Value) -> Vec<&str> {
    hook.get("args")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// How an installed hook runs agentspec: the binary by its absolute path, spawned directly
/// with its arguments (Claude Code's exec form: no shell, no `PATH` lookup, so nothing the
/// agent puts earlier on `PATH` answers the hook), and `onFailure: "block"`, so that a binary
/// that is missing, crashes, hangs past the timeout or exits with another code than 0 or 2
/// blocks the action instead of letting it through (measured with 2.1.328 and 2.1.332).
#[derive(Debug, Clone)]
pub struct HookInvocation {
    pub binary: PathBuf,
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
    pub main_agent: Option<String>,
    /// The agent's commands run confined: the hook fails closed without the recorded
    /// confinement.
    pub confined: bool,
}

impl HookInvocation {
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "run".to_owned(),
            "hook".to_owned(),
            "--bundle".to_owned(),
            self.bundle.display().to_string(),
            "--state-dir".to_owned(),
            self.state_dir.display().to_string(),
        ];
        if let Some(agent) = &self.main_agent {
            args.push("--main-agent".to_owned());
            args.push(agent.clone());
        }
        if self.confined {
            args.push("--confined".to_owned());
        }
        args
    }

    /// The hook entry of one event, with its timeout in seconds.
    pub fn entry(&self, timeout: u64) -> Value {
        json!({
            "type": "command",
            "command": self.binary.display().to_string(),
            "args": self.args(),
            "timeout": timeout,
            "onFailure": "block",
        })
    }
}

/// Seconds a PreToolUse hook may take: the runner makes approved commits and pushes itself
/// there, with the repository's own hooks (which can run a formatter or a test suite).
pub const PRE_TOOL_TIMEOUT: u64 = 300;

/// The `permissions.deny` rules that keep Claude Code's own file tools away from what
/// enforcement stands on, even when the hook does not run (absolute paths: `//` anchors a rule
/// at the file system's root).
pub fn protection_rules(project: &Path, bundle_abs: &Path, state_dir: &Path) -> Vec<String> {
    let project = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    let rule =
        |p: &Path, tree: bool| format!("Edit(/{}{})", p.display(), if tree { "/**" } else { "" });
    vec![
        rule(&project.join(".claude/settings.json"), false),
        rule(&project.join(".claude/settings.local.json"), false),
        rule(&project.join(".claude/agents"), true),
        rule(&project.join("agentspec.toml"), false),
        rule(&project.join(".git/hooks"), true),
        rule(&project.join(".git/config"), false),
        rule(bundle_abs, true),
        rule(state_dir, true),
    ]
}

/// Merges the bundle's hooks and `permissions.deny` rules (and `extra_deny`) into `settings`,
/// every agentspec hook entry replaced by `invocation`'s. Idempotent: earlier agentspec hooks
/// (in either form) are replaced.
pub fn merge(
    settings: &mut Map<String, Value>,
    fragment: &Value,
    invocation: &HookInvocation,
    extra_deny: &[String],
) {
    let mut deny: Vec<Value> = fragment
        .pointer("/permissions/deny")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    deny.extend(extra_deny.iter().cloned().map(Value::String));
    let permissions = settings
        .entry("permissions")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(p) = permissions.as_object_mut() {
        let existing = p.entry("deny").or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = existing.as_array_mut() {
            for rule in deny {
                if !list.contains(&rule) {
                    list.push(rule);
                }
            }
        }
    }
    if let Some(hooks) = fragment.get("hooks").and_then(Value::as_object) {
        let target = settings
            .entry("hooks")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(target) = target.as_object_mut() {
            for (event, groups) in hooks {
                let list = target
                    .entry(event.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Some(list) = list.as_array_mut() {
                    list.retain(|g| !is_ours(g));
                    for group in groups.as_array().into_iter().flatten() {
                        let mut group = group.clone();
                        if let Some(hs) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                            for h in hs.iter_mut().filter(|h| is_our_hook(h)) {
                                let fragment_timeout = h
                                    .get("timeout")
                                    .and_then(Value::as_u64)
                                    .unwrap_or(crate::compile::HOOK_TIMEOUT);
                                let timeout = if event == "PreToolUse" {
                                    fragment_timeout.max(PRE_TOOL_TIMEOUT)
                                } else {
                                    fragment_timeout
                                };
                                *h = invocation.entry(timeout);
                            }
                        }
                        list.push(group);
                    }
                }
            }
        }
    }
}

/// Whether the agent's commands run confined (`docs/enforcement.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxChoice {
    /// Confined when any agent of the bundle has a gate.
    Auto,
    /// Confined.
    On,
    /// The analysis-only mode: the command analysis is the wall, project code can walk
    /// around it.
    Off,
}

/// What an install does.
pub struct InstallOptions<'a> {
    pub bundle_dir: &'a Path,
    pub settings_path: &'a Path,
    /// The project; `None`: the folder that holds the settings file's `.claude/`.
    pub project: Option<&'a Path>,
    /// The agentspec binary the hooks run; `None`: this one.
    pub binary: Option<&'a str>,
    pub main_agent: Option<&'a str>,
    pub sandbox: SandboxChoice,
}

/// What `hooks install` did beyond writing the settings.
#[derive(Debug, Clone, Default)]
pub struct Installed {
    /// Where the runner keeps its state and audit log.
    pub state_dir: PathBuf,
    /// The binary the hooks run.
    pub binary: PathBuf,
    /// The agent's commands run confined.
    pub confined: bool,
    /// Problems that do not stop the install but would stop enforcement.
    pub warnings: Vec<String>,
}

/// Why the host's sandbox cannot confine commands on this machine, if it cannot.
pub fn sandbox_unavailable() -> Option<String> {
    if cfg!(target_os = "macos") {
        return None;
    }
    if !cfg!(target_os = "linux") {
        return Some(
            "Claude Code's sandbox does not run on this system (it needs Linux with bubblewrap or macOS)"
                .to_owned(),
        );
    }
    let missing: Vec<&str> = [("bwrap", "bubblewrap"), ("socat", "socat")]
        .iter()
        .filter(|(program, _)| crate::runner::confine::find_program(program).is_none())
        .map(|(_, package)| *package)
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "Claude Code's sandbox needs {} (`apt install bubblewrap socat`)",
            missing.join(" and ")
        ));
    }
    if crate::runner::confine::bubblewrap().is_none() {
        return Some(
            "bubblewrap cannot make a sandbox on this machine (user namespaces are not allowed)"
                .to_owned(),
        );
    }
    None
}

/// The absolute path of the binary the hooks run: `given` as a path, or looked up on `PATH`
/// now (once, at install: the hooks never look it up), or this executable.
pub(crate) fn resolve_binary(given: Option<&str>) -> Result<PathBuf, InstallError> {
    let found = match given {
        None => std::env::current_exe().ok(),
        Some(name) => crate::runner::confine::find_program(name),
    };
    let found = found.ok_or_else(|| InstallError::Read {
        path: PathBuf::from(given.unwrap_or("agentspec")),
        message: "not found; pass --binary with the absolute path of the agentspec binary"
            .to_owned(),
    })?;
    let abs = std::path::absolute(&found).unwrap_or(found);
    Ok(std::fs::canonicalize(&abs).unwrap_or(abs))
}

/// Refuses a main agent the bundle does not have, with the nearest name it has.
pub(crate) fn check_main_agent(
    bundle: &Bundle,
    main_agent: Option<&str>,
) -> Result<(), InstallError> {
    if let Some(agent) = main_agent
        && !bundle.agents.contains_key(agent)
    {
        let names: Vec<&str> = bundle.agents.keys().map(String::as_str).collect();
        let hint = crate::vocab::did_you_mean(agent, names.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(InstallError::MainAgent(format!(
            "the bundle has no agent `{agent}` (it has: {}){hint}",
            names.join(", ")
        )));
    }
    Ok(())
}

/// Whether any agent of the bundle has a gate.
pub(crate) fn gated(bundle: &Bundle) -> bool {
    bundle
        .agents
        .values()
        .any(|p| p.protocol.as_ref().is_some_and(|p| !p.gates.is_empty()))
}

/// A settings object with the bundle's hooks, the protection rules, the git hooks' `env` and
/// (when confined) the sandbox merged in; and the record to keep. Writes the git hooks into
/// the state folder.
pub struct Prepared {
    pub settings: Map<String, Value>,
    pub record: crate::runner::record::InstallRecord,
    pub installed: Installed,
}

/// Everything an install does but writing the settings file: shared by `hooks install` and
/// `run task`.
pub fn prepare(
    options: &InstallOptions,
    mut settings: Map<String, Value>,
) -> Result<Prepared, InstallError> {
    let bundle = Bundle::load(options.bundle_dir)?;
    check_main_agent(&bundle, options.main_agent)?;
    let confined = match options.sandbox {
        SandboxChoice::On => true,
        SandboxChoice::Off => false,
        SandboxChoice::Auto => gated(&bundle),
    };
    if confined && let Some(why) = sandbox_unavailable() {
        return Err(InstallError::NoSandbox(why));
    }
    let fragment_path = options.bundle_dir.join(SETTINGS_FILE);
    let fragment = read_json(&fragment_path)?.ok_or_else(|| InstallError::Read {
        path: fragment_path.clone(),
        message: "missing; rebuild the bundle".to_owned(),
    })?;
    let bundle_abs = std::fs::canonicalize(options.bundle_dir).map_err(|e| InstallError::Read {
        path: options.bundle_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let binary = resolve_binary(options.binary)?;
    let sha256 = crate::runner::record::file_sha256(&binary).map_err(|e| InstallError::Read {
        path: binary.clone(),
        message: e.to_string(),
    })?;
    let project = options
        .project
        .map_or_else(|| project_of(options.settings_path), Path::to_path_buf);
    let state_dir =
        crate::runner::default_state_dir(&bundle_abs).map_err(|e| InstallError::Write {
            path: bundle_abs.clone(),
            message: e.to_string(),
        })?;
    let invocation = HookInvocation {
        binary: binary.clone(),
        bundle: bundle_abs.clone(),
        state_dir: state_dir.clone(),
        main_agent: options.main_agent.map(str::to_owned),
        confined,
    };
    let protection = protection_rules(&project, &bundle_abs, &state_dir);
    merge(&mut settings, &fragment, &invocation, &protection);
    // The git-level backstop: hooks that ask the runner, with absolute paths, and git pointed
    // at them for every command Claude Code runs.
    let hooks = crate::runner::githooks::hooks_dir(&state_dir);
    crate::runner::create_state_dir(&state_dir).map_err(|e| InstallError::Write {
        path: state_dir.clone(),
        message: e.to_string(),
    })?;
    crate::runner::githooks::write_hooks(
        &hooks,
        &binary.display().to_string(),
        &bundle_abs,
        &state_dir,
        options.main_agent,
    )
    .map_err(|e| InstallError::Write {
        path: hooks.clone(),
        message: e.to_string(),
    })?;
    crate::runner::githooks::merge_env(&mut settings, &hooks);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let confinement = confined.then(|| {
        let path_dirs = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let has = |p: &str| crate::runner::confine::find_program(p).is_some();
        crate::runner::confine::Confinement::new(&crate::runner::confine::Inputs {
            project: &project,
            bundle: &bundle_abs,
            state_dir: &state_dir,
            binary: Some(&binary),
            host_dirs: super::HOST_DIRS,
            home: home.as_deref(),
            path_dirs,
            has_program: &has,
        })
    });
    let mut warnings = Vec::new();
    let mut confinement = confinement;
    if let Some(c) = confinement.as_mut() {
        // Scripts in the project that Claude Code's hooks run (outside the sandbox): the
        // agent's commands may not change them.
        let mut layers: Vec<Value> = vec![Value::Object(settings.clone())];
        for path in super::settings::settings_layers(&project, home.as_deref(), None) {
            if let Ok(Some(v)) = read_json(&path) {
                layers.push(v);
            }
        }
        let scripts = super::settings::hook_scripts(&layers, &c.project);
        for script in &scripts {
            if !c.read_only.contains(script) {
                c.read_only.push(script.clone());
            }
        }
        if !scripts.is_empty() {
            warnings.push(format!(
                "Claude Code's hooks run {} from the project, outside the sandbox: made read-only to the agent's commands",
                scripts
                    .iter()
                    .map(|s| s.strip_prefix(&c.project).unwrap_or(s).display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let Some(c) = &confinement {
        super::settings::merge_sandbox(&mut settings, c);
        c.prepare().map_err(|e| InstallError::Write {
            path: project.clone(),
            message: format!("cannot prepare git's files for the sandbox: {e}"),
        })?;
        if let Some(layout) = crate::runner::confine::GitLayout::discover(&project) {
            // What is in progress now is the user's, started before the agent could write.
            crate::runner::confine::record_in_progress(&state_dir, &layout).map_err(|e| {
                InstallError::Write {
                    path: state_dir.clone(),
                    message: e.to_string(),
                }
            })?;
        }
        if let Err(e) = super::settings::exclude_stand_ins(&project) {
            warnings.push(format!(
                "cannot keep the sandbox's stand-ins out of `git add -A` ({e})"
            ));
        }
    } else if gated(&bundle) {
        warnings.push(
            "analysis only (--no-sandbox): the gates rest on reading each command; project code the agent runs (`npm test`, `make`, a script) can walk around them".to_owned(),
        );
    }
    if options.main_agent.is_none() {
        warnings.push(
            "no --main-agent: only subagents the bundle names are governed; the main session is not".to_owned(),
        );
    }
    let record = crate::runner::record::InstallRecord {
        binary: binary.clone(),
        sha256,
        settings: std::path::absolute(options.settings_path)
            .unwrap_or_else(|_| options.settings_path.to_path_buf()),
        confinement,
    };
    crate::runner::record::write(&state_dir, &record).map_err(|e| InstallError::Write {
        path: state_dir.clone(),
        message: e.to_string(),
    })?;
    Ok(Prepared {
        settings,
        record,
        installed: Installed {
            state_dir,
            binary,
            confined,
            warnings,
        },
    })
}

/// Installs the bundle's hooks into the settings file at `settings_path` (project: the folder
/// that holds `.claude/`). Refuses a main agent the bundle does not have, and a gated bundle
/// where the sandbox cannot run (unless the sandbox is off).
pub fn install(options: &InstallOptions) -> Result<Installed, InstallError> {
    let settings = read_json(options.settings_path)?
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let prepared = prepare(options, settings)?;
    let text =
        serde_json::to_string_pretty(&Value::Object(prepared.settings)).unwrap_or_default() + "\n";
    let write_err = |e: std::io::Error| InstallError::Write {
        path: options.settings_path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(crate::fsutil::parent_dir(options.settings_path)).map_err(write_err)?;
    crate::fsutil::write_atomic(
        options.settings_path,
        text.as_bytes(),
        crate::fsutil::Durability::Synced,
    )
    .map_err(write_err)?;
    Ok(prepared.installed)
}

/// The project a settings file belongs to: the folder that holds its `.claude/`.
pub fn project_of(settings_path: &Path) -> PathBuf {
    let abs = std::path::absolute(settings_path).unwrap_or_else(|_| settings_path.to_path_buf());
    abs.parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// One finding of `agentspec doctor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub ok: bool,
    pub message: String,
}

fn on_path(binary: &str) -> bool {
    if binary.contains('/') {
        return Path::new(binary).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(binary).is_file()))
}

/// Checks what the hooks depend on, one finding per problem: the settings file as Claude Code
/// loads it, every agentspec hook's binary, bundle and main agent, the state directory, the
/// bundle against its agent files, and the git hooks.
pub fn doctor(
    settings_path: &Path,
    project: &Path,
    target: &crate::release::Target,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let fail = |message: String| Finding { ok: false, message };
    let settings = match read_json(settings_path) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return vec![fail(format!(
                "{} does not exist: no agentspec hooks are installed; run `agentspec hooks install`",
                settings_path.display()
            ))];
        }
        Err(e) => {
            return vec![fail(format!(
                "{e}; Claude Code skips an invalid settings file whole, so none of its hooks run"
            ))];
        }
    };
    out.push(Finding {
        ok: true,
        message: format!("{} is valid JSON", settings_path.display()),
    });
    let text = std::fs::read_to_string(settings_path).unwrap_or_default();
    let mut skipped = false;
    for d in crate::rules::loading::settings_skipped::check(&text, target) {
        skipped |= d.code == crate::rules::loading::settings_skipped::RULE.code;
        out.push(fail(format!(
            "{}: {}; {}",
            settings_path.display(),
            d.message,
            d.help.unwrap_or_default()
        )));
    }
    if skipped {
        return out;
    }
    let hooks = settings.get("hooks").and_then(Value::as_object);
    let mut entries: Vec<&Value> = Vec::new();
    let mut events: Vec<&str> = Vec::new();
    for (event, groups) in hooks.into_iter().flatten() {
        for hook in groups
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("hooks").and_then(Value::as_array))
            .flatten()
            .filter(|h| is_our_hook(h))
        {
            events.push(event.as_str());
            let same = |e: &&Value| {
                e.get("command") == hook.get("command") && e.get("args") == hook.get("args")
            };
            if !entries.iter().any(same) {
                entries.push(hook);
            }
        }
    }
    if entries.is_empty() {
        out.push(fail(
            "no agentspec hooks are installed; run `agentspec hooks install`".to_owned(),
        ));
        return out;
    }
    let missing: Vec<&str> = crate::compile::HOOK_EVENTS
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !events.contains(e))
        .collect();
    if !missing.is_empty() {
        out.push(fail(format!(
            "agentspec's hook is missing for {}; run `agentspec hooks install` again",
            missing.join(", ")
        )));
    }
    if entries.len() > 1 {
        out.push(fail(format!(
            "the agentspec hooks run {} different commands; run `agentspec hooks install` again",
            entries.len()
        )));
    }
    for entry in entries {
        out.extend(entry_findings(entry, project));
    }
    out.extend(git_hooks_findings(&settings));
    if out.iter().all(|f| f.ok) {
        out.push(Finding {
            ok: true,
            message: "the agentspec hooks can run: binary, bundle, main agent, state directory and confinement checked".to_owned(),
        });
    }
    out
}

/// The checks of one installed hook entry.
fn entry_findings(entry: &Value, project: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let fail = |message: String| Finding { ok: false, message };
    let args = hook_args(entry);
    let binary = entry.get("command").and_then(Value::as_str).unwrap_or("");
    if args.is_empty() {
        out.push(fail(format!(
            "the hook runs `{binary}` through a shell that looks agentspec up on PATH (an earlier install): run `agentspec hooks install` again"
        )));
        return out;
    }
    if entry.get("onFailure").and_then(Value::as_str) != Some("block") {
        out.push(fail(
            "the hook has no `onFailure: \"block\"`: a crash or a timeout would let the action through; run `agentspec hooks install` again".to_owned(),
        ));
    }
    if !Path::new(binary).is_absolute() {
        out.push(fail(format!(
            "the hook runs `{binary}`, not an absolute path; run `agentspec hooks install` again"
        )));
    } else if !Path::new(binary).is_file() {
        out.push(fail(format!(
            "the hook runs {binary}, which does not exist: every action is blocked; install agentspec there or run `agentspec hooks install` again"
        )));
    }
    let value = |name: &str| {
        args.iter()
            .position(|w| *w == name)
            .and_then(|i| args.get(i + 1))
            .map(|s| (*s).to_owned())
    };
    let Some(bundle) = value("--bundle") else {
        out.push(fail(
            "the hook runs agentspec without `--bundle`".to_owned(),
        ));
        return out;
    };
    let dir = PathBuf::from(&bundle);
    let loaded = match Bundle::load(&dir) {
        Ok(b) => b,
        Err(e) => {
            out.push(fail(format!(
                "the bundle {} cannot be used: {e}; run `agentspec build`",
                dir.display()
            )));
            return out;
        }
    };
    match value("--main-agent") {
        Some(agent) if !loaded.agents.contains_key(&agent) => {
            let names: Vec<&str> = loaded.agents.keys().map(String::as_str).collect();
            let hint = crate::vocab::did_you_mean(&agent, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            out.push(fail(format!(
                "the hook's main agent `{agent}` is not in the bundle{hint}: the main session is not governed; run `agentspec hooks install --main-agent NAME`"
            )));
        }
        Some(_) => {}
        None => out.push(Finding {
            ok: true,
            message:
                "no --main-agent: the main session is not governed, subagents the bundle names are"
                    .to_owned(),
        }),
    }
    // A file that is not there was built elsewhere (or removed): only a changed file says the
    // bundle is stale. The skills a policy was compiled from count as its sources.
    let changed = |path: &str, sha256: &str| {
        crate::fsutil::read_regular(&project.join(path))
            .is_ok_and(|bytes| crate::policy::sha256_hex(&bytes) != sha256)
    };
    let mut stale: Vec<String> = loaded
        .agents
        .values()
        .flat_map(|p| {
            std::iter::once((&p.source.path, &p.source.sha256))
                .chain(p.skills.iter().map(|k| (&k.path, &k.sha256)))
        })
        .filter(|(path, sha256)| changed(path, sha256))
        .map(|(path, _)| path.clone())
        .collect();
    stale.sort();
    stale.dedup();
    if !stale.is_empty() {
        out.push(fail(format!(
            "the bundle is older than {} (changed since it was built): run `agentspec build` (`agentspec build --check` in CI)",
            stale.join(", ")
        )));
    }
    let state = value("--state-dir")
        .map(PathBuf::from)
        .map_or_else(|| crate::runner::default_state_dir(&dir), Ok);
    let state = match state {
        Ok(state) => state,
        Err(e) => {
            out.push(fail(format!("no state directory: {e}")));
            return out;
        }
    };
    match std::fs::metadata(&state) {
        Ok(m) if m.is_dir() => out.push(Finding {
            ok: true,
            message: format!(
                "the runner's state and audit log are in {}",
                state.display()
            ),
        }),
        Ok(_) => out.push(fail(format!(
            "{} is not a directory: every hook fails; remove it",
            state.display()
        ))),
        Err(_) => out.push(fail(format!(
            "the state directory {} does not exist; run `agentspec hooks install` again",
            state.display()
        ))),
    }
    let record = match crate::runner::record::read(&state) {
        Ok(Some(r)) => r,
        Ok(None) => {
            out.push(fail(format!(
                "{} has no install record: every hook is blocked; run `agentspec hooks install` again",
                state.display()
            )));
            return out;
        }
        Err(e) => {
            out.push(fail(format!("{e}; run `agentspec hooks install` again")));
            return out;
        }
    };
    if Path::new(binary).is_file() {
        match crate::runner::record::file_sha256(Path::new(binary)) {
            Ok(sha) if sha == record.sha256 => {}
            Ok(_) => out.push(fail(format!(
                "{binary} changed since `agentspec hooks install` (another build or version): every action is blocked until you run `agentspec hooks install` again"
            ))),
            Err(e) => out.push(fail(format!("{binary} cannot be read: {e}"))),
        }
    }
    let confined = args.contains(&"--confined");
    let gated = loaded
        .agents
        .values()
        .any(|p| p.protocol.as_ref().is_some_and(|p| !p.gates.is_empty()));
    match (&record.confinement, confined) {
        (Some(c), true) => {
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let layers = super::settings::settings_layers(project, home.as_deref(), Some(&record.settings));
            match super::settings::sandbox_in_effect(&layers, c) {
                Ok(view) if view.excluded.is_empty() => out.push(Finding {
                    ok: true,
                    message: "confined: Claude Code's sandbox keeps the agent's commands from writing git's refs, hooks and configuration and agentspec's files, and hides the credentials that publish".to_owned(),
                }),
                Ok(view) => out.push(Finding {
                    ok: true,
                    message: format!(
                        "confined, but `sandbox.excludedCommands` runs {} outside the sandbox: agentspec reads those commands as in the analysis-only mode",
                        view.excluded.join(", ")
                    ),
                }),
                Err(e) => out.push(fail(format!(
                    "{e}: every action is blocked until the sandbox is back; run `agentspec hooks install` again"
                ))),
            }
            if let Some(why) = sandbox_unavailable() {
                out.push(fail(format!(
                    "{why}: Claude Code refuses to start with the sandbox it cannot run"
                )));
            }
        }
        (None, true) => out.push(fail(
            "the hook expects a confinement its install record does not hold: run `agentspec hooks install` again".to_owned(),
        )),
        _ if gated => out.push(Finding {
            ok: true,
            message: "analysis only: project code can walk around the gates (the agent's commands are not confined; `agentspec hooks install` without --no-sandbox confines them)".to_owned(),
        }),
        _ => {}
    }
    out
}

/// The backstop: the settings' `env` points git's `core.hooksPath` at agentspec's git hooks,
/// which exist, are executable and run an existing binary.
fn git_hooks_findings(settings: &Value) -> Vec<Finding> {
    let env = settings.get("env").and_then(Value::as_object);
    let get = |k: &str| env.and_then(|e| e.get(k)).and_then(Value::as_str);
    let count: usize = get("GIT_CONFIG_COUNT")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let dir = (0..count)
        .find(|i| {
            get(&format!("GIT_CONFIG_KEY_{i}"))
                .is_some_and(|k| k.eq_ignore_ascii_case("core.hooksPath"))
        })
        .and_then(|i| get(&format!("GIT_CONFIG_VALUE_{i}")));
    let Some(dir) = dir else {
        return vec![Finding {
            ok: false,
            message: "the settings' `env` does not point git at agentspec's git hooks (`core.hooksPath`): commits made through scripts or build tools are not checked; run `agentspec hooks install` again".to_owned(),
        }];
    };
    let mut out = Vec::new();
    for name in crate::runner::githooks::HOOKS {
        let path = Path::new(dir).join(name);
        let script = std::fs::read_to_string(&path).unwrap_or_default();
        let runs = script
            .lines()
            .find_map(|l| l.strip_prefix("exec "))
            .and_then(|l| l.split('\'').nth(1));
        let executable = std::fs::metadata(&path).is_ok_and(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                m.permissions().mode() & 0o111 != 0
            }
            #[cfg(not(unix))]
            {
                m.is_file()
            }
        });
        if !executable {
            out.push(Finding {
                ok: false,
                message: format!(
                    "the git hook {} is missing or not executable: git refuses nothing through it",
                    path.display()
                ),
            });
        } else if let Some(binary) = runs.filter(|b| !on_path(b)) {
            out.push(Finding {
                ok: false,
                message: format!("the git hook {} runs `{binary}`, which does not exist: git aborts every commit", path.display()),
            });
        }
    }
    if out.is_empty() {
        out.push(Finding {
            ok: true,
            message: format!("git runs agentspec's hooks from {dir} in Claude Code's commands"),
        });
    }
    out
}
