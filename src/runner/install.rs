//! `agentspec hooks install` and `agentspec doctor`: merging the bundle's settings fragment into
//! a Claude Code settings file, and checking that what is installed can work.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

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
}

fn read_json(path: &Path) -> Result<Option<Value>, InstallError> {
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
        .is_some_and(|hooks| {
            hooks.iter().any(|h| {
                h.get("command")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.contains(MARKER))
            })
        })
}

/// The command an installed hook runs: `agentspec run hook` with the bundle, failing closed
/// (exit 2, which blocks) when the binary cannot be found, instead of the shell's 127, which
/// Claude Code would treat as "allow".
pub fn hook_command(binary: &str, bundle_arg: &str, main_agent: Option<&str>) -> String {
    let bin = crate::runner::githooks::sh_quote(binary);
    let mut run = format!("exec {bin} run hook --bundle {bundle_arg}");
    if let Some(agent) = main_agent {
        run.push_str(&format!(
            " --main-agent {}",
            crate::runner::githooks::sh_quote(agent)
        ));
    }
    let missing = crate::runner::githooks::sh_quote(&format!(
        "agentspec: {binary} is not installed or not on PATH; blocked until it is (see agentspec doctor)"
    ));
    format!("command -v {bin} >/dev/null 2>&1 || {{ echo {missing} >&2; exit 2; }}; {run}")
}

/// How a hook names the bundle: `"$CLAUDE_PROJECT_DIR"/<path>` when the bundle is inside the
/// project (Claude Code sets the variable for hooks, so a `cd` of the agent changes nothing),
/// its absolute path otherwise.
pub fn bundle_arg(bundle_abs: &Path, project: &Path) -> String {
    let project = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    match bundle_abs.strip_prefix(&project) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!(
            "\"$CLAUDE_PROJECT_DIR\"/{}",
            crate::runner::githooks::sh_quote(&rel.display().to_string())
        ),
        _ => crate::runner::githooks::sh_quote(&bundle_abs.display().to_string()),
    }
}

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

/// What the sandbox keeps project code from writing: agentspec's files, absolute.
pub fn sandbox_denials(project: &Path, bundle_abs: &Path, state_dir: &Path) -> Vec<String> {
    let project = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    let mut paths = vec![
        state_dir.to_path_buf(),
        bundle_abs.to_path_buf(),
        project.join(".claude"),
        project.join("agentspec.toml"),
        project.join(".git/hooks"),
        project.join(".git/config"),
    ];
    // The `.agentspec` folder that holds the bundle: moved away, a new bundle could be built
    // in its place.
    if let Some(parent) = bundle_abs.parent()
        && parent.file_name().is_some_and(|n| n == ".agentspec")
    {
        paths.push(parent.to_path_buf());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        paths.push(home.join(".claude/settings.json"));
        paths.push(home.join(".gitconfig"));
    }
    paths.iter().map(|p| p.display().to_string()).collect()
}

/// Turns Claude Code's sandbox on and adds `paths` to its `filesystem.denyWrite`.
fn merge_sandbox(settings: &mut Map<String, Value>, paths: &[String]) {
    let sandbox = settings
        .entry("sandbox")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(sandbox) = sandbox.as_object_mut() else {
        return;
    };
    sandbox.insert("enabled".to_owned(), Value::Bool(true));
    // The model's `dangerouslyDisableSandbox` is ignored: every command runs sandboxed.
    sandbox.insert("allowUnsandboxedCommands".to_owned(), Value::Bool(false));
    let filesystem = sandbox
        .entry("filesystem")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(filesystem) = filesystem.as_object_mut() else {
        return;
    };
    let list = filesystem
        .entry("denyWrite")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(list) = list.as_array_mut() {
        for path in paths {
            let value = Value::String(path.clone());
            if !list.contains(&value) {
                list.push(value);
            }
        }
    }
}

/// Merges the bundle's hooks and `permissions.deny` rules (and `extra_deny`) into `settings`,
/// every agentspec hook running `command`. Idempotent: earlier agentspec hooks are replaced.
pub fn merge(
    settings: &mut Map<String, Value>,
    fragment: &Value,
    command: &str,
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
                            for h in hs {
                                if let Some(Value::String(c)) = h.get_mut("command")
                                    && c.contains(MARKER)
                                {
                                    *c = command.to_owned();
                                }
                            }
                        }
                        list.push(group);
                    }
                }
            }
        }
    }
}

