#!/usr/bin/env bash
# The packages people install without a Rust toolchain, built and installed for real:
# - the Python wheel (scripts/package.sh wheel), installed with pip from the file into a fresh
#   virtualenv;
# - the npm packages for this platform (scripts/package.sh npm), installed with npm from the
#   tarballs into a fresh project;
# each then runs `agentspec check` on the shipped examples and `build` + `hooks install` in a
# scratch git repository, from the installed command.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
fail() { echo "packages: FAIL: $*" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export AGENTSPEC_CLAUDE=""

# Runs the installed `agentspec` ($1) the way a new user would.
exercise() {
    local agentspec="$1" label="$2"
    "$agentspec" --version | grep -q "^agentspec " || fail "$label: --version"
    "$agentspec" check --no-cache "$repo/examples" > "$work/$label-check.txt" \
        || fail "$label: check examples: $(tail -3 "$work/$label-check.txt")"
    local project="$work/$label-project"
    mkdir -p "$project"
    cp -r "$repo/examples/.claude" "$project/.claude"
    git -C "$project" init -q
    (cd "$project" && "$agentspec" build > /dev/null 2>&1) || fail "$label: build"
    (cd "$project" && XDG_STATE_HOME="$work/$label-state" "$agentspec" hooks install --no-sandbox \
        > "$work/$label-install.txt" 2>&1) || fail "$label: hooks install: $(cat "$work/$label-install.txt")"
    grep -q '"command"' "$project/.claude/settings.json" || fail "$label: no hook in the settings"
    echo "packages: $label: --version, check, build and hooks install ok ($(grep -E '^(Found|All checks)' "$work/$label-check.txt"))"
}

# The wheel, from the file, into a fresh virtualenv.
wheel="$(scripts/package.sh wheel "$work/wheels" | tail -1)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
[ -x "$work/venv/bin/agentspec" ] || fail "the wheel installed no agentspec command"
exercise "$work/venv/bin/agentspec" wheel

# The npm packages for this machine, from the tarballs, into a fresh project.
case "$(uname -m)" in
x86_64) cpu=x64 ;;
aarch64 | arm64) cpu=arm64 ;;
*) fail "no npm package for $(uname -m)" ;;
esac
# The binary maturin built for the wheel (target/release, like `cargo build --release`).
scripts/package.sh npm linux "$cpu" target/release/agentspec "$work/npm" > /dev/null
mkdir -p "$work/node-project"
echo '{"private": true}' > "$work/node-project/package.json"
(cd "$work/node-project" && npm install --no-audit --no-fund --loglevel=error \
    "$work/npm/agentspec-lint-linux-$cpu-"*.tgz "$work/npm/agentspec-lint-0"*.tgz > /dev/null) \
    || fail "npm install from the tarballs"
exercise "$work/node-project/node_modules/.bin/agentspec" npm
