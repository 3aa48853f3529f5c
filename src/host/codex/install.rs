//! `agentspec hooks install --host codex` and `agentspec doctor --host codex`: the project's
//! `.codex/hooks.json`, the trust Codex records for it in the user's `config.toml`, the
//! project's sandbox setting, and the checks of everything that decides whether enforcement
//! is on.
//!
//! Where the hooks go: the project layer (`.codex/hooks.json`), not the user layer
//! (`$CODEX_HOME/hooks.json`), because the user layer would run this bundle's hooks in every
//! project; and `.codex` is read-only inside Codex's `workspace-write` sandbox, so the agent's
//! processes cannot change it. The project layer loads only for a trusted project, and each
//! entry runs only when its hash is trusted (measured with 0.169.0: an untrusted entry is
//! skipped without a word), so install writes both into the user's `config.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::host::claude_code::install::{Finding, InstallError, read_json};
use crate::policy::Bundle;
use crate::runner::Fingerprint;
use crate::runner::confine::Confinement;

/// What marks an entry of `hooks.json` as agentspec's.
const MARKER: &str = "run hook --host codex --bundle";

/// The events the runner answers, with each entry's timeout in seconds. PreToolUse performs
/// approved commits (up to `PERFORM_TIMEOUT`), Stop runs the Definition-of-Done checks.
pub const EVENTS: &[(&str, u64)] = &[
    ("SessionStart", 60),
    ("UserPromptSubmit", 60),
    ("PreToolUse", 300),
    ("PostToolUse", 60),
    ("Stop", 600),
    ("SubagentStop", 600),
];

/// Codex's name for an event in a trust key and hash.
fn snake(event: &str) -> String {
    let mut out = String::new();
    for (i, c) in event.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The hash Codex trusts a hook entry by: sha256 of the compact JSON, keys sorted, of
/// `{event_name, matcher?, hooks: [{async, command, timeout, type}]}` (the oracle's README §4,
/// checked against 0.169.0 by running the hooks without `--dangerously-bypass-hook-trust`).
pub fn trust_hash(event: &str, matcher: Option<&str>, handler: &Value) -> String {
    let short = matches!(event, "SessionEnd" | "Interrupt");
    let given = handler
        .get("timeout")
        .or_else(|| handler.get("timeoutSec"))
        .and_then(Value::as_u64);
    let timeout = match (given, short) {
        (Some(t), true) => t.clamp(1, 3),
        (None, true) => 1,
        (Some(t), false) => t.max(1),
        (None, false) => 600,
    };
    let mut h: BTreeMap<&str, Value> = BTreeMap::new();
    h.insert(
        "async",
        Value::Bool(handler.get("async") == Some(&Value::Bool(true))),
    );
    h.insert(
        "command",
        handler.get("command").cloned().unwrap_or(Value::Null),
    );
    if let Some(m) = handler.get("statusMessage").filter(|m| !m.is_null()) {
        h.insert("statusMessage", m.clone());
    }
    h.insert("timeout", json!(timeout));
    h.insert("type", json!("command"));
    let mut ident: BTreeMap<&str, Value> = BTreeMap::new();
    ident.insert("event_name", Value::String(snake(event)));
    ident.insert(
        "hooks",
        Value::Array(vec![serde_json::to_value(&h).unwrap_or(Value::Null)]),
    );
    if let Some(m) = matcher {
        ident.insert("matcher", Value::String(m.to_owned()));
    }
    let text = serde_json::to_string(&ident).unwrap_or_default();
    format!("sha256:{}", crate::policy::sha256_hex(text.as_bytes()))
}

/// Every command entry of a parsed `hooks.json`: `(trust key, hash, entry)`.
pub fn entries(hooks_path: &Path, spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (event, groups) in spec
        .get("hooks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (gi, group) in groups.as_array().into_iter().flatten().enumerate() {
            let matcher = group.get("matcher").and_then(Value::as_str);
            for (hi, handler) in group
                .get("hooks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if handler
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("command")
                    != "command"
                {
                    continue;
                }
                let key = format!("{}:{}:{gi}:{hi}", hooks_path.display(), snake(event));
                out.push((key, trust_hash(event, matcher, handler), handler.clone()));
            }
        }
    }
    out
}

fn is_ours(handler: &Value) -> bool {
    handler
        .get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains(MARKER))
}

