#!/usr/bin/env python3
"""Stage ../shared/corpus as one project's `.claude/agents/` folder, copied N times.

usage: make-scale-tree.py CORPUS OUT COPIES

Every agent file of CORPUS (every `*.md` but SOURCES.md) is copied COPIES times into
OUT/.claude/agents/, keeping its folders: copy K goes to `c{K}/` (COPIES=1: straight under
`agents/`), and the file's name gets `--c{K}` before `.md`, so every file name is unique. The
folders are kept because agnix 0.59.3 re-reads every file of a folder once per other file in it
(387 files in one folder: each opened 376 times, 0.5 s; 19,350: 529 s), which would make the
comparison one against that quirk rather than against its checking. From the
second copy on, the `name:` line of the frontmatter gets the copy's number as a suffix, so that
the copies do not all share names (which would make every file a duplicate-name finding and the
benchmark one about that rule). COPIES=1 stages the corpus as it is.
"""

import os
import re
import sys


def unique_name(text: str, suffix: str) -> str:
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            break
        m = re.match(r"^(name:\s*)(['\"]?)([^'\"\r]*?)(['\"]?)(\s*(#.*)?\r?)$", line)
        if m:
            head, q1, value, q2, tail = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
            lines[i] = f"{head}{q1}{value}{suffix}{q2}{tail}"
            break
    return "\n".join(lines)


def main() -> None:
    corpus, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        for n in sorted(names):
            if n.endswith(".md") and n != "SOURCES.md":
                files.append(os.path.join(root, n))
    agents = os.path.join(out, ".claude", "agents")
    os.makedirs(agents, exist_ok=True)
    for k in range(copies):
        for path in files:
            rel = os.path.relpath(path, corpus)[: -len(".md")]
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
                text = f.read()
            if k > 0:
                text = unique_name(text, f"-c{k}")
            name = f"{rel}.md" if copies == 1 else os.path.join(f"c{k}", f"{rel}--c{k}.md")
            target = os.path.join(agents, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8",
                      errors="surrogateescape", newline="") as f:
                f.write(text)
    print(f"{len(files) * copies} files in {agents}")


if __name__ == "__main__":
    main()
