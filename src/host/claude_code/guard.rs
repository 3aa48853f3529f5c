//! The files enforcement stands on, fingerprinted when a session starts and compared at every
//! later event: a change the command analysis did not foresee (project code the agent ran, a
//! branch checked out that holds other settings) is found at the next event, and the session
//! fails closed.
//!
//! Only what can switch enforcement off counts, so that what Claude Code and git write in
//! honest work does not: in a settings file, the hooks, `disableAllHooks`, the sandbox, the
//! `deny` rules and `env` (and not the `allow` rules Claude Code adds when the user says "don't
//! ask again"); in git's configuration, the keys that make git run programs or move its hooks
//! (and not branch tracking or remote URLs that `git push -u` and `git remote add` write);
//! every file in git's hooks folder; the agentspec binary.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::runner::Fingerprint;

/// The places to fingerprint.
pub struct Guarded {
    pub project: PathBuf,
    pub home: Option<PathBuf>,
    pub binary: Option<PathBuf>,
}

/// Settings keys that can switch enforcement off.
const SETTINGS_KEYS: &[&str] = &[
    "hooks",
    "disableAllHooks",
    "allowManagedHooksOnly",
    "sandbox",
    "env",
    "apiKeyHelper",
];

impl Guarded {
    pub fn fingerprint(&self) -> Fingerprint {
        let mut out = Fingerprint::new();
        let mut settings = vec![
            self.project.join(".claude/settings.json"),
            self.project.join(".claude/settings.local.json"),
        ];
        let mut git_configs = Vec::new();
        if let Some(home) = &self.home {
            settings.push(home.join(".claude/settings.json"));
            settings.push(home.join(".claude/settings.local.json"));
            git_configs.push(home.join(".gitconfig"));
            git_configs.push(home.join(".config/git/config"));
        }
        // A file that is not there reads as an empty one: Claude Code makes
        // `settings.local.json` when the user says "don't ask again".
        for path in settings {
            let seen = settings_digest(&read(&path).unwrap_or_else(|| "{}".to_owned()));
            out.insert(key(&path), seen);
        }
        // MCP servers Claude Code starts outside the sandbox: the project's `.mcp.json`, and
        // the servers of the user's `~/.claude.json` (which Claude Code rewrites all the time
        // for other reasons: only its servers count).
        let mcp = self.project.join(".mcp.json");
        out.insert(
            key(&mcp),
            read(&mcp)
                .map(|t| crate::policy::sha256_hex(t.as_bytes()))
                .unwrap_or_else(absent),
        );
        if let Some(home) = &self.home {
            let user = home.join(".claude.json");
            out.insert(
                key(&user),
                mcp_servers_digest(&read(&user).unwrap_or_else(|| "{}".to_owned())),
            );
        }
        if let Some(git_dir) = git_dir(&self.project) {
            // A `shallow` file cuts the history git reads, and the runner's checks with it.
            let shallow = git_dir.join("shallow");
            out.insert(
                key(&shallow),
                read(&shallow)
                    .map(|t| crate::policy::sha256_hex(t.as_bytes()))
                    .unwrap_or_else(absent),
            );
            git_configs.push(git_dir.join("config"));
            git_configs.push(git_dir.join("config.worktree"));
            let hooks = git_dir.join("hooks");
            let mut names: Vec<PathBuf> = std::fs::read_dir(&hooks)
                .map(|dir| dir.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            names.sort();
            let mut all = String::new();
            for path in names {
                let content = read(&path)
                    .map(|text| crate::policy::sha256_hex(text.as_bytes()))
                    .unwrap_or_else(absent);
                all.push_str(&format!("{}={content}\n", path.display()));
            }
            out.insert(key(&hooks), crate::policy::sha256_hex(all.as_bytes()));
        }
        for path in git_configs {
            let seen = git_config_digest(&read(&path).unwrap_or_default());
            out.insert(key(&path), seen);
        }
        if let Some(binary) = &self.binary {
            let seen = std::fs::metadata(binary).map(|m| {
                use std::os::unix::fs::MetadataExt;
                format!("{}:{}:{}:{}", m.len(), m.ino(), m.mtime(), m.mtime_nsec())
            });
            out.insert(key(binary), seen.unwrap_or_else(|_| absent()));
        }
        out
    }
}

fn key(path: &Path) -> String {
    path.display().to_string()
}

fn absent() -> String {
    "absent".to_owned()
}

/// A bounded read of a regular file; `None` when it is not there or holds nothing but blanks.
///
/// Empty counts as missing: while a sandboxed command runs, Claude Code's sandbox holds an
/// empty stand-in file on every missing path it keeps read-only (a `.mcp.json` among them),
/// and an empty file configures nothing.
fn read(path: &Path) -> Option<String> {
    match crate::fsutil::read_regular(path) {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => None,
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        // Something else (a folder, a FIFO, too big): its own kind of content.
        Err(e) => Some(format!("unreadable: {:?}", e.kind())),
    }
}

/// The settings keys that count, as JSON; the text itself when it is not a JSON object.
fn settings_digest(text: &str) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return crate::policy::sha256_hex(text.as_bytes());
    };
    let mut kept = serde_json::Map::new();
    for k in SETTINGS_KEYS {
        if let Some(v) = map.get(*k) {
            kept.insert((*k).to_owned(), v.clone());
        }
    }
    if let Some(deny) = map.get("permissions").and_then(|p| p.get("deny")) {
        kept.insert("permissions.deny".to_owned(), deny.clone());
    }
    crate::policy::sha256_hex(Value::Object(kept).to_string().as_bytes())
}