/// The shell text of an entry. Codex lets every hook failure through (exit 1, a crash, a
/// missing binary), so every status but 0 and 2 becomes 2, which blocks. At a stop a failure
/// lets the turn end instead: Codex has no loop guard, and a stop blocked by a runner that
/// keeps failing would call the model without end.
pub fn hook_command(binary: &Path, args: &[String], stop: bool) -> String {
    let q = |w: &str| {
        if !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c))
        {
            w.to_owned()
        } else {
            crate::runner::githooks::sh_quote(w)
        }
    };
    let mut words = vec![q(&binary.display().to_string())];
    words.extend(args.iter().map(|a| q(a)));
    let fallback = if stop {
        "echo \"agentspec: the hook failed (exit $s); the turn ends unchecked\" >&2; s=0"
    } else {
        "echo \"agentspec: blocked because the hook failed (exit $s)\" >&2; s=2"
    };
    format!(
        "{}; s=$?; [ $s = 0 ] || [ $s = 2 ] || {{ {fallback}; }}; exit $s",
        words.join(" ")
    )
}

/// What an install does.
pub struct InstallOptions<'a> {
    pub bundle_dir: &'a Path,
    pub project: &'a Path,
    /// The agentspec binary the hooks run; `None`: this one.
    pub binary: Option<&'a str>,
    pub main_agent: Option<&'a str>,
    /// Codex's home folder; `None`: `CODEX_HOME`, else `~/.codex`.
    pub codex_home: Option<&'a Path>,
    /// Where the runner keeps its state; `None`: the default for the bundle.
    pub state_dir: Option<&'a Path>,
}

/// What the install wrote.
#[derive(Debug, Clone)]
pub struct Installed {
    pub hooks_file: PathBuf,
    pub config_file: PathBuf,
    pub project_config: PathBuf,
    pub state_dir: PathBuf,
    pub binary: PathBuf,
    pub trusted: usize,
    pub warnings: Vec<String>,
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> InstallError + '_ {
    move |e| InstallError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Where the default `workspace-write` sandbox lets the agent's processes write, as Codex
/// 0.169.0 sets it up: the project (but `.git`, `.codex`, `.agents`), `/tmp` and `TMPDIR`.
fn predicted_writable(project: &Path, path: &Path) -> bool {
    let inside = |root: &Path| path.starts_with(root);
    if inside(project) {
        return ![".git", ".codex", ".agents"]
            .iter()
            .any(|d| path.starts_with(project.join(d)));
    }
    let tmpdir = std::env::var_os("TMPDIR").map(PathBuf::from);
    inside(Path::new("/tmp")) || tmpdir.as_deref().is_some_and(inside)
}

fn canonical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    std::fs::canonicalize(&abs).unwrap_or(abs)
}

