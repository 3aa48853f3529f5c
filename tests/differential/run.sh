#!/usr/bin/env bash
# Tests against the real Claude Code 2.1.328, run headless against a
# stand-in model API on 127.0.0.1: the differential test of `loads`, and the runner end to end.
# Installs the pinned CLI from npm once (into
# $AGENTSPEC_CLAUDE_DIR, default ~/.cache/agentspec/claude-code-2.1.328).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=2.1.328
dir="${AGENTSPEC_CLAUDE_DIR:-$HOME/.cache/agentspec/claude-code-$version}"
claude="$dir/node_modules/.bin/claude"
if ! "$claude" --version 2>/dev/null | grep -q "^$version "; then
    mkdir -p "$dir"
    echo '{"private": true}' > "$dir/package.json"
    # An unpinned install on Node 20 resolves to an older release: keep the version pinned.
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$version")
fi
"$claude" --version
cargo build --release --quiet
python3 tests/differential/loader_diff.py --claude "$claude" --agentspec target/release/agentspec \
    fixtures/loader-truth/agents fixtures/loader-extra/agents
# The runner end to end: hooks installed by `agentspec hooks install` deny an early commit and
# allow it after the user's `yes`.
python3 tests/e2e/hooks_e2e.py --claude "$claude" --agentspec target/release/agentspec
