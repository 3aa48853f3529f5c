#!/usr/bin/env bash
# Installs OpenAI Codex CLI VERSION from npm into CACHE/codex-VERSION (once) and prints the path
# of its `codex`. Always pinned: the hooks contract agentspec's Codex adapter was measured on is
# 0.169.0's.
# Usage: scripts/install-codex.sh VERSION [CACHE]   (CACHE default: ~/.cache/agentspec)
set -euo pipefail
version="${1:?usage: scripts/install-codex.sh VERSION [CACHE]}"
dir="${2:-$HOME/.cache/agentspec}/codex-$version"
codex="$dir/node_modules/.bin/codex"
if ! "$codex" --version 2>/dev/null | grep -qx "codex-cli $version"; then
    mkdir -p "$dir"
    echo '{"private": true}' > "$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "@openai/codex@$version" >&2)
fi
echo "$codex"
