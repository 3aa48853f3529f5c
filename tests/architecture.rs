//! The layers of `docs/architecture.md`, kept true: every `crate::` path in a top-level module's
//! code (comments left out) must be an import its line in the table allows.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The table between the `layers` markers: module -> allowed imports (`*` for any).
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(repo().join("docs/architecture.md")).unwrap();
    let start = doc.find("<!-- layers -->").expect("the layers table");
    let end = doc
        .find("<!-- /layers -->")
        .expect("the end of the layers table");
    doc[start..end]
        .lines()
        .filter(|l| !l.starts_with("<!--") && !l.starts_with("```") && !l.trim().is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            let module = words.next().unwrap().to_owned();
            let imports = words.filter(|w| *w != "-").map(str::to_owned).collect();
            (module, imports)
        })
        .collect()
}

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The top-level modules a module's code names through `crate::`.
fn imports(module: &str) -> BTreeSet<String> {
    let src = repo().join("src");
    let mut paths = Vec::new();
    let dir = src.join(module);
    if dir.is_dir() {
        files(&dir, &mut paths);
    } else {
        paths.push(src.join(format!("{module}.rs")));
    }
    let mut out = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// The imports the table does not allow, as `module -> import`.
fn violations(
    table: &BTreeMap<String, BTreeSet<String>>,
    actual: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (module, names) in actual {
        let Some(allowed) = table.get(module) else {
            out.push(format!("{module} is not in the table"));
            continue;
        };
        if allowed.contains("*") {
            continue;
        }
        for name in names.difference(allowed) {
            out.push(format!("{module} -> {name}"));
        }
    }
    out
}

/// Every top-level module of `src/` and what it imports.
fn actual() -> BTreeMap<String, BTreeSet<String>> {
    std::fs::read_dir(repo().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|m| m != "lib" && m != "main")
        .map(|m| {
            let i = imports(&m);
            (m, i)
        })
        .collect()
}

#[test]
fn every_import_follows_the_layers_of_docs_architecture() {
    let table = allowed();
    let actual = actual();
    assert_eq!(violations(&table, &actual), Vec::<String>::new());
    // The table names no module that does not exist.
    for module in table.keys() {
        assert!(actual.contains_key(module), "{module} is in the table only");
    }
}

#[test]
fn an_import_against_the_layers_is_found() {
    // The policy must not read Markdown: an edge `policy -> parse` is a violation, as is a
    // renderer imported by `lint`.
    let table = allowed();
    let mut actual = actual();
    actual.get_mut("policy").unwrap().insert("parse".to_owned());
    actual.get_mut("lint").unwrap().insert("render".to_owned());
    assert_eq!(
        violations(&table, &actual),
        ["lint -> render", "policy -> parse"]
    );
}

#[test]
fn the_layers_have_no_cycle() {
    let table = allowed();
    // Depth-first from each module over the allowed edges (`cli` imports everything and
    // nothing imports it).
    fn reaches(
        table: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        target: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let Some(next) = table.get(from) else {
            return false;
        };
        next.iter()
            .filter(|n| *n != "*")
            .any(|n| n == target || (seen.insert(n.clone()) && reaches(table, n, target, seen)))
    }
    for module in table.keys().filter(|m| *m != "cli") {
        assert!(
            !reaches(&table, module, module, &mut BTreeSet::new()),
            "{module} reaches itself"
        );
    }
}