/// Every `mcpServers` of a `~/.claude.json`: the user's and each project's.
fn mcp_servers_digest(text: &str) -> String {
    // The file is large for a user with a long history; without servers it is not parsed.
    if !text.contains("mcpServers") {
        return crate::policy::sha256_hex(b"{}");
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return crate::policy::sha256_hex(text.as_bytes());
    };
    let mut kept = serde_json::Map::new();
    if let Some(servers) = map.get("mcpServers") {
        kept.insert("mcpServers".to_owned(), servers.clone());
    }
    if let Some(Value::Object(projects)) = map.get("projects") {
        for (path, project) in projects {
            if let Some(servers) = project.get("mcpServers") {
                kept.insert(format!("projects.{path}.mcpServers"), servers.clone());
            }
        }
    }
    crate::policy::sha256_hex(Value::Object(kept).to_string().as_bytes())
}

/// git configuration keys written in honest work that run nothing.
fn routine(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["branch", ..] => true,
        ["remote", _, name] => matches!(
            *name,
            "url" | "pushurl" | "fetch" | "push" | "tagopt" | "prune" | "mirror"
        ),
        ["submodule", _, name] => matches!(*name, "url" | "active"),
        ["core", name] => matches!(
            *name,
            "repositoryformatversion"
                | "bare"
                | "logallrefupdates"
                | "sparsecheckout"
                | "sparsecheckoutcone"
        ),
        ["extensions", ..] | ["maintenance", ..] => true,
        _ => !crate::policy::shell::git::runs_program(key),
    }
}

/// The lines of a git configuration file that set keys able to run programs or move hooks,
/// with their section; includes always count.
fn git_config_digest(text: &str) -> String {
    let mut section = String::new();
    let mut kept = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.split(']').next().unwrap_or(header);
            // `[remote "origin"]` → `remote.origin`; the subsection keeps its case.
            section = match header.split_once(|c: char| c.is_whitespace()) {
                Some((name, sub)) => format!(
                    "{}.{}",
                    name.to_ascii_lowercase(),
                    sub.trim().trim_matches('"')
                ),
                None => header.to_ascii_lowercase(),
            };
            // A header may carry a key on the same line.
            let after = line.split_once(']').map(|(_, rest)| rest.trim());
            if let Some(after) = after.filter(|a| !a.is_empty()) {
                keep(&section, after, &mut kept);
            }
            continue;
        }
        keep(&section, line, &mut kept);
    }
    crate::policy::sha256_hex(kept.as_bytes())
}

