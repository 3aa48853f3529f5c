#!/usr/bin/env bash
# Tests against the real Claude Code, every release agentspec measured (2.1.328 to 2.1.332, each
# pinned), run headless against a stand-in model API on 127.0.0.1: the differential test of
# `loads`, of skills and commands, of the settings-file check and of the tools granted per
# release (`--claude-code`), and the runner end to end on the oldest and the newest.
# Installs each pinned CLI from npm once (into $AGENTSPEC_CLAUDE_CACHE/claude-code-VERSION,
# default ~/.cache/agentspec).
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=(2.1.328 2.1.329 2.1.330 2.1.331 2.1.332)
# The runner's end-to-end tests: the oldest and the newest release (the hook contract did not
# change between them; the loader did).
ends=" 2.1.328 2.1.332 "
cache="${AGENTSPEC_CLAUDE_CACHE:-$HOME/.cache/agentspec}"
cargo build --release --quiet
for version in "${versions[@]}"; do
    claude="$(scripts/install-claude.sh "$version" "$cache")"
    "$claude" --version
    python3 tests/differential/loader_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" \
        fixtures/loader-truth/agents fixtures/loader-extra/agents fixtures/loader-hooks/agents \
        fixtures/loader-drift/agents fixtures/loader-continuation/agents \
        fixtures/loader-release/agents
    # The hook schema and model aliases the program carries are the ones recorded.
    python3 scripts/release-vocab.py "$claude" | python3 -c '
import json, sys
got, want = json.load(sys.stdin), json.load(open(sys.argv[1]))
sys.exit(0 if got == want else "the program of %s carries another hook schema or model list than %s" % (got["claude_code"], sys.argv[1]))
' "fixtures/release-vocab/$version.json"
    # The unsafe fix of a description continued on unindented lines: loads, with every line.
    python3 tests/differential/fix_diff.py --claude "$claude" --agentspec target/release/agentspec \
        fixtures/loader-continuation/agents
    # Which skills and slash commands load (fixtures/loader-skills, with its verdict files).
    python3 tests/differential/skills_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" fixtures/loader-skills
    python3 tests/differential/settings_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" fixtures/settings
    # The tools each probe agent is granted, headless, as subagent and as the session's agent
    # (fixtures/tool-grants; the interactive seats on the oldest and the newest, below).
    python3 tests/differential/grants_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" --modes sub,main fixtures/tool-grants
    [[ "$ends" == *" $version "* ]] || continue
    # The same in the interactive terminal UI, in a pseudo-terminal.
    python3 tests/differential/grants_diff.py --claude "$claude" --agentspec target/release/agentspec \
        --claude-code "$version" --modes tui-sub,tui-main fixtures/tool-grants
    # The runner end to end: hooks installed by `agentspec hooks install` deny an early commit
    # and allow it after the user's `yes`.
    python3 tests/e2e/hooks_e2e.py --claude "$claude" --agentspec target/release/agentspec
    # A protocol written in a skill holds for the agent that uses it.
    python3 tests/e2e/skills_e2e.py --claude "$claude" --agentspec target/release/agentspec
done
