//! `agentspec check` renders each file's part as soon as its report is final and keeps a content
//! cache. These tests run the real binary and hold it to two promises:
//!
//! - the output is byte for byte what the whole-report renderers printed before streaming
//!   (`tests/data/report-hashes.txt`, taken from agentspec at b301e48), for every format, on the
//!   corpus and on the rule fixtures, with files found by walking a folder and given in reverse
//!   order, without the cache, with a cold one and with a warm one;
//! - whatever happens to the files, the configuration or the cache (an edited file, a changed
//!   `agentspec.toml`, a damaged pack, a pack of another version, two runs at once), a run with
//!   the cache reports what a run without it reports.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn agentspec() -> Command {
    let mut cmd = Command::cargo_bin("agentspec").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("AGENTSPEC_CACHE_DIR")
        .env("AGENTSPEC_CLAUDE", "");
    cmd
}

/// Standard output of `agentspec check ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Vec<u8> {
    agentspec()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run")
        .stdout
}

/// The checkout's and `../shared`'s absolute paths replaced, so that hashes do not depend on
/// where the checkout is.
fn normalized(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let root = fs::canonicalize(repo()).unwrap();
    let shared = root.parent().unwrap().join("shared");
    text.replace(&shared.display().to_string(), "<SHARED>")
        .replace(&root.display().to_string(), "<ROOT>")
        .into_bytes()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn expected() -> HashMap<String, String> {
    fs::read_to_string(repo().join("tests/data/report-hashes.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, hash) = l.split_once(' ').unwrap();
            (name.to_owned(), hash.to_owned())
        })
        .collect()
}

/// Every file under `dir` (as `dir/...`), in reverse byte order of the path.
fn files_reversed(dir: &str) -> Vec<String> {
    fn walk(path: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo().join(dir), &mut out);
    let prefix = format!("{}/", repo().display());
    let mut out: Vec<String> = out
        .into_iter()
        .map(|p| p.strip_prefix(&prefix).unwrap_or(&p).to_owned())
        .collect();
    out.sort_by(|a, b| b.as_bytes().cmp(a.as_bytes()));
    out
}

const FORMATS: &[&str] = &[
    "human", "concise", "json", "sarif", "github", "junit", "gitlab",
];

#[test]
fn every_format_is_byte_identical_to_the_report_before_streaming() {
    let expected = expected();
    let mut inputs = vec![("fixtures", "fixtures/rules")];
    if repo().join("../shared/corpus").is_dir() {
        inputs.push(("corpus", "../shared/corpus"));
    } else {
        eprintln!("the corpus is not beside the checkout: checked on the rule fixtures only");
    }
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap().to_owned();
    let mut checked = 0;
    // `UPDATE_REPORT_HASHES=1` records the hashes of this build (both cache modes must agree)
    // instead of comparing: for a change that is meant to change reports.
    let update = std::env::var_os("UPDATE_REPORT_HASHES").is_some();
    let mut recorded: std::collections::BTreeMap<String, String> = Default::default();
    let mut compare = |key: &str, got: String| {
        if update {
            let first = recorded
                .entry(key.to_owned())
                .or_insert_with(|| got.clone());
            assert_eq!(first, &got, "{key}: the cache modes disagree");
        } else {
            assert_eq!(
                &got,
                expected
                    .get(key)
                    .unwrap_or_else(|| panic!("no hash for {key}")),
                "{key}: the output differs from the report before streaming"
            );
        }
    };
    for (name, dir) in &inputs {
        let reversed = files_reversed(dir);
        for order in ["dir", "rev"] {
            let paths: Vec<String> = match order {
                "dir" => vec![(*dir).to_owned()],
                _ => reversed.clone(),
            };
            for format in FORMATS {
                let key = format!("{format}-{name}-{order}");
                // Without the cache, then with it cold (the first format) and warm.
                for cache_args in [
                    vec!["--no-cache".to_owned()],
                    vec!["--cache-dir".to_owned(), cache_dir.clone()],
                ] {
                    let mut args: Vec<&str> = vec!["--format", format];
                    args.extend(cache_args.iter().map(String::as_str));
                    args.extend(paths.iter().map(String::as_str));
                    let out = check(&repo(), &args);
                    compare(&key, sha256(&normalized(&out)));
                    checked += 1;
                }
            }
        }
    }
    if inputs.len() == 2 {
        for (extra, key) in [
            (vec!["--statistics"], "xstatistics-corpus"),
            (
                vec!["--statistics", "--format", "json"],
                "xstatisticsformatjson-corpus",
            ),
            (vec!["--quiet"], "xquiet-corpus"),
        ] {
            for cache_args in [vec!["--no-cache"], vec!["--cache-dir", &cache_dir]] {
                let mut args = extra.clone();
                args.extend(&cache_args);
                args.push("../shared/corpus");
                let out = check(&repo(), &args);
                compare(key, sha256(&normalized(&out)));
                checked += 1;
            }
        }
    }
    assert!(checked >= 28);
    if update {
        let path = repo().join("tests/data/report-hashes.txt");
        let header: String = fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let body: String = recorded.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        fs::write(path, header + &body).unwrap();
    }
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// A small project: agents with and without findings, a suppression comment, two agents that
/// share a name (a cross-file finding) and a settings file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let agents = ".claude/agents";
    write(
        dir.path(),
        &format!("{agents}/clean.md"),
        "---\nname: clean\ndescription: Reviews code\ntools: Read, Grep\n---\nYou review code.\n",
    );
    write(
        dir.path(),
        &format!("{agents}/typo.md"),
        "---\nname: typo\ndescription: Edits\ntools: Raed, MultiEdit\n---\nYou edit.\n",
    );
    write(
        dir.path(),
        &format!("{agents}/suppressed.md"),
        "---\nname: suppressed\ndescription: x\n# agentspec-disable-next-line AS201\ntools: Nope\n---\nBody.\n",
    );
    write(
        dir.path(),
        &format!("{agents}/one.md"),
        "---\nname: twin\ndescription: First\n---\nOne.\n",
    );
    write(
        dir.path(),
        &format!("{agents}/sub/two.md"),
        "---\nname: twin\ndescription: Second\n---\nTwo.\n",
    );
    write(
        dir.path(),
        ".claude/settings.json",
        "{\"permissions\": {\"allow\": [\"Bash(git status)\"]}}\n",
    );
    dir
}

/// The JSON report of `dir` with `args`, and of the same without the cache.
fn with_and_without(dir: &Path, cache: &Path, args: &[&str]) -> (String, String) {
    let cache = cache.to_str().unwrap();
    let mut cached = vec!["--format", "json", "--cache-dir", cache];
    cached.extend(args);
    let mut plain = vec!["--format", "json", "--no-cache"];
    plain.extend(args);
    (
        String::from_utf8(check(dir, &cached)).unwrap(),
        String::from_utf8(check(dir, &plain)).unwrap(),
    )
}

fn pack(cache: &Path) -> PathBuf {
    let packs: Vec<PathBuf> = fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    assert_eq!(packs.len(), 1, "one pack per version: {packs:?}");
    packs[0].clone()
}

#[test]
fn the_cache_gives_what_no_cache_gives_when_files_and_settings_change() {
    let dir = project();
    let cache = tempfile::tempdir().unwrap();
    let (cold, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(cold, plain);
    assert!(
        plain.contains("AS009"),
        "the project has a cross-file finding"
    );
    assert!(pack(cache.path()).is_file());
    assert_eq!(
        fs::read_to_string(cache.path().join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    let (warm, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(warm, plain);

    // Signatures are trusted only once a file has been unchanged for two seconds: wait, so
    // that the next runs trust them, then edit one file in place, keeping its size.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let (settled, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(settled, plain);
    let typo = dir.path().join(".claude/agents/typo.md");
    let before = fs::read_to_string(&typo).unwrap();
    let after = before.replace("Raed", "Read");
    assert_eq!(before.len(), after.len());
    fs::write(&typo, &after).unwrap();
    let (edited, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(edited, plain);
    assert_ne!(edited, settled, "the edit changed the findings");

    // The other twin renamed: the cross-file finding goes, though neither cached file changed
    // in a way its own entry knows about (cross-file rules always run).
    write(
        dir.path(),
        ".claude/agents/sub/two.md",
        "---\nname: twin-two\ndescription: Second\n---\nTwo.\n",
    );
    let (renamed, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(renamed, plain);
    assert!(!plain.contains("AS009"));

    // A changed configuration, and command-line selections, are other settings.
    write(dir.path(), "agentspec.toml", "ignore = [\"AS201\"]\n");
    let (configured, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(configured, plain);
    assert_ne!(configured, renamed);
    let (selected, plain) = with_and_without(dir.path(), cache.path(), &["--select", "AS202"]);
    assert_eq!(selected, plain);
    let (target, plain) = with_and_without(dir.path(), cache.path(), &["--claude-code", "2.1.328"]);
    assert_eq!(target, plain);

    // A deleted file is gone from the report.
    fs::remove_file(dir.path().join(".claude/agents/suppressed.md")).unwrap();
    let (deleted, plain) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(deleted, plain);
}

#[test]
fn a_damaged_or_foreign_pack_is_ignored_and_rewritten() {
    let dir = project();
    let cache = tempfile::tempdir().unwrap();
    let (_, plain) = with_and_without(dir.path(), cache.path(), &[]);
    let pack = pack(cache.path());
    let good = fs::read(&pack).unwrap();
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("a flipped byte", {
            let mut b = good.clone();
            let last = b.len() - 1;
            b[last] ^= 0x55;
            b
        }),
        ("another format", {
            let mut b = good.clone();
            b[8] = b[8].wrapping_add(1);
            b
        }),
        ("not a pack", b"{\"entries\": []}".to_vec()),
    ];
    for (what, bytes) in damaged {
        fs::write(&pack, &bytes).unwrap();
        let (cached, again) = with_and_without(dir.path(), cache.path(), &[]);
        assert_eq!(cached, plain, "{what}");
        assert_eq!(again, plain);
        assert_eq!(
            fs::read(&pack).unwrap().len(),
            good.len(),
            "{what}: rewritten"
        );
    }
    // A pack named for another version is not read.
    fs::write(cache.path().join("agentspec-0.0.0.pack"), b"junk").unwrap();
    let (cached, _) = with_and_without(dir.path(), cache.path(), &[]);
    assert_eq!(cached, plain);
}

#[test]
fn two_runs_at_once_give_the_same_report_and_leave_a_sound_cache() {
    let dir = project();
    let cache = tempfile::tempdir().unwrap();
    let (_, plain) = with_and_without(dir.path(), tempfile::tempdir().unwrap().path(), &[]);
    for _ in 0..3 {
        let runs: Vec<std::process::Child> = (0..4)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("agentspec"))
                    .args(["check", "--format", "json", "--cache-dir"])
                    .arg(cache.path())
                    .current_dir(dir.path())
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let out = run.wait_with_output().unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), plain);
        }
        // Touch a file so that the next round writes the pack again.
        write(
            dir.path(),
            ".claude/agents/extra.md",
            &format!("---\nname: extra\ndescription: {}\n---\n", rand_word()),
        );
        let (cached, now) = with_and_without(dir.path(), cache.path(), &[]);
        assert_eq!(cached, now);
        fs::remove_file(dir.path().join(".claude/agents/extra.md")).unwrap();
    }
    let leftovers: Vec<PathBuf> = fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".pack") && name != ".gitignore" && name != "CACHEDIR.TAG"
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

fn rand_word() -> String {
    format!(
        "{:?}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[test]
fn the_cache_goes_where_it_is_asked_and_no_cache_writes_nothing() {
    let dir = project();
    check(dir.path(), &["--no-cache"]);
    assert!(!dir.path().join(".agentspec_cache").exists());
    check(dir.path(), &[]);
    assert!(dir.path().join(".agentspec_cache/.gitignore").is_file());
    let elsewhere = tempfile::tempdir().unwrap();
    agentspec()
        .arg("check")
        .current_dir(dir.path())
        .env("AGENTSPEC_CACHE_DIR", elsewhere.path())
        .output()
        .unwrap();
    pack(elsewhere.path());
    // Next to the configuration file when there is one.
    write(dir.path(), "conf/agentspec.toml", "");
    check(dir.path(), &["--config", "conf/agentspec.toml"]);
    assert!(dir.path().join("conf/.agentspec_cache").is_dir());
    // A cache that cannot be written is reported, and the check still runs.
    let blocked = dir.path().join("blocked");
    fs::write(&blocked, "a file, not a folder").unwrap();
    let out = agentspec()
        .args(["check", "--format", "json", "--cache-dir"])
        .arg(&blocked)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the cache"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"summary\""));
}

#[test]
fn a_cached_file_outside_agents_folders_still_needs_its_name() {
    // Found outside an agents folder, a Markdown file is an agent only if its frontmatter has
    // `name:`; checked by name, it is checked whatever it holds. The cache must not carry the
    // second verdict over to the first, even when it trusts the file's signature.
    let dir = tempfile::tempdir().unwrap();
    // Its findings (no name, no description) suppressed: checked by name it has none, so the
    // cache keeps no text for it.
    write(
        dir.path(),
        "docs/notes.md",
        "---\ntitle: notes\n---\n<!-- agentspec-disable-file -->\nNot an agent.\n",
    );
    write(
        dir.path(),
        "docs/helper.md",
        "---\nname: helper\ndescription: Helps\n---\nAn agent outside .claude.\n",
    );
    let cache = tempfile::tempdir().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    for args in [
        vec!["docs/notes.md"],
        vec!["--only-agent-files", "docs/notes.md"],
        vec!["docs"],
        vec!["docs/notes.md", "docs/helper.md"],
        vec!["--only-agent-files", "docs/notes.md", "docs/helper.md"],
    ] {
        let (cached, plain) = with_and_without(dir.path(), cache.path(), &args);
        assert_eq!(cached, plain, "{args:?}");
    }
    let (walked, _) = with_and_without(dir.path(), cache.path(), &["docs"]);
    assert!(!walked.contains("notes.md") && walked.contains("helper.md"));
}

#[test]
fn a_cache_dir_that_holds_other_files_gets_no_gitignore() {
    let dir = project();
    let (_, plain) = with_and_without(dir.path(), tempfile::tempdir().unwrap().path(), &[]);
    // The project's own folder as the cache folder: a `.gitignore` of `*` there would hide
    // the agents from every later run.
    for _ in 0..2 {
        let out = check(dir.path(), &["--format", "json", "--cache-dir", ".claude"]);
        assert_eq!(String::from_utf8(out).unwrap(), plain);
    }
    assert!(!dir.path().join(".claude/.gitignore").exists());
    assert!(!dir.path().join(".claude/CACHEDIR.TAG").exists());
}

/// The file paths a JSON report names.
fn reported_files(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut files: Vec<String> = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn a_remembered_walk_sees_files_and_ignore_rules_that_changed() {
    // Each scenario in a project of its own; one wait for all, so that the first runs trust
    // the folders' signatures and remember their walks.
    type Change = fn(&Path);
    let scenarios: [(&str, Change, &str, bool); 6] = [
        (
            "a new file",
            |d| {
                write(
                    d,
                    ".claude/agents/new.md",
                    "---\nname: new\ndescription: New\n---\nNew.\n",
                )
            },
            "new.md",
            true,
        ),
        (
            "a removed file",
            |d| fs::remove_file(d.join(".claude/agents/typo.md")).unwrap(),
            "typo.md",
            false,
        ),
        (
            "a renamed file",
            |d| {
                fs::rename(
                    d.join(".claude/agents/typo.md"),
                    d.join(".claude/agents/renamed.md"),
                )
                .unwrap()
            },
            "renamed.md",
            true,
        ),
        (
            "an edited .gitignore",
            |d| write(d, ".gitignore", "ignored/\n.claude/agents/typo.md\n"),
            "typo.md",
            false,
        ),
        (
            "a new .gitignore below",
            |d| write(d, ".claude/agents/sub/.gitignore", "two.md\n"),
            "sub/two.md",
            false,
        ),
        (
            "a file in a new folder",
            |d| {
                write(
                    d,
                    ".claude/agents/deeper/still/three.md",
                    "---\nname: three\ndescription: Third\n---\nThree.\n",
                )
            },
            "deeper/still/three.md",
            true,
        ),
    ];
    let dirs: Vec<_> = scenarios
        .iter()
        .map(|_| {
            let dir = project();
            write(dir.path(), ".gitignore", "ignored/\n");
            dir
        })
        .collect();
    let cache = tempfile::tempdir().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    for ((what, change, file, present), dir) in scenarios.iter().zip(&dirs) {
        let cache = cache.path().join(what.replace(' ', "-"));
        let (first, plain) = with_and_without(dir.path(), &cache, &[]);
        assert_eq!(first, plain, "{what}: first run");
        let walk = fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "walk"));
        assert!(walk.is_some(), "{what}: the settled walk was remembered");
        let (again, plain) = with_and_without(dir.path(), &cache, &[]);
        assert_eq!(again, plain, "{what}: the remembered walk");
        change(dir.path());
        let (changed, plain) = with_and_without(dir.path(), &cache, &[]);
        assert_eq!(changed, plain, "{what}: after the change");
        let listed = reported_files(&changed)
            .iter()
            .any(|p| p.ends_with(&format!(".claude/agents/{file}")));
        assert_eq!(
            listed,
            *present,
            "{what}: {file} in {:?}",
            reported_files(&changed)
        );
    }
}

#[test]
fn a_remembered_walk_sees_what_decides_it_from_outside_the_folders_walked() {
    // Checked: a folder below the project root, or a project with a repository inside.
    type Change = fn(&Path);
    let scenarios: [(&str, &str, Change, &str, bool); 3] = [
        // A `SKILL.md` above the folder checked makes its files a skill's.
        (
            "skill above",
            "skills/foo/sub",
            |d| {
                write(
                    d,
                    "skills/foo/SKILL.md",
                    "---\nname: foo\ndescription: Foo\n---\nFoo.\n",
                )
            },
            "skills/foo/sub/x.md",
            false,
        ),
        // A nested repository's exclude file, edited in place.
        (
            "nested exclude",
            ".",
            |d| write(d, "inner/.git/info/exclude", "agents/y.md\n"),
            "inner/agents/y.md",
            false,
        ),
        // An ignore file reached through a link, edited where it lives.
        (
            "linked ignore",
            ".",
            |d| write(d, "dotfiles/ignore", "inner/\n"),
            "inner/agents/y.md",
            false,
        ),
    ];
    let dirs: Vec<_> = scenarios
        .iter()
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            write(
                d,
                "skills/foo/sub/x.md",
                "---\nname: x\ndescription: X\n---\nX.\n",
            );
            write(
                d,
                "inner/agents/y.md",
                "---\nname: y\ndescription: Y\n---\nY.\n",
            );
            write(d, "inner/.git/info/exclude", "# nothing\n");
            write(d, "dotfiles/ignore", "# nothing\n");
            std::os::unix::fs::symlink(d.join("dotfiles/ignore"), d.join(".ignore")).unwrap();
            dir
        })
        .collect();
    let cache = tempfile::tempdir().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    for ((what, root, change, file, present), dir) in scenarios.iter().zip(&dirs) {
        let cache = cache.path().join(what.replace(' ', "-"));
        let (first, plain) = with_and_without(dir.path(), &cache, &[root]);
        assert_eq!(first, plain, "{what}: first run");
        let (again, plain) = with_and_without(dir.path(), &cache, &[root]);
        assert_eq!(again, plain, "{what}: the remembered walk");
        change(dir.path());
        let (changed, plain) = with_and_without(dir.path(), &cache, &[root]);
        assert_eq!(changed, plain, "{what}: after the change");
        let files = serde_json::from_str::<serde_json::Value>(&changed)
            .map(|_| reported_files(&changed))
            .unwrap_or_default();
        let listed = files.iter().any(|p| p.ends_with(file));
        assert_eq!(listed, *present, "{what}: {file} in {files:?}");
    }
}
