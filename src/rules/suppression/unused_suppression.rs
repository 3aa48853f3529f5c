declare_rule! {
    /// ## What it does
    /// Reports a suppression comment that suppresses nothing, or that names a rule that does
    /// not exist.
    ///
    /// Suppression comments: `<!-- agentspec-disable-next-line CODE -->` (or
    /// `# agentspec-disable-next-line CODE` inside the frontmatter) silences the named rules
    /// (codes or names, separated by commas or spaces; none means every rule) on the next
    /// line; `<!-- agentspec-disable-file CODE -->` silences them in the whole file.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next problem of that kind at that place, and a mistyped
    /// code suppresses nothing.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// <!-- agentspec-disable-next-line AS301 -->
    /// All good here.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// All good here.
    /// ```
    pub RULE = { code: "AS901", name: "unused-suppression", label: "suppresses nothing", category: Suppression, severity: Warning, fix: Always, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}
