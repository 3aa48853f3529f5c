//! The files a Codex `apply_patch` call writes, read from its patch text: the `*** Add File:`,
//! `*** Update File:`, `*** Delete File:` and `*** Move to:` lines (Codex's patch format, as
//! its `PreToolUse` hook receives it in `tool_input.command`).

/// Every path the patch adds, changes, deletes or moves to, in order, each once.
pub fn paths(patch: &str) -> Vec<String> {
    const HEADERS: &[&str] = &[
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
    ];
    let mut out: Vec<String> = Vec::new();
    for line in patch.lines() {
        // Codex trims a header line before it matches it.
        let line = line.trim();
        if let Some(path) = HEADERS
            .iter()
            .find_map(|h| line.strip_prefix(h))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            && !out.iter().any(|p| p == path)
        {
            out.push(path.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_file_header() {
        let patch = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** Update File: src/b.rs\n*** Move to: src/c.rs\n@@\n-a\n+b\n*** Delete File: d\n*** Update File: a.txt\n*** End Patch\n";
        assert_eq!(paths(patch), ["a.txt", "src/b.rs", "src/c.rs", "d"]);
        assert!(paths("no patch").is_empty());
        // An added file's lines start with `+`: a header inside them is text.
        assert_eq!(paths("*** Add File: x\n+*** Add File: y\n"), ["x"]);
    }
}
