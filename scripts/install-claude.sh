#!/usr/bin/env bash
# Installs Claude Code VERSION from npm into CACHE/claude-code-VERSION (once) and prints the path
# of its `claude`. An unpinned install on Node 20 resolves to an older release: always pin.
# Usage: scripts/install-claude.sh VERSION [CACHE]   (CACHE default: ~/.cache/agentspec)
set -euo pipefail
version="${1:?usage: scripts/install-claude.sh VERSION [CACHE]}"
dir="${2:-$HOME/.cache/agentspec}/claude-code-$version"
claude="$dir/node_modules/.bin/claude"
if ! "$claude" --version 2>/dev/null | grep -q "^$version "; then
    mkdir -p "$dir"
    echo '{"private": true}' > "$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
        "@anthropic-ai/claude-code@$version" >&2)
fi
echo "$claude"
