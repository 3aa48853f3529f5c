#!/usr/bin/env bash
# pre-commit end to end: real pre-commit from PyPI, in a fresh virtualenv, runs this checkout's
# `.pre-commit-hooks.yaml` (at the current commit, built by pre-commit with cargo) in a
# throwaway git repository with one broken and one good agent file staged.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rev="$(git -C "$repo" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "precommit_e2e: FAIL: $*" >&2; exit 1; }

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==4.7.0"
precommit="$work/venv/bin/pre-commit"
export PRE_COMMIT_HOME="$work/pre-commit-home"
# Reuse the checkout's compiled dependencies: pre-commit's `cargo install` otherwise builds
# every crate from scratch in a temporary directory.
export CARGO_TARGET_DIR="$repo/target/precommit"

project="$work/project"
mkdir -p "$project/.claude/agents"
cd "$project"
git init --quiet
git config user.email ci@example.invalid
git config user.name CI
# The configuration is the README's pre-commit snippet, pointed at this checkout and commit.
python3 - "$repo/README.md" "$repo" "$rev" > .pre-commit-config.yaml <<'PY'
import re, sys
readme, repo, rev = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
section = readme.split("\n## Use in CI", 1)[1]
snippet = re.search(r"pre-commit — `\.pre-commit-config\.yaml`.*?```yaml\n(.*?)```",
                    section, re.S).group(1)
assert "https://github.com/agentspec/agentspec" in snippet and "rev: v0.1.0" in snippet
print(snippet.replace("https://github.com/agentspec/agentspec", repo)
      .replace("rev: v0.1.0", f"rev: {rev}"), end="")
PY
cat .pre-commit-config.yaml
# Broken: no description (Claude Code skips the agent: an error, no fix) and a deprecated
# `:*` rule (a warning with a safe fix).
printf -- '---\nname: broken\ntools: Read, Bash(git commit:*)\n---\nReview the change.\n' \
    > .claude/agents/broken.md
printf -- '---\nname: good\ndescription: Reviews changes\ntools: Read, Grep\n---\nReview.\n' \
    > .claude/agents/good.md
printf '# A project\n\nNot an agent: pre-commit passes it, agentspec leaves it alone.\n' > README.md
git add .pre-commit-config.yaml .claude README.md

set +e
"$precommit" run > "$work/check.out" 2>&1
status=$?
set -e
cat "$work/check.out"
[ "$status" -ne 0 ] || fail "pre-commit passed with a broken agent staged"
grep -q "AS007" "$work/check.out" || fail "the missing-description diagnostic is not shown"
grep -q "broken.md" "$work/check.out" || fail "the broken file is not named"
grep -q "good.md" "$work/check.out" && fail "the good file was reported"
grep -q "README.md" "$work/check.out" && fail "README.md was checked as an agent"
grep -q "Found 1 error and 1 warning in 2 files." "$work/check.out" \
    || fail "unexpected summary"

set +e
"$precommit" run --hook-stage manual agentspec-fix > "$work/fix.out" 2>&1
status=$?
set -e
cat "$work/fix.out"
[ "$status" -ne 0 ] || fail "agentspec-fix passed although an error remains"
grep -q 'Bash(git commit \*)' .claude/agents/broken.md || fail "the fixable rule was not fixed"
grep -q 'AS007' "$work/fix.out" || fail "the remaining error is not reported"
grep -q 'AS205(deprecated-colon-star)' "$work/fix.out" && fail "the fixed warning is still reported"
git diff --quiet -- .claude/agents/good.md || fail "the good file was modified"

# With the error mended by hand, the check passes.
printf -- '---\nname: broken\ndescription: Reviews\ntools: Read, Bash(git commit *)\n---\nReview.\n' \
    > .claude/agents/broken.md
git add .claude
"$precommit" run > "$work/pass.out" 2>&1 || { cat "$work/pass.out"; fail "the mended files fail"; }
echo "precommit_e2e: ok"
