//! `docs/rules/` is generated from the rules' own documentation; this test fails when it is
//! stale. Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::fmt::Write;
use std::path::Path;

use agentspec::cli::explain;
use agentspec::rules::RULES;

fn expected() -> Vec<(String, String)> {
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' documentation (`agentspec explain CODE` prints the same).\n\n| code | name | category | default | fix | what it does |\n|---|---|---|---|---|---|\n",
    );
    let mut pages = Vec::new();
    for r in RULES {
        let m = r.meta;
        let file = format!("{}-{}.md", m.code, m.name);
        let fix = match m.fix {
            agentspec::rules::FixAvailability::None => "",
            agentspec::rules::FixAvailability::Sometimes => "sometimes",
            agentspec::rules::FixAvailability::Always => "yes",
        };
        let _ = writeln!(
            index,
            "| [{}]({file}) | `{}` | {} | {} | {fix} | {} |",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            m.summary().replace('|', "\\|")
        );
        pages.push((file, explain(m)));
    }
    pages.push(("README.md".to_owned(), index));
    pages
}

#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new("docs/rules");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    let pages = expected();
    for (file, content) in &pages {
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(dir).expect("mkdir");
            std::fs::write(&path, content).expect("write");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(file.clone());
        }
    }
    let names: Vec<&str> = pages.iter().map(|(f, _)| f.as_str()).collect();
    for entry in std::fs::read_dir(dir).expect("docs/rules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !names.contains(&name.as_str()) {
            if update {
                std::fs::remove_file(dir.join(&name)).expect("remove");
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}; run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}
