#!/usr/bin/env python3
"""Which skill, command and agent probe files the real Claude Code loads, and whether agentspec agrees.

FOLDER holds `project/`, a project whose `.claude/skills/`, `.claude/commands/` and
`.claude/agents/` hold one probe file per situation. `project/` is copied to a temporary
directory, the real `claude -p` runs there against the stand-in model API on 127.0.0.1 (with a
fresh HOME and the environment of loader_diff.py), and a verdict is derived for every probe file
(path relative to the project, e.g. `.claude/skills/good/SKILL.md`):

    {"kind": "skill"|"command"|"agent", "loads": bool, "name": NAME or null,
     "display": DISPLAY or null, "model_invocable": bool, "user_invocable": bool}

(agents carry only kind, loads and name). How each field is known:

* model_invocable: the name is in the skill listing of the first request, the block
  "The following skills are available for use with the Skill tool:\\n\\n- NAME: DESCRIPTION"
  (or "- NAME (DISPLAY): DESCRIPTION" when the front matter `name:` differs from NAME).
  Skills and commands share that one list. `display` is that parenthesised name.
* user_invocable: the name is in `slash_commands` of the `system/init` message that
  `--output-format stream-json --verbose` prints, or typing `/NAME` as the prompt expanded it.
* loads: either of the above, or typing `/NAME` answered "This skill can only be invoked by
  Claude" (a file that is registered but neither model- nor user-invocable).
* name: the name it is offered under (what the Skill tool and `/NAME` take).
* agents: loads when offered in "Available agent types for the Agent tool".

Which file a listed name belongs to: each probe file holds a unique marker `PROBE-...` (the
first one in the file), which shows in its listed description. Names listed without a marker
(the description was taken from a body without one, or the list was shortened to names) are
given to the one not-yet-matched probe that could carry that name (its skill folder, its
command path `a:b:c`, its front matter `name:` or its file stem). For probes still unmatched,
each such candidate name that is not taken is typed as the prompt `/NAME`, one run each.
Names that a run in an empty project also offers are built-ins and never matched by name.

`--write-verdicts` writes FOLDER/verdicts-VERSION.json ({"claude_code": `claude --version`,
"files": {...}}, sorted). With `--agentspec PATH`, `PATH check FOLDER/project --format json
--isolated [--claude-code V]` runs too and, for every probe, its `loads` is compared with Claude
Code's; a probe agentspec does not report counts as `loads: false`. Exit status 1 on any
disagreement (printed as `DISAGREE:` lines) or when the CLI sent no skill listing.

Usage: skills_diff.py --claude PATH [--agentspec PATH] [--claude-code VERSION]
       [--write-verdicts] FOLDER
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin import StandIn, cli_env  # noqa: E402
from loader_diff import offered_agents, strings  # noqa: E402

SKILLS_HEADER = re.compile(r"The following skills are (?:also )?available for use with the Skill tool[^\n]*:\n\n")
SHORTENED = "This list is shortened to save room"
MARKER = re.compile(r"PROBE-[A-Z0-9]+(?:-[A-Z0-9]+)*")
ENTRY = re.compile(r"- (.+?)(?: \(([^\s()]+)\))?: (.*)", re.DOTALL)
NAME_ONLY = re.compile(r"- (.+?)(?: \(([^\s()]+)\))?")
ONLY_CLAUDE = "can only be invoked by Claude"
NO_SUCH = "no command with that name is available"
KINDS = {"skills": "skill", "commands": "command", "agents": "agent"}
MAX_TYPED = 60


def run_claude(claude, project, home, url, prompt="hello", stream=True):
    """`claude -p PROMPT` in PROJECT with only the environment loader_diff.py gives it."""
    env = cli_env(home, url)
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    fmt = ["--output-format", "stream-json", "--verbose"] if stream else ["--output-format", "json"]
    return subprocess.run(
        [claude, "-p", prompt, *fmt],
        cwd=project, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=180,
    )


class Session:
    """Runs of one CLI, each with a fresh HOME under a temporary directory."""

    def __init__(self, claude, tmp):
        self.claude = claude
        self.tmp = tmp
        self.count = 0

    def run(self, project, prompt="hello", stream=True):
        self.count += 1
        home = self.tmp / f"home-{self.count}"
        home.mkdir()
        with StandIn() as standin:
            result = run_claude(self.claude, project, home, standin.url, prompt, stream)
            return result, standin.requests


def init_message(stdout):
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == "system" and event.get("subtype") == "init":
            return event
    return None


def skill_listing(requests):
    """[(name, display, description)] from the first skill listing any request carried, and
    whether the list was shortened (over its budget the CLI lists some skills as `- NAME` or
    `- NAME (DISPLAY)` only); (None, False) when there was none."""
    for body in requests:
        for text in strings(body):
            m = SKILLS_HEADER.search(text)
            if m is None:
                continue
            block = text[m.end():]
            block, _, after = block.partition("\n\n")
            entries = []
            for line in block.split("\n"):
                if line.startswith("- "):
                    e = ENTRY.fullmatch(line) or NAME_ONLY.fullmatch(line)
                    entries.append([e.group(1), e.group(2), e.group(3) if e.re is ENTRY else ""])
                elif entries:
                    entries[-1][2] += "\n" + line
            shortened = after.startswith(SHORTENED) or any(not e[2] for e in entries)
            return [tuple(e) for e in entries], shortened
    return None, False


def probe_files(project):
    """Relative path -> (kind, text) for every file under .claude/{skills,commands,agents}."""
    probes = {}
    for top, kind in KINDS.items():
        root = project / ".claude" / top
        if not root.is_dir():
            continue
        for dirpath, _, filenames in os.walk(root):
            for filename in filenames:
                path = Path(dirpath) / filename
                rel = path.relative_to(project).as_posix()
                probes[rel] = (kind, path.read_text(encoding="utf-8", errors="replace"))
    return dict(sorted(probes.items()))


def candidates(rel, kind, text):
    """Names the CLI could give this file, most likely first."""
    parts = rel.split("/")[2:]
    stem = re.sub(r"\.[^.]*$", "", parts[-1])
    out = []
    if kind == "skill":
        if len(parts) > 1:
            out += [parts[0], parts[-2]]
    elif kind == "command":
        out.append(":".join(parts[:-1] + [stem]))
        if len(parts) > 1:
            out.append(":".join(parts[:-1]))
    m = re.search(r"^name:[ \t]*(.+?)[ \t]*$", text, re.MULTILINE)
    if m:
        out.append(m.group(1).strip("\"'"))
    out.append(stem)
    return list(dict.fromkeys(n for n in out if n))


def typed(session, project, name):
    """What typing `/NAME` as the prompt did: ('user', expanded text) when it expanded,
    ('claude-only', '') when it exists but the user may not run it, ('none', '') when there is
    no such command, ('unknown', '') otherwise."""
    result, requests = session.run(project, f"/{name}", stream=False)
    if ONLY_CLAUDE in result.stdout:
        return "claude-only", ""
    tag = f"<command-name>/{name}</command-name>"
    for body in requests[:1]:
        texts = list(strings(body.get("messages", [])))
        if any(tag in t for t in texts):
            return "user", "\n".join(texts)
        if any(NO_SUCH in t for t in texts):
            return "none", ""
    return "unknown", ""


def body_line(text):
    """The first non-blank line of a probe's body (after its front matter, if it has one)."""
    m = re.match(r"\ufeff?---\r?\n.*?\n---[ \t]*\r?\n", text, re.DOTALL)
    body = text[m.end():] if m else text
    return next((line.strip() for line in body.splitlines() if line.strip()), "")


