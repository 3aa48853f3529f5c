//! What Codex does with a custom agent file (`.codex/agents/*.toml`), measured with 0.169.0
//! (`fixtures/codex-agents/`, 37 probes): the problems that make it drop the file, with
//! the words of its own warning, and the settings it reads differently than written.
//!
//! Codex reads the file as an agent role (`name`, `description`, `developer_instructions`,
//! `nickname_candidates`) on top of a configuration layer: every `config.toml` key is
//! accepted, any other key drops the file ("unknown field"). A dropped file is reported on
//! stderr only ("Ignoring malformed agent role definition"), twice, and every other agent
//! still loads.

use crate::parse::ParsedDoc;
use crate::parse::yaml::{Node, Outcome, Value};
use crate::source::Span;

use super::AgentSpec;

/// One thing Codex does not accept, or reads otherwise than written.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Codex drops the file for it.
    pub rejects: bool,
    pub skip: Option<super::Skip>,
}

/// The agent role's own keys.
const ROLE_KEYS: &[&str] = &[
    "name",
    "description",
    "developer_instructions",
    "nickname_candidates",
];

/// The top-level keys of Codex's `config.toml` (`ConfigToml`, from the configuration schema
/// Codex publishes, `codex-rs/core/config.schema.json`), which an agent file may set.
pub const CONFIG_KEYS: &[&str] = &[
    "agents",
    "allow_login_shell",
    "analytics",
    "approval_policy",
    "approvals_reviewer",
    "apps",
    "apps_mcp_product_sku",
    "audio",
    "auto_review",
    "background_terminal_max_timeout",
    "chatgpt_base_url",
    "check_for_update_on_startup",
    "cli_auth_credentials_store",
    "compact_prompt",
    "debug",
    "default_permissions",
    "desktop",
    "developer_instructions",
    "disable_paste_burst",
    "experimental_compact_prompt_file",
    "experimental_realtime_start_instructions",
    "experimental_realtime_ws_backend_prompt",
    "experimental_realtime_ws_base_url",
    "experimental_realtime_ws_model",
    "experimental_realtime_ws_startup_context",
    "experimental_thread_config_endpoint",
    "experimental_thread_store",
    "experimental_use_unified_exec_tool",
    "features",
    "feedback",
    "file_opener",
    "forced_chatgpt_workspace_id",
    "forced_login_method",
    "ghost_snapshot",
    "hide_agent_reasoning",
    "history",
    "hooks",
    "include_apps_instructions",
    "include_collaboration_mode_instructions",
    "include_environment_context",
    "include_permissions_instructions",
    "instructions",
    "log_dir",
    "marketplaces",
    "mcp_oauth_callback_port",
    "mcp_oauth_callback_url",
    "mcp_oauth_credentials_store",
    "mcp_servers",
    "memories",
    "model",
    "model_auto_compact_token_limit",
    "model_auto_compact_token_limit_scope",
    "model_catalog_json",
    "model_context_window",
    "model_instructions_file",
    "model_provider",
    "model_providers",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_supports_reasoning_summaries",
    "model_verbosity",
    "notice",
    "notify",
    "openai_base_url",
    "oss_provider",
    "otel",
    "permissions",
    "personality",
    "plan_mode_reasoning_effort",
    "plugins",
    "profile",
    "profiles",
    "project_doc_fallback_filenames",
    "project_doc_max_bytes",
    "project_root_markers",
    "projects",
    "realtime",
    "review_model",
    "sandbox_mode",
    "sandbox_workspace_write",
    "service_tier",
    "shell_environment_policy",
    "show_raw_agent_reasoning",
    "skills",
    "sqlite_home",
    "suppress_unstable_features_warning",
    "tool_output_token_limit",
    "tool_suggest",
    "tools",
    "tui",
    "web_search",
    "windows",
];

const SANDBOX_MODES: &[&str] = &["read-only", "workspace-write", "danger-full-access"];
/// The reasoning efforts Codex 0.169.0's default model supports (its spawn error lists them).
const EFFORTS: &[&str] = &["minimal", "low", "medium", "high", "xhigh"];

/// Whether `key` is one Codex accepts in an agent file.
pub fn is_key(key: &str) -> bool {
    ROLE_KEYS.contains(&key) || CONFIG_KEYS.contains(&key)
}

fn reject(span: Span, message: String, skip: super::Skip) -> Problem {
    Problem {
        span,
        message,
        help: None,
        rejects: true,
        skip: Some(skip),
    }
}