/// What `hooks install` did beyond writing the settings.
#[derive(Debug, Clone, Default)]
pub struct Installed {
    /// Where the runner keeps its state and audit log.
    pub state_dir: PathBuf,
    /// Problems that do not stop the install but would stop enforcement.
    pub warnings: Vec<String>,
}

/// Installs the bundle's hooks into the settings file at `settings_path` (project: the folder
/// that holds `.claude/`). Refuses a main agent the bundle does not have.
pub fn install(
    bundle_dir: &Path,
    settings_path: &Path,
    binary: &str,
    main_agent: Option<&str>,
    sandbox: bool,
) -> Result<Installed, InstallError> {
    let bundle = Bundle::load(bundle_dir)?;
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
    let fragment_path = bundle_dir.join(SETTINGS_FILE);
    let fragment = read_json(&fragment_path)?.ok_or_else(|| InstallError::Read {
        path: fragment_path.clone(),
        message: "missing; rebuild the bundle".to_owned(),
    })?;
    let mut settings = read_json(settings_path)?
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let bundle_abs = std::fs::canonicalize(bundle_dir).map_err(|e| InstallError::Read {
        path: bundle_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let project = project_of(settings_path);
    let state_dir =
        crate::runner::default_state_dir(&bundle_abs).map_err(|e| InstallError::Write {
            path: bundle_abs.clone(),
            message: e.to_string(),
        })?;
    let command = hook_command(binary, &bundle_arg(&bundle_abs, &project), main_agent);
    let protection = protection_rules(&project, &bundle_abs, &state_dir);
    merge(&mut settings, &fragment, &command, &protection);
    // The git-level backstop: hooks that ask the runner, with absolute paths, and git pointed
    // at them for every command Claude Code runs.
    let hooks = crate::runner::githooks::hooks_dir(&state_dir);
    crate::runner::create_state_dir(&state_dir).map_err(|e| InstallError::Write {
        path: state_dir.clone(),
        message: e.to_string(),
    })?;
    crate::runner::githooks::write_hooks(&hooks, binary, &bundle_abs, &state_dir, main_agent)
        .map_err(|e| InstallError::Write {
            path: hooks.clone(),
            message: e.to_string(),
        })?;
    crate::runner::githooks::merge_env(&mut settings, &hooks);
    if sandbox {
        merge_sandbox(
            &mut settings,
            &sandbox_denials(&project, &bundle_abs, &state_dir),
        );
    }
    let text = serde_json::to_string_pretty(&Value::Object(settings)).unwrap_or_default() + "\n";
    let write_err = |e: std::io::Error| InstallError::Write {
        path: settings_path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(crate::fsutil::parent_dir(settings_path)).map_err(write_err)?;
    crate::fsutil::write_atomic(
        settings_path,
        text.as_bytes(),
        crate::fsutil::Durability::Synced,
    )
    .map_err(write_err)?;
    let mut warnings = Vec::new();
    if !on_path(binary) {
        warnings.push(format!(
            "`{binary}` is not on PATH here: the hooks will block every action until it is (install it, or pass --binary with its absolute path)"
        ));
    }
    if sandbox && !(on_path("bwrap") && on_path("socat")) && cfg!(target_os = "linux") {
        warnings.push(
            "the sandbox needs bubblewrap and socat (`apt install bubblewrap socat`); without them Claude Code runs commands unsandboxed".to_owned(),
        );
    }
    if main_agent.is_none() {
        warnings.push(
            "no --main-agent: only subagents the bundle names are governed; the main session is not".to_owned(),
        );
    }
    Ok(Installed {
        state_dir,
        warnings,
    })
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

/// Words of a command as `sh` splits them (quotes removed; `$VAR` kept as written).
fn sh_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|c| *c != '\''));
            }
            '"' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|c| *c != '"'));
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() || c == ';' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The version `claude --version` prints, if Claude Code is on `PATH` and answers within
/// 10 seconds.
pub fn installed_claude_version() -> Option<crate::release::Version> {
    let mut child = std::process::Command::new("claude")
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
    crate::release::Version::parse(&out)
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
    let mut commands: Vec<&str> = Vec::new();
    let mut events: Vec<&str> = Vec::new();
    for (event, groups) in hooks.into_iter().flatten() {
        for command in groups
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("hooks").and_then(Value::as_array))
            .flatten()
            .filter_map(|h| h.get("command").and_then(Value::as_str))
            .filter(|c| c.contains(MARKER))
        {
            events.push(event.as_str());
            if !commands.contains(&command) {
                commands.push(command);
            }
        }
    }
    if commands.is_empty() {
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
    if commands.len() > 1 {
        out.push(fail(format!(
            "the agentspec hooks run {} different commands; run `agentspec hooks install` again",
            commands.len()
        )));
    }
    for command in commands {
        out.extend(command_findings(command, project));
    }
    out.extend(git_hooks_findings(&settings));
    out.push(sandbox_finding(&settings));
    if out.iter().all(|f| f.ok) {
        out.push(Finding {
            ok: true,
            message: "the agentspec hooks can run: binary, bundle, main agent and state directory checked".to_owned(),
        });
    }
    out
}

