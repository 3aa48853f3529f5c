//! `agentspec rules` and `agentspec explain`.

use std::process::ExitCode;

use crate::cli::args::ListFormat;
use crate::cli::{Status, print};
use crate::rules::{self, RULES};

pub(crate) fn listing(format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.meta.code,
                        "name": r.meta.name,
                        "category": r.meta.category,
                        "severity": r.meta.severity,
                        "fix": r.meta.fix,
                        "dialects": r.meta.dialects_checked().iter().map(|d| d.id).collect::<Vec<_>>(),
                        "summary": r.meta.summary(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let mut s = String::new();
            for r in RULES {
                let fix = match r.meta.fix {
                    rules::FixAvailability::None => " ",
                    _ => "🛠",
                };
                s.push_str(&format!(
                    "{:<6} {:<32} {:<12} {:<8} {:<24} {fix} {}\n",
                    r.meta.code,
                    r.meta.name,
                    r.meta.category.as_str(),
                    r.meta.severity.as_str(),
                    r.meta.kinds(),
                    r.meta.summary()
                ));
            }
            s
        }
    }
}

/// Prints one rule's documentation.
pub(crate) fn explain(rule: &str) -> ExitCode {
    match rules::find(rule) {
        Some(r) => print(&r.meta.explain()).into(),
        None => {
            let hint = rules::suggest_selector(rule)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            eprintln!("agentspec: unknown rule `{rule}`{hint}");
            Status::Failure.into()
        }
    }
}
