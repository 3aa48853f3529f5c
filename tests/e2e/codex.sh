#!/usr/bin/env bash
# The runner end to end with the real OpenAI Codex CLI, pinned to the release its adapter was
# measured on (0.169.0, from npm), against the oracle's stand-in model on 127.0.0.1
# (../shared/oracle-codex). Codex's sandbox needs bubblewrap (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
codex="$(scripts/install-codex.sh 0.169.0 "${AGENTSPEC_CLAUDE_CACHE:-$HOME/.cache/agentspec}")"
python3 tests/e2e/codex_e2e.py --codex "$codex" --agentspec target/release/agentspec
