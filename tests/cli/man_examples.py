#!/usr/bin/python3
"""Run the examples of a manual page or of the README as a test.

usage: man_examples.py PAGE.1 FIXTURE_DIR
       man_examples.py README.md FIXTURE_DIR BUILD_DIR

In a manual page, the literal displays (.Bd -literal ... .Ed) of the
EXAMPLES section; in a Markdown file, the ```console blocks.  A line
starting with "$ " is a command, run with sh in a copy of FIXTURE_DIR (the
same copy for the whole file, so examples can build on each other); the
lines after it, up to the next command or the end of the block, are its
exact standard output.  In Markdown, "build/bin/" in a command means the
tools of BUILD_DIR.  Exit 0 when every command printed exactly that.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ESCAPES = [("\\e", "\\"), ("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'),
           ("\\&", "")]


def unescape(line):
    for a, b in ESCAPES:
        line = line.replace(a, b)
    return line


def examples(page):
    section = None
    literal = False
    cmds = []
    with open(page, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(".Sh "):
                section = line[4:].strip()
                continue
            if section != "EXAMPLES":
                continue
            if line.startswith(".Bd") and "-literal" in line:
                literal = True
                continue
            if line.startswith(".Ed"):
                literal = False
                continue
            if not literal:
                continue
            text = unescape(line)
            if text.startswith("$ "):
                cmds.append([text[2:], []])
            elif cmds:
                cmds[-1][1].append(text)
    return cmds


def markdown_examples(path, build):
    cmds = []
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("```"):
                inside = line == "```console"
                continue
            if not inside:
                continue
            if line.startswith("$ "):
                cmd = line[2:].replace("build/bin/", build + "/bin/")
                cmds.append([cmd, []])
            elif cmds:
                cmds[-1][1].append(line)
    return cmds


def main():
    page, fixture = sys.argv[1], sys.argv[2]
    if page.endswith(".md"):
        cmds = markdown_examples(page, os.path.abspath(sys.argv[3]))
    else:
        cmds = examples(page)
    if not cmds:
        print("%s: no examples" % page)
        return 1
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "ex")
        shutil.copytree(fixture, work)
        for cmd, want in cmds:
            p = subprocess.run(["sh", "-c", cmd], cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            got = p.stdout.decode("utf-8", "replace").splitlines()
            if got != want:
                failed += 1
                print("example failed: $ %s" % cmd)
                print("--- expected")
                print("\n".join(want))
                print("--- got (status %d)" % p.returncode)
                print("\n".join(got))
                print(p.stderr.decode("utf-8", "replace"))
            else:
                print("ok: $ %s" % cmd)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