/// Installs the bundle's hooks for Codex in `project`.
pub fn install(options: &InstallOptions) -> Result<Installed, InstallError> {
    let bundle = Bundle::load(options.bundle_dir)?;
    crate::host::claude_code::install::check_main_agent(&bundle, options.main_agent)?;
    let project = canonical(options.project);
    let bundle_abs = canonical(options.bundle_dir);
    let binary = crate::host::claude_code::install::resolve_binary(options.binary)?;
    let sha256 = crate::runner::record::file_sha256(&binary).map_err(|e| InstallError::Read {
        path: binary.clone(),
        message: e.to_string(),
    })?;
    let state_dir = match options.state_dir {
        Some(d) => std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()),
        None => crate::runner::default_state_dir(&bundle_abs).map_err(|e| InstallError::Write {
            path: bundle_abs.clone(),
            message: e.to_string(),
        })?,
    };
    let home = options
        .codex_home
        .map(Path::to_path_buf)
        .or_else(super::codex_home)
        .ok_or_else(|| InstallError::Read {
            path: PathBuf::from("CODEX_HOME"),
            message: "neither CODEX_HOME nor HOME is set".to_owned(),
        })?;
    let home = std::path::absolute(&home).unwrap_or(home);
    // What enforcement stands on must be out of the sandbox's reach.
    for (what, path) in [
        ("the bundle", &bundle_abs),
        ("the runner's state", &state_dir),
        ("the agentspec binary", &binary),
        (
            "Codex's home folder (its configuration and session logs)",
            &home,
        ),
    ] {
        if predicted_writable(&project, path) {
            return Err(InstallError::NoSandbox(format!(
                "{what} ({}) is where Codex's workspace-write sandbox lets the agent's commands write (the project, /tmp, TMPDIR); put it under the project's .codex/ or outside the project and /tmp",
                path.display()
            )));
        }
    }
    if crate::runner::confine::bubblewrap().is_none() {
        return Err(InstallError::NoSandbox(
            "bubblewrap cannot make a sandbox on this machine, and the runner runs the Definition-of-Done checks and the repository's hooks in one (`apt install bubblewrap`)".to_owned(),
        ));
    }
    crate::runner::create_state_dir(&state_dir).map_err(|e| InstallError::Write {
        path: state_dir.clone(),
        message: e.to_string(),
    })?;
    // The git hooks the runner's own git runs for an approved commit.
    let githooks = crate::runner::githooks::hooks_dir(&state_dir);
    crate::runner::githooks::write_hooks(
        &githooks,
        &binary.display().to_string(),
        &bundle_abs,
        &state_dir,
        options.main_agent,
    )
    .map_err(write_err(&githooks))?;
    // hooks.json: other entries kept, agentspec's replaced.
    let hooks_file = project.join(".codex").join("hooks.json");
    let mut spec = read_json(&hooks_file)?.unwrap_or_else(|| json!({}));
    let mut args = vec![
        "run".to_owned(),
        "hook".to_owned(),
        "--host".to_owned(),
        "codex".to_owned(),
        "--bundle".to_owned(),
        bundle_abs.display().to_string(),
        "--state-dir".to_owned(),
        state_dir.display().to_string(),
    ];
    if let Some(agent) = options.main_agent {
        args.push("--main-agent".to_owned());
        args.push(agent.to_owned());
    }
    args.push("--confined".to_owned());
    merge(&mut spec, &binary, &args);
    let text = serde_json::to_string_pretty(&spec).unwrap_or_default() + "\n";
    std::fs::create_dir_all(project.join(".codex")).map_err(write_err(&hooks_file))?;
    crate::fsutil::write_atomic(
        &hooks_file,
        text.as_bytes(),
        crate::fsutil::Durability::Synced,
    )
    .map_err(write_err(&hooks_file))?;
    // The project's sandbox: Codex's workspace-write, which keeps `.git` read-only.
    let project_config = project.join(".codex").join("config.toml");
    edit_toml(&project_config, |doc| {
        // `read-only` is stricter still: kept.
        if doc.get("sandbox_mode").and_then(toml_edit::Item::as_str) != Some("read-only") {
            doc["sandbox_mode"] = toml_edit::value("workspace-write");
        }
        Some(())
    })?;
    // Trust: the project, and every agentspec entry by its hash.
    let trusted: Vec<(String, String)> = entries(&hooks_file, &spec)
        .into_iter()
        .filter(|(_, _, h)| is_ours(h))
        .map(|(k, h, _)| (k, h))
        .collect();
    let config_file = home.join("config.toml");
    let hooks_prefix = format!("{}:", hooks_file.display());
    edit_toml(&config_file, |doc| {
        let projects = table(doc.as_table_mut(), "projects")?;
        let entry = table(projects, &project.display().to_string())?;
        entry["trust_level"] = toml_edit::value("trusted");
        let hooks = table(doc.as_table_mut(), "hooks")?;
        let state = table(hooks, "state")?;
        // Earlier trust of this file's entries is stale: their places may have moved.
        let stale: Vec<String> = state
            .iter()
            .map(|(k, _)| k.to_owned())
            .filter(|k| k.starts_with(&hooks_prefix))
            .collect();
        for k in stale {
            state.remove(&k);
        }
        for (key, hash) in &trusted {
            let t = table(state, key)?;
            t["trusted_hash"] = toml_edit::value(hash.as_str());
        }
        Some(())
    })?;
    let confinement = confinement(&project, &bundle_abs, &state_dir, &binary, &home);
    let record = crate::runner::record::InstallRecord {
        binary: binary.clone(),
        sha256,
        settings: hooks_file.clone(),
        confinement: Some(confinement),
    };
    crate::runner::record::write(&state_dir, &record).map_err(write_err(&state_dir))?;
    if let Some(layout) = crate::runner::confine::GitLayout::discover(&project) {
        crate::runner::confine::record_in_progress(&state_dir, &layout)
            .map_err(write_err(&state_dir))?;
    }
    let mut warnings = Vec::new();
    if options.main_agent.is_none() {
        warnings.push(
            "no --main-agent: only subagents the bundle names are governed; the main session is not".to_owned(),
        );
    }
    Ok(Installed {
        hooks_file,
        config_file,
        project_config,
        state_dir,
        binary,
        trusted: trusted.len(),
        warnings,
    })
}

