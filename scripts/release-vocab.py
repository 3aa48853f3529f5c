#!/usr/bin/env python3
"""Reads from a Claude Code release's program what agentspec models of it, as JSON on stdout.

Usage: scripts/release-vocab.py CLAUDE    (the `claude` of an npm install, e.g. from
       scripts/install-claude.sh; the native program beside its package.json is read)

- `hook_types`: every hook `type` of the settings schema (`BashCommandHookSchema`, ...), each key
  with its type in words (`string`, `boolean`, `number above 0`, `list of strings`, ...).
- `hook_events`: the hook events it knows (its longest list of them).
- `model_aliases`: the aliases the release accepts for `model`.
- `settings_names`: the names declared as lazy fields (`KEY:()=>...`) around the settings
  schema's field factory (`cleanupPeriodDays:()=>`), and `permissions_names`: the names declared
  around `permissions`' `blockWritesOutsideWorkingDirectories`. Both are supersets read by a
  pattern, not the schema itself (the feature registry's keys, spread in from elsewhere, are
  missing): they date when each settings key agentspec knows arrived.

The program is minified: the schema's helper names change from one build to the next, so each
helper's role is read off a field whose type is known (`once` is a boolean, `command` a string).
tests/release_vocab.rs compares agentspec's tables with each recorded file.
"""
import json
import re
import subprocess
import sys
from pathlib import Path


def strip_calls(text, name):
    """Removes every `.NAME(...)` call (with its string arguments) from minified code."""
    out, j, marker = [], 0, f".{name}("
    while j < len(text):
        if text.startswith(marker, j):
            j = matching(text, j + len(marker) - 1) + 1
            continue
        out.append(text[j])
        j += 1
    return "".join(out)


def split_top(text):
    """Splits `a:x(),b:y(z,w)` at the commas outside brackets and strings."""
    parts, start, i, depth = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'`":
            i = string_end(text, i)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    if start < len(text):
        parts.append(text[start:])
    return parts


def string_end(text, at):
    """The index of the quote closing the string that opens at `at` (escapes skipped)."""
    i = at + 1
    while i < len(text) and text[i] != text[at]:
        i += 2 if text[i] == "\\" else 1
    return i


def matching(text, at):
    """The index of the bracket closing the one at `at` (strings and their escapes skipped)."""
    depth, i = 0, at
    while i < len(text):
        c = text[i]
        if c in "\"'`":
            i = string_end(text, i)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def program(claude):
    path = Path(claude).resolve()
    for folder in [path.parent, *path.parents]:
        if (folder / "package.json").is_file():
            exe = folder / "bin" / "claude.exe"
            return (exe if exe.is_file() else path).read_bytes()
    return path.read_bytes()


