use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a setting of a Codex custom agent file that does not do what it says:
    /// `sandbox_mode`, which Codex ignores in an agent file (a spawned agent runs in its
    /// parent's sandbox, whatever the file asks: measured with 0.169.0, both ways), and a
    /// `model_reasoning_effort` the model does not support (the agent loads, and spawning it
    /// fails). And, as an error, `developer_instructions` written with escapes (a one-line
    /// `"...\n..."` string): agentspec reads the instructions as they stand in the file, so
    /// their protocol and Definition of Done would not be compiled while Codex shows the model
    /// the decoded text.
    ///
    /// ## Why is this bad?
    /// `sandbox_mode = "read-only"` reads like a safety measure and is none: the agent writes
    /// wherever its parent may. `danger-full-access` does not loosen it either.
    ///
    /// ## Example
    /// ```toml
    /// name = "auditor"
    /// description = "Reads the code and reports."
    /// sandbox_mode = "read-only"
    /// developer_instructions = "Report what you find."
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// name = "auditor"
    /// description = "Reads the code and reports."
    /// developer_instructions = "Report what you find."
    /// ```
    pub RULE = { code: "AS852", name: "codex-agent-setting", label: "Codex does not apply this as written", category: Frontmatter, severity: Warning, fix: None, dialects: ["codex-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if !cx.spec.load.loads() {
        return;
    }
    if let Some(field) = cx.spec.field(crate::parse::toml_doc::BODY_KEY)
        && let Some(decoded) = field.value.value.as_str()
        && cx.source.text.get(cx.doc.body_start..cx.doc.body_end) != Some(decoded)
    {
        let mut d = RULE
            .diag(
                field.value.span,
                "the instructions hold escapes: agentspec reads them as written in the file, so their protocol and Definition of Done are not enforced as Codex shows them",
            )
            .with_help("write `developer_instructions` as a multi-line string (`\"\"\"` or `'''`) without escapes");
        d.severity = crate::diagnostics::Severity::Error;
        out.push(d);
    }
    for p in crate::model::codex::problems(cx.doc, cx.spec)
        .into_iter()
        .filter(|p| !p.rejects)
    {
        let mut d = RULE.diag(p.span, p.message);
        if let Some(help) = p.help {
            d = d.with_help(help);
        }
        out.push(d);
    }
}