/// The table `key` of `parent`, made (as a standard table) when missing or not a table.
/// An inline table (`projects = { ... }`) becomes a standard one with the same entries;
/// any other value of that key is left alone and the edit fails (`None`).
fn table<'a>(parent: &'a mut toml_edit::Table, key: &str) -> Option<&'a mut toml_edit::Table> {
    match parent.get(key) {
        None => {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            parent.insert(key, toml_edit::Item::Table(t));
        }
        Some(toml_edit::Item::Value(toml_edit::Value::InlineTable(inline))) => {
            let t = inline.clone().into_table();
            parent.insert(key, toml_edit::Item::Table(t));
        }
        Some(_) => {}
    }
    parent.get_mut(key).and_then(toml_edit::Item::as_table_mut)
}

/// Edits a TOML file in place, keeping its comments and layout (written atomically).
fn edit_toml(
    path: &Path,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> Option<()>,
) -> Result<(), InstallError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(InstallError::Read {
                path: path.to_path_buf(),
                message: e.to_string(),
            });
        }
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| InstallError::Unparsable {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
    edit(&mut doc).ok_or_else(|| InstallError::Unparsable {
        path: path.to_path_buf(),
        message: "a key agentspec writes holds another kind of value".to_owned(),
    })?;
    std::fs::create_dir_all(crate::fsutil::parent_dir(path)).map_err(write_err(path))?;
    crate::fsutil::write_atomic(
        path,
        doc.to_string().as_bytes(),
        crate::fsutil::Durability::Synced,
    )
    .map_err(write_err(path))
}

/// Puts agentspec's entries into a parsed `hooks.json`: earlier ones removed, one group per
/// event appended.
fn merge(spec: &mut Value, binary: &Path, args: &[String]) {
    if !spec.is_object() {
        *spec = json!({});
    }
    let Some(root) = spec.as_object_mut() else {
        return;
    };
    let hooks = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    if !hooks.is_object() {
        *hooks = Value::Object(Map::new());
    }
    let Some(hooks) = hooks.as_object_mut() else {
        return;
    };
    for groups in hooks.values_mut() {
        if let Some(list) = groups.as_array_mut() {
            for group in list.iter_mut() {
                if let Some(hs) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                    hs.retain(|h| !is_ours(h));
                }
            }
            list.retain(|g| {
                g.get("hooks")
                    .and_then(Value::as_array)
                    .is_none_or(|h| !h.is_empty())
            });
        }
    }
    hooks.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
    for (event, timeout) in EVENTS {
        let stop = matches!(*event, "Stop" | "SubagentStop");
        let entry = json!({
            "type": "command",
            "command": hook_command(binary, args, stop),
            "timeout": timeout,
        });
        let list = hooks
            .entry((*event).to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            list.push(json!({ "hooks": [entry] }));
        }
    }
}

/// The confinement Codex's `workspace-write` sandbox gives, as the runner checks it at each
/// turn: what must stay read-only to the agent's processes.
fn confinement(
    project: &Path,
    bundle: &Path,
    state_dir: &Path,
    binary: &Path,
    home: &Path,
) -> Confinement {
    let mut read_only: Vec<PathBuf> = Vec::new();
    if let Some(layout) = crate::runner::confine::GitLayout::discover(project) {
        read_only.extend(layout.enforcement_paths().into_iter().map(|(p, _)| p));
    }
    read_only.extend([
        project.join(".codex"),
        bundle.to_path_buf(),
        state_dir.to_path_buf(),
        binary.to_path_buf(),
        home.join("config.toml"),
        home.join("hooks.json"),
    ]);
    Confinement {
        project: project.to_path_buf(),
        read_only,
        writable: Vec::new(),
        hidden_files: Vec::new(),
        hidden_env: Vec::new(),
        domains: Vec::new(),
    }
}

/// Codex's exec-policy rule files (`rules/*.rules` in the project's `.codex/` and in
/// `CODEX_HOME`), whose `allow` entries can run commands outside the sandbox.
fn rules_files(project: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = vec![project.join(".codex/rules")];
    if let Some(h) = home {
        dirs.push(h.join("rules"));
    }
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    out.sort();
    out
}

