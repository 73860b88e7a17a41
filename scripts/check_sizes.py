#!/usr/bin/python3
"""Size limits of the middle layer (issue 20): no source file over 450 lines and no function over
120 lines in solver/, apps/ and rl_baselines/. Prints every violation and exits 1 if there is any.

A function is found by its body: a line that ends in '{' after a parenthesised signature, at
namespace level (not inside another function), up to its matching '}' (braces in strings and
comments are ignored).
  scripts/check_sizes.py [ROOT]
"""
import os
import re
import sys

FOLDERS = ("solver", "apps", "rl_baselines")
MAX_FILE, MAX_FUNCTION = 450, 120


def strip(line, in_comment):
    """The line without comments and string/char literals; whether a block comment continues."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                return "".join(out), True
            i, in_comment = j + 2, False
        elif line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            in_comment, i = True, i + 2
        elif line[i] in "\"'":
            q, i = line[i], i + 1
            while i < len(line) and line[i] != q:
                i += 2 if line[i] == "\\" else 1
            i += 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


def functions(lines):
    """(name, first line, length) of every function body at namespace or class level."""
    found, depth, in_comment = [], 0, False
    stack = []  # (depth at open, start line, name, is_function)
    signature = ""
    for n, raw in enumerate(lines, 1):
        code, in_comment = strip(raw, in_comment)
        inside_function = any(f for (_, _, _, f) in stack)
        if not inside_function:
            signature = (signature + " " + code.strip())[-400:]
        for ch in code:
            if ch == "{":
                is_function = False
                if not inside_function:
                    head = signature.split("{")[0] if "{" in signature else signature
                    m = re.search(r"([\w:~<>=!+\-*/\[\]]+)\s*\([^;]*\)\s*(const)?\s*(noexcept)?\s*(override)?\s*(->[^{]*)?(:[^{]*)?$",
                                  signature[: signature.rfind("{")] if "{" in signature else signature)
                    if m and not re.match(r"(if|for|while|switch|catch|namespace|struct|class|enum)\b", m.group(1)):
                        is_function = True
                        name = m.group(1)
                stack.append((depth, n, name if is_function else "", is_function))
                depth += 1
                inside_function = inside_function or is_function
                signature = ""
            elif ch == "}":
                depth -= 1
                if stack:
                    _, start, name, is_function = stack.pop()
                    if is_function:
                        found.append((name, start, n - start + 1))
                inside_function = any(f for (_, _, _, f) in stack)
                signature = ""
            elif ch == ";" and not inside_function:
                signature = ""
    return found


def main(root):
    bad = 0
    for folder in FOLDERS:
        for base, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp", ".inc")):
                    continue
                path = os.path.join(base, name)
                lines = open(path, encoding="utf-8").read().split("\n")
                rel = os.path.relpath(path, root)
                if len(lines) - 1 > MAX_FILE:
                    print(f"{rel}: {len(lines) - 1} lines (limit {MAX_FILE})")
                    bad += 1
                for fname, start, length in functions(lines):
                    if length > MAX_FUNCTION:
                        print(f"{rel}:{start}: function {fname} has {length} lines (limit {MAX_FUNCTION})")
                        bad += 1
    print(f"{bad} size limit(s) exceeded in {', '.join(FOLDERS)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")))