fn keep(section: &str, line: &str, kept: &mut String) {
    let name = line
        .split(['=', ' ', '\t'])
        .next()
        .unwrap_or(line)
        .to_ascii_lowercase();
    let key = format!("{section}.{name}");
    let include = section.starts_with("include");
    if include || !routine(&key) {
        kept.push_str(&format!("[{section}] {line}\n"));
    }
}

/// The git folder of the repository at `project` (`.git`, or where a `.git` file points; the
/// common folder of a linked work tree, where the hooks and configuration are).
fn git_dir(project: &Path) -> Option<PathBuf> {
    let dot = project.join(".git");
    let dir = if dot.is_dir() {
        dot
    } else {
        let text = read(&dot)?;
        let pointed = text.trim().strip_prefix("gitdir:")?.trim().to_owned();
        let pointed = project.join(pointed);
        match read(&pointed.join("commondir")) {
            Some(common) => pointed.join(common.trim()),
            None => pointed,
        }
    };
    Some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::changed;

    #[test]
    fn allow_rules_do_not_count_hooks_do() {
        let base = r#"{"hooks":{"PreToolUse":[]},"permissions":{"allow":[],"deny":["Edit(//x)"]}}"#;
        let allowed = r#"{"hooks":{"PreToolUse":[]},"permissions":{"allow":["Bash(ls)"],"deny":["Edit(//x)"]}}"#;
        let off = r#"{"hooks":{"PreToolUse":[]},"disableAllHooks":true,"permissions":{"deny":["Edit(//x)"]}}"#;
        assert_eq!(settings_digest(base), settings_digest(allowed));
        assert_ne!(settings_digest(base), settings_digest(off));
        assert_ne!(settings_digest(base), settings_digest("{"));
    }

    #[test]
    fn only_mcp_servers_of_the_user_configuration_count() {
        let base = r#"{"numStartups": 3, "projects": {"/p": {"history": []}}}"#;
        let busy = r#"{"numStartups": 9, "projects": {"/p": {"history": ["x"]}}}"#;
        let server =
            r#"{"numStartups": 9, "projects": {"/p": {"mcpServers": {"x": {"command": "sh"}}}}}"#;
        let user = r#"{"mcpServers": {"x": {"command": "sh"}}}"#;
        assert_eq!(mcp_servers_digest(base), mcp_servers_digest(busy));
        assert_ne!(mcp_servers_digest(base), mcp_servers_digest(server));
        assert_ne!(mcp_servers_digest(base), mcp_servers_digest(user));
        assert_eq!(mcp_servers_digest(base), mcp_servers_digest("{}"));
    }

    #[test]
    fn the_sandboxs_empty_stand_ins_count_as_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let guarded = Guarded {
            project: dir.path().to_path_buf(),
            home: None,
            binary: None,
        };
        let before = guarded.fingerprint();
        std::fs::create_dir(dir.path().join(".claude")).unwrap();
        for name in [".mcp.json", ".claude/settings.local.json"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(
            changed(&before, &guarded.fingerprint()),
            Vec::<String>::new()
        );
        std::fs::write(
            dir.path().join(".mcp.json"),
            r#"{"mcpServers": {"x": {"command": "sh"}}}"#,
        )
        .unwrap();
        assert_eq!(
            changed(&before, &guarded.fingerprint()),
            [dir.path().join(".mcp.json").display().to_string()]
        );
    }

    #[test]
    fn branch_tracking_does_not_count_hooks_path_does() {
        let base = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = u\n";
        let tracked =
            format!("{base}[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n");
        let hooks = format!("{base}[core]\n\thooksPath = /dev/null\n");
        let include = format!("{base}[include]\n\tpath = /tmp/x\n");
        let upload = format!("{base}[remote \"origin\"]\n\tuploadpack = evil\n");
        assert_eq!(git_config_digest(base), git_config_digest(&tracked));
        for changed in [hooks, include, upload] {
            assert_ne!(
                git_config_digest(base),
                git_config_digest(&changed),
                "{changed}"
            );
        }
    }
}