/// Configuration keys that can switch enforcement off or widen the sandbox.
const CONFIG_KEYS: &[&str] = &[
    "hooks",
    "sandbox_mode",
    "sandbox_workspace_write",
    "approval_policy",
    "projects",
    "profile",
    "profiles",
    "features",
    "shell_environment_policy",
];

/// What the files that can switch enforcement off hold now: the project's and the user's
/// `hooks.json` and `config.toml` (only the keys that matter), the binary.
pub fn fingerprint(project: &Path, home: Option<&Path>, binary: Option<&Path>) -> Fingerprint {
    let mut out = Fingerprint::new();
    let mut files = vec![
        project.join(".codex/hooks.json"),
        project.join(".codex/config.toml"),
    ];
    if let Some(h) = home {
        files.push(h.join("hooks.json"));
        files.push(h.join("config.toml"));
    }
    // Exec-policy rules: a new `allow` runs commands outside the sandbox.
    let rules: String = rules_files(project, home)
        .iter()
        .map(|p| {
            let content = crate::fsutil::read_regular(p)
                .map(|b| crate::policy::sha256_hex(&b))
                .unwrap_or_else(|_| "unreadable".to_owned());
            format!("{}={content}\n", p.display())
        })
        .collect();
    out.insert(
        "codex exec-policy rules".to_owned(),
        crate::policy::sha256_hex(rules.as_bytes()),
    );
    for path in files {
        let digest = match crate::fsutil::read_regular(&path) {
            Err(_) => "absent".to_owned(),
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                match text.parse::<toml::Table>() {
                    Ok(t) if path.extension().is_some_and(|e| e == "toml") => {
                        let kept: toml::Table = t
                            .into_iter()
                            .filter(|(k, _)| CONFIG_KEYS.contains(&k.as_str()))
                            .collect();
                        crate::policy::sha256_hex(kept.to_string().as_bytes())
                    }
                    _ => crate::policy::sha256_hex(&bytes),
                }
            }
        };
        out.insert(path.display().to_string(), digest);
    }
    if let Some(binary) = binary {
        let seen = std::fs::metadata(binary).map(|m| {
            use std::os::unix::fs::MetadataExt;
            format!("{}:{}:{}:{}", m.len(), m.ino(), m.mtime(), m.mtime_nsec())
        });
        out.insert(
            binary.display().to_string(),
            seen.unwrap_or_else(|_| "absent".to_owned()),
        );
    }
    out
}

