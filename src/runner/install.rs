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

/// Merges the bundle's hooks and `permissions.deny` rules into `settings`; `binary` replaces
/// the `agentspec` in the hook command. Idempotent: earlier agentspec hooks are replaced.
pub fn merge(
    settings: &mut Map<String, Value>,
    fragment: &Value,
    binary: &str,
    main_agent: Option<&str>,
) {
    if let Some(deny) = fragment
        .pointer("/permissions/deny")
        .and_then(Value::as_array)
    {
        let permissions = settings
            .entry("permissions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(p) = permissions.as_object_mut() {
            let existing = p.entry("deny").or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = existing.as_array_mut() {
                for rule in deny {
                    if !list.contains(rule) {
                        list.push(rule.clone());
                    }
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
                                    && let Some(rest) = c.strip_prefix("agentspec ")
                                {
                                    *c = match main_agent {
                                        Some(agent) => {
                                            format!("{binary} {rest} --main-agent {agent}")
                                        }
                                        None => format!("{binary} {rest}"),
                                    };
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

/// Installs the bundle's hooks into the settings file at `settings_path`.
pub fn install(
    bundle_dir: &Path,
    settings_path: &Path,
    binary: &str,
    main_agent: Option<&str>,
) -> Result<(), InstallError> {
    Bundle::load(bundle_dir)?;
    let fragment_path = bundle_dir.join(SETTINGS_FILE);
    let fragment = read_json(&fragment_path)?.ok_or_else(|| InstallError::Read {
        path: fragment_path.clone(),
        message: "missing; rebuild the bundle".to_owned(),
    })?;
    let mut settings = read_json(settings_path)?
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    merge(&mut settings, &fragment, binary, main_agent);
    // The git-level backstop: hooks that ask the runner, with absolute paths, and git pointed
    // at them for every command Claude Code runs.
    let bundle_abs = std::path::absolute(bundle_dir).unwrap_or_else(|_| bundle_dir.to_path_buf());
    let state_dir = crate::fsutil::parent_dir(&bundle_abs).join("state");
    let hooks = crate::runner::githooks::hooks_dir(&state_dir);
    crate::runner::githooks::write_hooks(&hooks, binary, &bundle_abs, &state_dir, main_agent)
        .map_err(|e| InstallError::Write {
            path: hooks.clone(),
            message: e.to_string(),
        })?;
    crate::runner::githooks::merge_env(&mut settings, &hooks);
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
    .map_err(write_err)
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

/// Checks a settings file: it parses, its hooks are well formed, and every agentspec hook
/// points to an existing binary and a valid bundle (relative paths from `project`).
pub fn doctor(settings_path: &Path, project: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let settings = match read_json(settings_path) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return vec![Finding {
                ok: false,
                message: format!(
                    "{} does not exist: no agentspec hooks are installed",
                    settings_path.display()
                ),
            }];
        }
        Err(e) => {
            return vec![Finding {
                ok: false,
                message: format!(
                    "{e}; Claude Code skips an invalid settings file whole, so none of its hooks run"
                ),
            }];
        }
    };
    out.push(Finding {
        ok: true,
        message: format!("{} is valid JSON", settings_path.display()),
    });
    let hooks = settings.get("hooks").and_then(Value::as_object);
    let mut found = 0;
    for (event, groups) in hooks.into_iter().flatten() {
        if !crate::vocab::HOOK_EVENTS.contains(&event.as_str()) {
            out.push(Finding {
                ok: false,
                message: format!("unknown hook event `{event}`: Claude Code ignores it"),
            });
        }
        let Some(groups) = groups.as_array() else {
            out.push(Finding {
                ok: false,
                message: format!(
                    "`hooks.{event}` is not a list: Claude Code rejects the settings file"
                ),
            });
            continue;
        };
        for command in groups
            .iter()
            .filter_map(|g| g.get("hooks").and_then(Value::as_array))
            .flatten()
            .filter_map(|h| h.get("command").and_then(Value::as_str))
            .filter(|c| c.contains(MARKER))
        {
            found += 1;
            let words: Vec<&str> = command.split_whitespace().collect();
            let binary = words.first().copied().unwrap_or("");
            if !on_path(binary) {
                out.push(Finding {
                    ok: false,
                    message: format!("`{event}` runs `{binary}`, which does not exist: the hook fails and Claude Code lets every action through"),
                });
            }
            let bundle = words
                .iter()
                .position(|w| *w == "--bundle")
                .and_then(|i| words.get(i + 1))
                .map(|b| b.trim_matches('\''));
            match bundle {
                Some(b) => {
                    let dir = project.join(b);
                    if let Err(e) = Bundle::load(&dir) {
                        out.push(Finding {
                            ok: false,
                            message: format!("`{event}` uses the bundle {}: {e}", dir.display()),
                        });
                    }
                }
                None => out.push(Finding {
                    ok: false,
                    message: format!("`{event}` runs agentspec without `--bundle`"),
                }),
            }
        }
    }
    if found > 0 {
        out.extend(git_hooks_findings(&settings));
    }
    if found == 0 {
        out.push(Finding {
            ok: false,
            message: "no agentspec hooks are installed; run `agentspec hooks install`".to_owned(),
        });
    } else if out.iter().all(|f| f.ok) {
        out.push(Finding {
            ok: true,
            message: format!(
                "{found} agentspec hooks point to an existing binary and a valid bundle"
            ),
        });
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
