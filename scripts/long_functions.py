#!/usr/bin/env python3
"""Lists Rust functions longer than a limit (default 80 lines) and files over 500 lines.

Usage: scripts/long_functions.py [LIMIT] [ROOT]. A function is counted from its `fn` line to the
line that closes its body; a comment `// long: REASON` on the line before `fn` excuses it.
"""
import pathlib
import re
import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
root = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "crates")
fn_re = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)")
found = 0
for path in sorted(root.rglob("*.rs")):
    if "target" in path.parts:
        continue
    lines = path.read_text().splitlines()
    if len(lines) > 500:
        print(f"{path}: file of {len(lines)} lines")
        found += 1
    i = 0
    while i < len(lines):
        m = fn_re.match(lines[i])
        if not m:
            i += 1
            continue
        excused = i > 0 and "// long:" in lines[i - 1]
        depth, started, j = 0, False, i
        while j < len(lines):
            code = re.sub(r'"([^"\\]|\\.)*"', '""', lines[j].split("//")[0])
            depth += code.count("{") - code.count("}")
            if "{" in code:
                started = True
            if started and depth <= 0:
                break
            if not started and code.rstrip().endswith(";"):
                break
            j += 1
        length = j - i + 1
        if started and length > limit and not excused:
            print(f"{path}:{i + 1}: fn {m.group(5)} is {length} lines")
            found += 1
        i += 1
sys.exit(1 if found else 0)