/// Checks what decides whether enforcement is on in Codex: the hooks file parsing as Codex
/// parses it, every agentspec entry trusted, the project trusted, the sandbox setting, the
/// binary, the bundle and the install record.
pub fn doctor(project: &Path, codex_home: Option<&Path>) -> Vec<Finding> {
    let mut out = Vec::new();
    let ok = |message: String| Finding { ok: true, message };
    let fail = |message: String| Finding { ok: false, message };
    let project = canonical(project);
    let hooks_file = project.join(".codex").join("hooks.json");
    let spec = match read_json(&hooks_file) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return vec![fail(format!(
                "{} does not exist: no agentspec hooks are installed for Codex; run `agentspec hooks install --host codex`",
                hooks_file.display()
            ))];
        }
        Err(e) => {
            return vec![fail(format!(
                "{e}; Codex ignores a hooks.json it cannot parse whole (one line on stderr), so none of its hooks run"
            ))];
        }
    };
    let unknown: Vec<&String> = spec
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .filter(|k| *k != "hooks")
        .collect();
    if !unknown.is_empty() {
        out.push(fail(format!(
            "{} has keys Codex does not accept at the top level ({}): Codex drops the whole file",
            hooks_file.display(),
            unknown
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    } else {
        out.push(ok(format!(
            "{} parses as Codex reads it",
            hooks_file.display()
        )));
    }
    let all = entries(&hooks_file, &spec);
    let ours: Vec<&(String, String, Value)> = all.iter().filter(|(_, _, h)| is_ours(h)).collect();
    if ours.is_empty() {
        out.push(fail(
            "no agentspec hooks are in it; run `agentspec hooks install --host codex`".to_owned(),
        ));
        return out;
    }
    for (event, _) in EVENTS {
        if !ours
            .iter()
            .any(|(k, _, _)| k.contains(&format!(":{}:", snake(event))))
        {
            out.push(fail(format!("no agentspec hook on `{event}`")));
        }
    }
    let home = codex_home.map(Path::to_path_buf).or_else(super::codex_home);
    let config = home
        .as_ref()
        .map(|h| h.join("config.toml"))
        .and_then(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)));
    let parsed = config.as_ref().map(|(p, t)| (p, t.parse::<toml::Table>()));
    match parsed {
        None => out.push(fail(format!(
            "{} does not exist: Codex trusts neither the project nor its hooks, so it skips them silently",
            home.as_ref().map(|h| h.join("config.toml").display().to_string())
                .unwrap_or_else(|| "CODEX_HOME/config.toml".to_owned())
        ))),
        Some((p, Err(e))) => out.push(fail(format!("{} does not parse: {e}", p.display()))),
        Some((p, Ok(table))) => {
            let project_trust = table
                .get("projects")
                .and_then(|t| t.get(project.display().to_string().as_str()))
                .and_then(|t| t.get("trust_level"))
                .and_then(toml::Value::as_str);
            if project_trust == Some("trusted") {
                out.push(ok(format!("{} trusts the project", p.display())));
            } else {
                out.push(fail(format!(
                    "{} does not trust {}: Codex ignores its .codex/hooks.json; run `agentspec hooks install --host codex`",
                    p.display(),
                    project.display()
                )));
            }
            let state = table.get("hooks").and_then(|h| h.get("state"));
            let untrusted: Vec<&str> = ours
                .iter()
                .filter(|(key, hash, _)| {
                    state
                        .and_then(|s| s.get(key.as_str()))
                        .and_then(|e| e.get("trusted_hash"))
                        .and_then(toml::Value::as_str)
                        != Some(hash.as_str())
                })
                .map(|(key, _, _)| key.rsplit_once(".json:").map_or(key.as_str(), |(_, k)| k))
                .collect();
            if untrusted.is_empty() {
                out.push(ok(format!(
                    "every agentspec hook entry ({}) is trusted in {}",
                    ours.len(),
                    p.display()
                )));
            } else {
                out.push(fail(format!(
                    "{} agentspec hook entries are not trusted ({}): Codex skips them without a word; run `agentspec hooks install --host codex` again",
                    untrusted.len(),
                    untrusted.join(", ")
                )));
            }
        }
    }
    // Exec-policy rules whose `allow` entries may run commands outside the sandbox: agentspec
    // does not read them.
    let allowing: Vec<String> = rules_files(&project, home.as_deref())
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .is_ok_and(|t| t.contains("decision") && t.contains("\"allow\""))
        })
        .map(|p| p.display().to_string())
        .collect();
    if !allowing.is_empty() {
        out.push(fail(format!(
            "exec-policy rules allow commands ({}): Codex may run those outside its sandbox, where they can commit or push, and agentspec does not read these rules; remove the `allow` rules for governed projects",
            allowing.join(", ")
        )));
    }
    // The sandbox the project asks for (a command-line flag can still override it; the
    // runner reads each turn's real sandbox and fails closed).
    let mode = std::fs::read_to_string(project.join(".codex/config.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("sandbox_mode")
                .and_then(|v| v.as_str().map(str::to_owned))
        });
    match mode.as_deref() {
        Some("workspace-write" | "read-only") => out.push(ok(format!(
            "the project's sandbox_mode is `{}`: the agent's commands cannot write .git",
            mode.as_deref().unwrap_or_default()
        ))),
        other => out.push(fail(format!(
            "the project's .codex/config.toml sets sandbox_mode {}: without workspace-write the agent's commands can write .git, and the runner refuses every action",
            other.map_or_else(|| "nowhere".to_owned(), |m| format!("`{m}`"))
        ))),
    }
    // The binary, bundle and state every entry names.
    let command = ours[0]
        .2
        .get("command")
        .and_then(Value::as_str)
        .unwrap_or("");
    let words = shell_words(command);
    let binary = words.first().map(PathBuf::from);
    let arg = |name: &str| {
        words
            .iter()
            .position(|w| w == name)
            .and_then(|i| words.get(i + 1))
            .map(PathBuf::from)
    };
    match &binary {
        Some(b) if b.is_absolute() && b.is_file() => {
            out.push(ok(format!(
                "the hooks run {} (an absolute path)",
                b.display()
            )));
        }
        Some(b) => out.push(fail(format!(
            "the hooks run {}, which is not an absolute path to a file: every hook would block",
            b.display()
        ))),
        None => out.push(fail("the agentspec hook entry names no binary".to_owned())),
    }
    if let Some(bundle) = arg("--bundle") {
        match Bundle::load(&bundle) {
            Ok(_) => out.push(ok(format!("the bundle {} loads", bundle.display()))),
            Err(e) => out.push(fail(format!("the bundle {}: {e}", bundle.display()))),
        }
    }
    if let Some(state) = arg("--state-dir") {
        match crate::runner::record::read(&state) {
            Ok(Some(r)) => match crate::runner::record::file_sha256(&r.binary) {
                Ok(sha) if sha == r.sha256 => out.push(ok(format!(
                    "{} matches the sha256 recorded at install",
                    r.binary.display()
                ))),
                Ok(_) => out.push(fail(format!(
                    "{} changed since install (its sha256 differs): every hook fails closed; if agentspec was upgraded on purpose, run `agentspec hooks install --host codex` again",
                    r.binary.display()
                ))),
                Err(e) => out.push(fail(format!(
                    "{}: {e}: every hook blocks",
                    r.binary.display()
                ))),
            },
            Ok(None) => out.push(fail(format!(
                "{} holds no install record: the hooks fail closed",
                state.display()
            ))),
            Err(e) => out.push(fail(e.to_string())),
        }
    }
    out
}

