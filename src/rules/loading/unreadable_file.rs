declare_rule! {
    /// ## What it does
    /// Reports a file that could not be read or is not text: a permission error, a broken or
    /// looping symbolic link, a binary file, or a file above the size limit (16 MiB).
    ///
    /// ## Why is this bad?
    /// Claude Code cannot use such a file as an agent either, and nothing else about it can be
    /// checked. The other files are still checked.
    ///
    /// ## Example
    /// An agent file holding NUL bytes, such as an image saved with a `.md` name.
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// Review the change.
    /// ```
    pub RULE = { code: "AS000", name: "unreadable-file", label: "cannot be read", category: Loading, severity: Error, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}
