#!/usr/bin/env bash
# The test suite: `cargo test`, after making sure of what it needs beyond Rust. The confined
# runner's tests run every command they allow inside a bubblewrap sandbox built from the
# settings `hooks install` writes, as Claude Code runs the agent's commands, so bubblewrap (and
# socat, which Claude Code's sandbox needs) are installed from Debian's packages when missing.
# Arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bwrap > /dev/null || ! command -v socat > /dev/null; then
    if command -v apt-get > /dev/null; then
        sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "scripts/test.sh: installing bubblewrap and socat (the confined runner's tests run commands in a bubblewrap sandbox)" >&2
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq bubblewrap socat > /dev/null
    else
        echo "scripts/test.sh: the tests need bubblewrap and socat; install them with your package manager" >&2
        exit 2
    fi
fi
# The tests' default target is the newest measured Claude Code release, not the one this machine
# has on PATH (the tests that detect a release put their own `claude` there).
export AGENTSPEC_CLAUDE=""
exec cargo test "$@"