/// Whether Claude Code's sandbox confines project code, as far as the settings file says.
fn sandbox_finding(settings: &Value) -> Finding {
    let enabled = settings
        .pointer("/sandbox/enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !enabled {
        return Finding {
            ok: true,
            message: "Claude Code's sandbox is off here: project code the agent runs (`npm test`, `make`) is not confined; `agentspec hooks install --sandbox` turns it on (docs/enforcement.md)".to_owned(),
        };
    }
    if cfg!(target_os = "linux") && !(on_path("bwrap") && on_path("socat")) {
        return Finding {
            ok: false,
            message: "the sandbox is enabled but bubblewrap or socat is missing: Claude Code runs every command unsandboxed; `apt install bubblewrap socat`".to_owned(),
        };
    }
    Finding {
        ok: true,
        message: "Claude Code's sandbox is on".to_owned(),
    }
}

/// The checks of one installed hook command.
fn command_findings(command: &str, project: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let fail = |message: String| Finding { ok: false, message };
    let words = sh_words(command);
    let run = words
        .windows(3)
        .position(|w| w[1] == "run" && w[2] == "hook")
        .unwrap_or(0);
    let binary = words.get(run).map(String::as_str).unwrap_or("");
    let value = |name: &str| {
        words
            .iter()
            .position(|w| w == name)
            .and_then(|i| words.get(i + 1))
            .cloned()
    };
    if !command.starts_with("command -v ") {
        out.push(fail(format!(
            "the hook runs `{binary}` directly: if it is missing, the shell exits 127 and Claude Code lets every action through; run `agentspec hooks install` again"
        )));
    }
    if !on_path(binary) {
        out.push(fail(format!(
            "the hook runs `{binary}`, which is not on PATH: every action is blocked; install agentspec or run `agentspec hooks install --binary /absolute/path`"
        )));
    }
    let Some(bundle) = value("--bundle") else {
        out.push(fail(
            "the hook runs agentspec without `--bundle`".to_owned(),
        ));
        return out;
    };
    let dir = if let Some(rel) = bundle.strip_prefix("$CLAUDE_PROJECT_DIR/") {
        project.join(rel)
    } else if Path::new(&bundle).is_absolute() {
        PathBuf::from(&bundle)
    } else {
        out.push(fail(format!(
            "the hook names the bundle by the relative path `{bundle}`: after the agent runs `cd`, every hook fails; run `agentspec hooks install` again"
        )));
        project.join(&bundle)
    };
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
    let stale: Vec<String> = loaded
        .agents
        .values()
        .filter(|p| {
            // A file that is not there was built elsewhere (or removed): only a changed file
            // says the bundle is stale.
            crate::fsutil::read_regular(&project.join(&p.source.path))
                .is_ok_and(|bytes| crate::policy::sha256_hex(&bytes) != p.source.sha256)
        })
        .map(|p| p.source.path.clone())
        .collect();
    if !stale.is_empty() {
        out.push(fail(format!(
            "the bundle is older than {} (changed since it was built): run `agentspec build` (`agentspec build --check` in CI)",
            stale.join(", ")
        )));
    }
    match crate::runner::default_state_dir(&dir) {
        Ok(state) => match std::fs::metadata(&state) {
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
        },
        Err(e) => out.push(fail(format!("no state directory: {e}"))),
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