def body_shows(text, expanded):
    line = body_line(text)
    return bool(line) and line in expanded


def measure(folder, claude):
    """(verdicts, notes, cli version) for FOLDER/project."""
    notes = []
    with tempfile.TemporaryDirectory(prefix="agentspec-skills-") as tmp:
        tmp = Path(tmp)
        session = Session(claude, tmp)
        project = tmp / "project"
        shutil.copytree(folder / "project", project, symlinks=True)
        empty = tmp / "empty"
        empty.mkdir()

        base_result, base_requests = session.run(empty)
        base_init = init_message(base_result.stdout) or {}
        base_listing, _ = skill_listing(base_requests)
        builtin = set(base_init.get("slash_commands", [])) | {e[0] for e in base_listing or []}
        builtin_agents = set(offered_agents(base_requests) or {}) | set(base_init.get("agents", []))

        result, requests = session.run(project)
        init = init_message(result.stdout)
        listing, shortened = skill_listing(requests)
        if listing is None or init is None:
            raise RuntimeError(f"Claude Code sent no skill listing or init message "
                               f"(exit {result.returncode}): {result.stderr[-500:]}")
        if shortened:
            notes.append("the CLI shortened the skill listing (over its budget): some entries are names only")
        agents = offered_agents(requests) or {}
        slash = set(init.get("slash_commands", []))
        listed = {e[0]: e for e in listing}

        probes = probe_files(project)
        by_marker = {}
        for rel, (kind, text) in probes.items():
            m = MARKER.search(text)
            if m:
                if m.group(0) in by_marker:
                    notes.append(f"marker {m.group(0)} is in both {by_marker[m.group(0)]} and {rel}")
                by_marker.setdefault(m.group(0), rel)

        verdicts = {}
        taken = {}  # (kind family, name) -> rel

        def family(kind):
            return "agent" if kind == "agent" else "skill"

        def give(rel, name, display=None, how=None):
            kind = probes[rel][0]
            taken[(family(kind), name)] = rel
            if kind == "agent":
                verdicts[rel] = {"kind": kind, "loads": True, "name": name}
                return
            verdicts[rel] = {
                "kind": kind, "loads": True, "name": name, "display": display,
                "model_invocable": name in listed,
                "user_invocable": name in slash or how == "user",
            }

        for name, display, description in listing:
            m = MARKER.search(description)
            rel = by_marker.get(m.group(0)) if m else None
            if rel is not None and probes[rel][0] != "agent" and rel not in verdicts:
                give(rel, name, display)
        for name, description in agents.items():
            m = MARKER.search(description)
            rel = by_marker.get(m.group(0)) if m else None
            if rel is not None and probes[rel][0] == "agent" and rel not in verdicts:
                give(rel, name)

        def unmatched(fam):
            return [rel for rel, (kind, _) in probes.items() if rel not in verdicts and family(kind) == fam]

        def claimants(fam, name):
            return [rel for rel in unmatched(fam) if name in candidates(rel, probes[rel][0], probes[rel][1])]

        tried = set()
        for fam, names, known in (("skill", set(listed) | slash, builtin), ("agent", set(agents), builtin_agents)):
            for name in sorted(names - known):
                if (fam, name) in taken:
                    continue
                who = claimants(fam, name)
                if len(who) > 1 and fam == "skill":
                    outcome, expanded = typed(session, project, name)
                    tried.add(name)
                    who = [rel for rel in who if outcome == "user" and body_shows(probes[rel][1], expanded)] or who
                if len(who) == 1:
                    give(who[0], name, listed[name][1] if fam == "skill" and name in listed else None)
                elif who:
                    notes.append(f"`{name}` could be any of {who}: left unmatched")
                else:
                    notes.append(f"Claude Code offers {fam} `{name}`, which no probe explains")

        for rel in unmatched("skill"):
            if rel in verdicts:
                continue
            for name in candidates(rel, *probes[rel]):
                if ("skill", name) in taken or name in builtin or name in tried or re.search(r"\s", name):
                    continue
                if len(tried) >= MAX_TYPED:
                    notes.append(f"stopped typing names after {MAX_TYPED}")
                    break
                tried.add(name)
                outcome, expanded = typed(session, project, name)
                if outcome in ("user", "claude-only"):
                    who = claimants("skill", name)
                    if len(who) > 1 and outcome == "user":
                        who = [w for w in who if body_shows(probes[w][1], expanded)] or who
                    if len(who) == 1:
                        give(who[0], name, how=outcome)
                    else:
                        notes.append(f"typing `/{name}` found a command that could be any of {who}")
                elif outcome == "unknown":
                    notes.append(f"typing `/{name}` gave no recognisable answer")
                if rel in verdicts:
                    break

        for rel, (kind, _) in probes.items():
            if rel not in verdicts:
                verdicts[rel] = {"kind": kind, "loads": False, "name": None}
                if kind != "agent":
                    verdicts[rel].update(display=None, model_invocable=False, user_invocable=False)
        notes.append(f"{session.count} CLI runs ({len(tried)} typed `/NAME` probes)")
    version = subprocess.run([claude, "--version"], capture_output=True, text=True).stdout.strip()
    return dict(sorted(verdicts.items())), notes, version


