#!/usr/bin/env bash
# Tests against the real Claude Code, every release agentspec knows (2.1.328 and 2.1.332), run
# headless against a stand-in model API on 127.0.0.1: the differential test of `loads` and of the
# settings-file check per release (`--claude-code`), and the runner end to end on each.
# Installs each pinned CLI from npm once (into $AGENTSPEC_CLAUDE_CACHE/claude-code-VERSION,
# default ~/.cache/agentspec).
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=(2.1.328 2.1.332)
cache="${AGENTSPEC_CLAUDE_CACHE:-$HOME/.cache/agentspec}"
cargo build --release --quiet
for version in "${versions[@]}"; do
    claude="$(scripts/install-claude.sh "$version" "$cache")"
    "$claude" --version
    python3 tests/differential/loader_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" \
        fixtures/loader-truth/agents fixtures/loader-extra/agents fixtures/loader-hooks/agents \
        fixtures/loader-drift/agents fixtures/loader-continuation/agents
    # The unsafe fix of a description continued on unindented lines: loads, with every line.
    python3 tests/differential/fix_diff.py --claude "$claude" --agentspec target/release/agentspec \
        fixtures/loader-continuation/agents
    # Which skills and slash commands load (fixtures/loader-skills, with its verdict files).
    python3 tests/differential/skills_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" fixtures/loader-skills
    python3 tests/differential/settings_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" fixtures/settings
    # The runner end to end: hooks installed by `agentspec hooks install` deny an early commit
    # and allow it after the user's `yes`.
    python3 tests/e2e/hooks_e2e.py --claude "$claude" --agentspec target/release/agentspec
    # A protocol written in a skill holds for the agent that uses it.
    python3 tests/e2e/skills_e2e.py --claude "$claude" --agentspec target/release/agentspec
done