/// The words of a hook command up to its first `;` (agentspec writes them single-quoted).
fn shell_words(command: &str) -> Vec<String> {
    let head = command.split("; s=$?").next().unwrap_or(command);
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    let mut any = false;
    let mut chars = head.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_quote = !in_quote;
                any = true;
            }
            '\\' if !in_quote => {
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            c if c.is_whitespace() && !in_quote => {
                if any || !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => current.push(c),
        }
    }
    if any || !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trust_hash_matches_codex() {
        // The oracle's `hook_hash` for a PreToolUse entry without a matcher, computed with
        // Python's json.dumps(sort_keys=True, separators=(",", ":")).
        let h = trust_hash(
            "PreToolUse",
            None,
            &json!({"type": "command", "command": "echo hi"}),
        );
        let text = r#"{"event_name":"pre_tool_use","hooks":[{"async":false,"command":"echo hi","timeout":600,"type":"command"}]}"#;
        assert_eq!(
            h,
            format!("sha256:{}", crate::policy::sha256_hex(text.as_bytes()))
        );
        assert_eq!(snake("UserPromptSubmit"), "user_prompt_submit");
        let short = trust_hash(
            "SessionEnd",
            Some("x"),
            &json!({"command": "c", "timeout": 30}),
        );
        let text = r#"{"event_name":"session_end","hooks":[{"async":false,"command":"c","timeout":3,"type":"command"}],"matcher":"x"}"#;
        assert_eq!(
            short,
            format!("sha256:{}", crate::policy::sha256_hex(text.as_bytes()))
        );
    }

    #[test]
    fn the_hook_command_blocks_on_failure_but_ends_a_stop() {
        let c = hook_command(
            Path::new("/opt/a b/agentspec"),
            &["run".into(), "it's".into()],
            false,
        );
        assert!(c.starts_with("'/opt/a b/agentspec' run 'it'\\''s'; s=$?;"));
        assert!(c.contains("s=2;"));
        assert!(hook_command(Path::new("/a"), &[], true).contains("s=0;"));
        assert_eq!(shell_words(&c), ["/opt/a b/agentspec", "run", "it's"]);
    }

    #[test]
    fn merging_keeps_other_hooks_and_replaces_ours() {
        let mut spec = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "mine"}]}]}});
        merge(
            &mut spec,
            Path::new("/a"),
            &[
                "run".into(),
                "hook".into(),
                "--host".into(),
                "codex".into(),
                "--bundle".into(),
                "/b".into(),
            ],
        );
        merge(
            &mut spec,
            Path::new("/a"),
            &[
                "run".into(),
                "hook".into(),
                "--host".into(),
                "codex".into(),
                "--bundle".into(),
                "/b".into(),
            ],
        );
        let pre = spec["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(pre.len(), 2);
        assert_eq!(pre[0]["hooks"][0]["command"], "mine");
        assert_eq!(spec["hooks"]["Stop"].as_array().unwrap().len(), 1);
    }
}