/// Everything Codex rejects or reads otherwise in the file, in file order of kind: a parse
/// error alone, else the required fields, unknown keys and values.
pub fn problems(doc: &ParsedDoc, spec: &AgentSpec) -> Vec<Problem> {
    use super::Skip;
    if let Some(Outcome::Failed { error }) = doc.yaml.as_ref().map(|y| &y.outcome) {
        return vec![reject(
            error.span,
            format!(
                "Codex cannot parse the file as TOML: {}",
                error.message.trim()
            ),
            Skip::InvalidToml,
        )];
    }
    let mut out = Vec::new();
    let start = Span::empty(0);
    let required = [
        (
            "name",
            "a non-empty `name`",
            Skip::MissingName,
            Skip::NameNotString,
        ),
        (
            "description",
            "a description",
            Skip::MissingDescription,
            Skip::DescriptionNotString,
        ),
        (
            "developer_instructions",
            "`developer_instructions`",
            Skip::MissingInstructions,
            Skip::MissingInstructions,
        ),
    ];
    for (key, what, missing, not_string) in required {
        match spec.field(key).map(|f| (&f.value, f.key.span)) {
            None => out.push(reject(
                start,
                format!("Codex drops the agent: it must define {what} (`{key}`)"),
                missing,
            )),
            Some((
                Node {
                    value: Value::Str(s),
                    span,
                },
                _,
            )) if s.trim().is_empty() => {
                out.push(reject(
                    *span,
                    format!("Codex drops the agent: `{key}` cannot be blank"),
                    missing,
                ));
            }
            Some((
                Node {
                    value: Value::Str(_),
                    ..
                },
                _,
            )) => {}
            Some((node, _)) => out.push(reject(
                node.span,
                format!(
                    "Codex drops the agent: `{key}` is {}, not a string",
                    node.value.a_kind()
                ),
                not_string,
            )),
        }
    }
    for field in &spec.fields {
        let key = field.key.value.as_str();
        if !is_key(key) {
            let mut p = reject(
                field.key.span,
                format!(
                    "Codex drops the whole agent for a key it does not accept: unknown field `{key}`"
                ),
                Skip::CodexUnknownKey,
            );
            p.help = Some(
                match crate::vocab::did_you_mean(key, ROLE_KEYS.iter().chain(CONFIG_KEYS).copied())
                {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "an agent file takes the agent's keys and `config.toml`'s; remove the key"
                            .to_owned()
                    }
                },
            );
            out.push(p);
        }
    }
    let value = |key: &str| spec.field(key).map(|f| &f.value);
    if let Some(tools) = value("tools")
        && !matches!(tools.value, Value::Map(_))
    {
        let mut p = reject(
            tools.span,
            "Codex drops the agent: `tools` is Codex's `[tools]` configuration table, not a list of tools".to_owned(),
            Skip::CodexInvalidValue,
        );
        p.help = Some("a Codex agent gets the session's tools; the bundle's allowlist is what limits them: remove `tools`".to_owned());
        out.push(p);
    }
    if let Some(mode) = value("sandbox_mode") {
        match &mode.value {
            Value::Str(s) if SANDBOX_MODES.contains(&s.as_str()) => out.push(Problem {
                span: mode.span,
                message: format!("Codex ignores `sandbox_mode = \"{s}\"` in an agent file: a spawned agent runs in its parent's sandbox"),
                help: Some("set the sandbox where the session starts (`-s`, or the project's `.codex/config.toml`)".to_owned()),
                rejects: false,
                skip: None,
            }),
            other => out.push(reject(
                mode.span,
                format!(
                    "Codex drops the agent: `sandbox_mode` must be one of {}, not {}",
                    SANDBOX_MODES.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                    show(other)
                ),
                Skip::CodexInvalidValue,
            )),
        }
    }
    if let Some(names) = value("nickname_candidates") {
        let ok = match &names.value {
            Value::Seq(items) => items.iter().all(|n| {
                n.value.as_str().is_some_and(|s| {
                    !s.trim().is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                })
            }),
            _ => false,
        };
        if !ok {
            out.push(reject(
                names.span,
                "Codex drops the agent: nickname_candidates may only contain ASCII letters, digits, spaces, hyphens, and underscores".to_owned(),
                Skip::CodexInvalidValue,
            ));
        }
    }
    if let Some(effort) = value("model_reasoning_effort")
        && !effort.value.as_str().is_some_and(|s| EFFORTS.contains(&s))
    {
        out.push(Problem {
            span: effort.span,
            message: format!(
                "the agent loads, but spawning it fails: reasoning effort {} is not one Codex supports ({})",
                show(&effort.value),
                EFFORTS.join(", ")
            ),
            help: None,
            rejects: false,
            skip: None,
        });
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("`{s}`"),
        other => other.a_kind().to_owned(),
    }
}