def agentspec_loads(agentspec, project, version):
    pin = ["--claude-code", version] if version else []
    report = subprocess.run(
        [agentspec, "check", str(project), "--format", "json", "--isolated", "--no-cache", *pin],
        capture_output=True, text=True,
    )
    try:
        files = json.loads(report.stdout)["files"]
    except (ValueError, KeyError) as e:
        raise RuntimeError(f"agentspec gave no JSON report (exit {report.returncode}): {report.stderr[-500:]}") from e
    out = {}
    for f in files:
        path = f["path"].replace("\\", "/")
        rel = ".claude/" + path.split("/.claude/", 1)[1] if "/.claude/" in path else path
        # A command a skill of the same name shadows loads on its own, and is dropped by the
        # skill (AS755): it does not load.
        shadowed = any(d["code"] == "AS755" for d in f["diagnostics"])
        out[rel] = bool(f["loads"]) and not shadowed
    return out


def compare(verdicts, predicted):
    problems = []
    for rel, verdict in verdicts.items():
        says = predicted.get(rel, False)
        if says != verdict["loads"]:
            reported = "" if rel in predicted else " (not reported)"
            problems.append(f"{rel}: agentspec predicts loads={str(says).lower()}{reported}, "
                            f"Claude Code {'loads' if verdict['loads'] else 'skips'} it")
    for rel in sorted(set(predicted) - set(verdicts)):
        print(f"note: agentspec reports {rel}, which is not a probe")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claude", required=True)
    parser.add_argument("--agentspec")
    parser.add_argument("--claude-code", help="the release agentspec predicts (check --claude-code)")
    parser.add_argument("--write-verdicts", action="store_true",
                        help="record Claude Code's verdicts in FOLDER/verdicts-VERSION.json")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    folder = args.folder
    try:
        verdicts, notes, version = measure(folder, args.claude)
    except RuntimeError as e:
        print(f"{folder}: {e}")
        return 1
    for note in notes:
        print("note:", note)
    loaded = sum(v["loads"] for v in verdicts.values())
    print(f"{folder}: {len(verdicts)} probes, {loaded} load in {version}")
    if args.write_verdicts:
        target = folder / f"verdicts-{version.split()[0]}.json"
        target.write_text(json.dumps({"claude_code": version, "files": verdicts}, indent=1) + "\n")
        print(f"wrote {target} from what Claude Code did")
    if not args.agentspec:
        return 0
    try:
        predicted = agentspec_loads(args.agentspec, folder / "project", args.claude_code)
    except RuntimeError as e:
        print(e)
        return 1
    problems = compare(verdicts, predicted)
    for p in problems:
        print("DISAGREE:", p)
    print(f"{len(verdicts) - len(problems)} agree, {len(problems)} disagree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