def main():
    claude = sys.argv[1]
    version = subprocess.run([claude, "--version"], capture_output=True, text=True,
                             timeout=60).stdout.strip()
    data = program(claude)
    start = re.search(rb'function [A-Za-z_$][A-Za-z0-9_$]*\(\)\{let e=[A-Za-z_$][A-Za-z0-9_$]*\(\{type:[A-Za-z_$][A-Za-z0-9_$]*\("command"\)\.describe', data)
    if start is None:
        sys.exit(f"release-vocab: no hook schema found in the program of {version}: "
                 "the program's layout changed; read it by hand and update this script")
    end = data.find(b"McpToolHookSchema:", start.start())
    code = strip_calls(data[start.start():end].decode("utf-8", "replace"), "describe")
    objects = re.findall(r'\(\{type:[A-Za-z_$][A-Za-z0-9_$]*\("([a-z_]+)"\),(.*?)\}\)(?=,[a-z]=[A-Za-z_$][A-Za-z0-9_$]*\(|;return)', code)
    # Each helper's role, read off fields whose type is known.
    fields = dict(re.findall(r'(command|once|timeout|args|headers|shell):([A-Za-z_$][A-Za-z0-9_$]*)\(', code))
    words = {fields["command"]: "string", fields["once"]: "boolean", fields["timeout"]: "number",
             fields["args"]: "list", fields["headers"]: "map", fields["shell"]: "one of"}
    shells = re.search(r'shell:[A-Za-z_$][A-Za-z0-9_$]*\(([A-Za-z_$][A-Za-z0-9_$]*)\)', code).group(1)
    # The `if` and `onFailure` helpers are defined elsewhere; their definitions are read too.
    # Searched as bytes, decoding only what is used: the program is some 400 MB.
    schema_at = start.start()

    def helper(name):
        """The body of `NAME=p(()=>BODY)` defined nearest the schema."""
        low = max(0, schema_at - 20000000)
        found = [m.end() + low for m in re.finditer(
            rb'[,; ]' + re.escape(name.encode()) + rb'=[A-Za-z_$][A-Za-z0-9_$]*\(\(\)=>',
            data[low:schema_at + 20000000])]
        if not found:
            return ""
        at = min(found, key=lambda f: abs(f - schema_at))
        return strip_calls(data[at:at + 2000].decode("utf-8", "replace"), "describe")

    def describe(expr):
        expr = expr.strip()
        optional = ".optional()" in expr or ".nullish()" in expr
        expr = expr.replace(".optional()", "").replace(".nullish()", "")
        m = re.match(r'([A-Za-z_$][A-Za-z0-9_$]*)\(', expr)
        if not m:
            return expr, optional
        fn, close = m.group(1), matching(expr, m.end() - 1)
        arg, rest = expr[m.end():close], expr[close + 1:]
        kind = words.get(fn)
        if kind == "string":
            if ".url()" in rest:
                return "URL", optional
            if ".min(1)" in rest:
                return "non-empty string", optional
            return "string", optional
        if kind == "boolean":
            return "boolean", optional
        if kind == "number":
            return ("number above 0" if ".positive()" in rest else "number"), optional
        if kind == "list":
            inner, _ = describe(arg)
            return f"list of {inner}s", optional
        if kind == "map":
            key, value = split_top(arg)
            inner, _ = describe(value)
            return ("map of strings" if inner == "string" else "map"), optional
        if kind == "one of":
            values = json.loads(arg) if arg.startswith("[") else shell_values
            caught = ".catch(" in rest
            return ("any value (" + " or ".join(values) + ", else the default)" if caught
                    else "one of " + ", ".join(values)), optional
        if "=>" in arg and '"continue"' in arg:
            return "any value (continue, else block)", optional
        if arg == "" and fn not in words:
            defined = helper(fn)
            if defined:
                described, inner_optional = describe(defined[:matching("(" + defined, 0) - 1])
                return described, optional or inner_optional
        return expr, optional

    shell_values = json.loads(re.search(rb'[,; ]' + re.escape(shells.encode()) + rb'=(\[[^\]]*\])',
                                        data).group(1))
    hook_types = {}
    for kind, body in objects:
        keys = {}
        for part in split_top(body):
            key, expr = part.split(":", 1)
            described, optional = describe(expr)
            keys[key] = described + ("" if optional else " (required)")
        hook_types[kind] = keys
    # The list that holds `opusplan` (others in the program hold only families).
    aliases = [a for a in re.findall(rb'=(\["sonnet","opus","haiku"(?:,"[^"]*")*\])', data)
               if b'"opusplan"' in a]
    # The hook events: the longest list of them the program holds.
    events = re.findall(rb'\["PreToolUse","PostToolUse"(?:,"[A-Za-z]+")*\]', data)
    factory = data.find(b"cleanupPeriodDays:()=>")
    for found, what in [(events, "hook event list"), (aliases, "model alias list"),
                        (factory >= 0, "settings schema (`cleanupPeriodDays:()=>`)")]:
        if not found:
            sys.exit(f"release-vocab: no {what} found in the program of {version}: "
                     "the program's layout changed; read it by hand and update this script")
    events = max(events, key=len)
    region = data[max(0, factory - 200000):factory + 200000].decode("utf-8", "replace")
    settings_keys = sorted(set(re.findall(r'[{,]([A-Za-z_$][A-Za-z0-9_$]*):\(\)=>', region))
                           | set(re.findall(r'\.\.\.\{([A-Za-z_$][A-Za-z0-9_$]*):', region)))
    permissions = set()
    for m in re.finditer(rb'[{,]blockWritesOutsideWorkingDirectories:', data):
        window = strip_calls(data[m.start() - 40000:m.start() + 40000].decode("utf-8", "replace"),
                             "describe")
        at = window.find("blockWritesOutsideWorkingDirectories:")
        # The object literal around it: back to its `({`, on to the matching bracket.
        start = window.rfind("({", 0, at)
        literal = window[start + 1:matching(window, start + 1) + 1]
        permissions |= set(re.findall(r'[{,]([A-Za-z_$][A-Za-z0-9_$]*):', literal))
    print(json.dumps({
        "claude_code": version,
        "hook_types": hook_types,
        "hook_events": json.loads(events),
        "model_aliases": json.loads(aliases[0]),
        "settings_names": settings_keys,
        "permissions_names": sorted(permissions),
    }, indent=2))


if __name__ == "__main__":
    main()
