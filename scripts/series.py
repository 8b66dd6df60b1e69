#!/usr/bin/env python3
"""Build our work as a mainline-style patch series on the stripped base.

    series.py build      commit each entry of series/plan on a git copy of
                         the stripped base (build/series/tree), then write
                         numbered patches and a cover letter to build/series/out
    series.py state REV  put our kernel-side files as of REV into the tree
                         (uncommitted), for making a stage by hand

The plan (series/plan) lists one patch per line:

    stage  SLUG          apply series/stages/SLUG.diff (a diff on the tree)
    commit REV SLUG      our kernel-side files as they are at commit REV
    group  NAME SLUG     one group of our files as in the working tree
                         (tools, docs or selftests)

and series/msg/SLUG.txt holds each commit message (subject, blank line,
body).  The MAINTAINERS entry is ours from patches/, with only the F: lines
whose paths exist at that point of the series, so each patch that adds
files also lists them.  The last patch must leave the tree exactly as the
working tree assembles it: a change to our files with no entry for it here
is an error, not a silent difference.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
BASE = os.path.join(BUILD, "base")
SERIES = os.path.join(TOP, "series")
WORK = os.path.join(BUILD, "series")
TREE = os.path.join(WORK, "tree")
OUT = os.path.join(WORK, "out")
# Directories of ours that map onto the kernel tree (as in assemble.py).
TREE_DIRS = ("fs", "include", "tools", "Documentation", "kernel", "init")
AUTHOR = "io_uring founding team <io-uring@vger.kernel.org>"
GROUPS = {
    "tools": ("tools/io_uring/",),
    "docs": ("Documentation/",),
    "selftests": ("tools/testing/selftests/io_uring/",),
}


def die(text):
    sys.exit(f"series: {text}")


def msg(text):
    print(f"==> {text}", file=sys.stderr, flush=True)


def run(cmd, cwd=None, **kw):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        die(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def git(*args):
    return run(["git", "-C", TREE, *args])


def group_of(rel):
    if rel == "MAINTAINERS":
        return "maintainers"
    for name, prefixes in GROUPS.items():
        if rel.startswith(prefixes):
            return name
    return "kernel"


def snapshot(rev):
    """Our files as of @rev (None: the working tree), as the kernel tree
    has them: {path: bytes}, with patches/ applied to the base's files."""
    tmp = tempfile.mkdtemp(prefix="series-")
    try:
        if rev:
            top = run(["git", "-C", TOP, "ls-tree", "--name-only", rev]).split()
            dirs = [d for d in ("patches",) + TREE_DIRS if d in top]
            archive = subprocess.run(["git", "-C", TOP, "archive", rev, "--", *dirs],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            src = tmp
        else:
            src = TOP
        files = {}
        for d in TREE_DIRS:
            for root, _, names in os.walk(os.path.join(src, d)):
                for n in names:
                    if n.endswith((".o", ".a")) or n.startswith("."):
                        continue
                    p = os.path.join(root, n)
                    with open(p, "rb") as f:
                        files[os.path.relpath(p, src)] = f.read()
        pdir = os.path.join(src, "patches")
        scratch = os.path.join(tmp, ".k")
        for name in sorted(os.listdir(pdir)):
            if not name.endswith(".patch"):
                continue
            patch = os.path.join(pdir, name)
            for rel in re.findall(r"^\+\+\+ b/(\S+)", open(patch).read(), re.M):
                dst = os.path.join(scratch, rel)
                if not os.path.exists(dst):
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copyfile(os.path.join(BASE, rel), dst)
            run(["patch", "-s", "-p1", "-F0", "-N", "--no-backup-if-mismatch",
                 "-d", scratch, "-i", patch])
        for root, _, names in os.walk(scratch):
            for n in names:
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[os.path.relpath(p, scratch)] = f.read()
        return files
    finally:
        shutil.rmtree(tmp)


# Paths of the tree that differ from the base, as far as series.py knows:
# each that a step wrote or a stage changed.  Keeping the list here spares
# a walk of the whole kernel tree (tens of thousands of files) per step.
touched = set()


def put(files, group):
    """Write the @group part of @files into the tree; remove what the
    group had before and no longer has (back to the base's version).
    Returns the paths it wrote or removed."""
    want = {rel: data for rel, data in files.items() if group_of(rel) == group}
    gone = sorted(rel for rel in touched if group_of(rel) == group and rel not in want)
    for rel in gone:
        if os.path.exists(os.path.join(BASE, rel)):
            git("checkout", "base", "--", rel)
        else:
            os.remove(os.path.join(TREE, rel))
        touched.discard(rel)
    for rel, data in want.items():
        p = os.path.join(TREE, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        if rel.endswith(".sh"):
            os.chmod(p, 0o755)
    touched.update(want)
    return gone + sorted(want)


def maintainers(final):
    """MAINTAINERS with our entry limited to the paths that exist now."""
    text = final["MAINTAINERS"].decode()
    m = re.search(r"^IO_URING\n(?:.+\n)+\n", text, re.M)
    if not m:
        die("no IO_URING entry in MAINTAINERS")
    lines = [ln for ln in m.group(0).splitlines() if ln and
             (not ln.startswith("F:\t") or
             os.path.exists(os.path.join(TREE, ln[3:].rstrip("/"))))]
    entry = "\n".join(lines) + "\n\n" if any(ln.startswith("F:") for ln in lines) else ""
    with open(os.path.join(TREE, "MAINTAINERS"), "w") as f:
        f.write(text[:m.start()] + entry + text[m.end():])


def read_plan():
    plan = []
    with open(os.path.join(SERIES, "plan")) as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            kind, args = words[0], words[1:]
            if (kind, len(args)) not in (("stage", 1), ("commit", 2), ("group", 2)):
                die(f"plan line {n}: cannot read '{line.strip()}'")
            slug = args[-1]
            if not os.path.exists(os.path.join(SERIES, "msg", slug + ".txt")):
                die(f"plan line {n}: no series/msg/{slug}.txt")
            plan.append((kind, args))
    return plan


def reset_tree():
    if not os.path.isdir(os.path.join(TREE, ".git")):
        msg(f"making a git copy of the stripped base in {TREE} (about a minute)")
        shutil.rmtree(TREE, ignore_errors=True)
        os.makedirs(WORK, exist_ok=True)
        run(["cp", "-a", BASE, TREE])
        git("init", "-q")
        # Debian's .gitignore ignores the whole top level: add by force
        git("add", "-A", "-f")
        git("-c", "user.name=base", "-c", "user.email=base@localhost",
            "commit", "-q", "-m", "stripped base")
        git("tag", "base")
    git("checkout", "-q", "-f", "-B", "series", "base")
    git("clean", "-q", "-f", "-d", "-x")


def commit(slug, paths):
    """Commit @paths (added, changed or removed) as patch @slug."""
    with open(os.path.join(SERIES, "msg", slug + ".txt")) as f:
        text = f.read().rstrip() + f"\n\nSigned-off-by: {AUTHOR}\n"
    git("add", "-A", "-f", "--", *paths)
    name, email = AUTHOR[:-1].split(" <")
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    out = subprocess.run(["git", "-C", TREE, "commit", "-q", "-F", "-"], input=text,
                         capture_output=True, text=True, env=env)
    if out.returncode != 0:
        die(f"{slug}: nothing to commit, or commit failed:\n{out.stdout}{out.stderr}")


def build():
    plan = read_plan()
    final = snapshot(None)
    reset_tree()
    for i, (kind, args) in enumerate(plan, 1):
        slug = args[-1]
        msg(f"[{i}/{len(plan)}] {slug}")
        if kind == "stage":
            diff = os.path.join(SERIES, "stages", slug + ".diff")
            git("apply", "--index", "--whitespace=nowarn", diff)
            paths = git("apply", "--numstat", "-z", diff).split("\0")
            paths = [p.split("\t")[-1] for p in paths if p]
            touched.update(paths)
        elif kind == "commit":
            paths = put(snapshot(args[0]), "kernel")
        else:
            if args[0] not in GROUPS:
                die(f"{slug}: no group '{args[0]}'")
            paths = put(final, args[0])
        maintainers(final)
        commit(slug, paths + ["MAINTAINERS"])
    check_final(final)
    export(len(plan))


def check_final(final):
    """The series must end where the working tree is."""
    bad = []
    for rel, data in final.items():
        p = os.path.join(TREE, rel)
        if not os.path.exists(p) or open(p, "rb").read() != data:
            bad.append(rel)
    extra = [rel for rel in git("diff", "--name-only", "base", "HEAD").split()
             if rel not in final]
    if bad or extra:
        die("the series does not end at the working tree; add a plan entry for: " +
            " ".join(bad + extra))


def export(n):
    shutil.rmtree(OUT, ignore_errors=True)
    run(["git", "-C", TREE, "format-patch", "-q", "--cover-letter", "--no-signature",
         "--base=base", "-o", OUT, "base..series"])
    cover = os.path.join(OUT, sorted(os.listdir(OUT))[0])
    with open(cover) as f:
        text = f.read()
    with open(os.path.join(SERIES, "cover.txt")) as f:
        subject, body = f.read().split("\n", 1)
    bench = os.path.join(TOP, "tests", "bench", "RESULTS.md")
    table = re.search(r"<!-- cover:begin -->\n(.*?)<!-- cover:end -->",
                      open(bench).read(), re.S)
    body = body.replace("@BENCH@", table.group(1).strip() if table else "(see RESULTS.md)")
    excs = exceptions()
    body = body.replace("@EXCEPTIONS@", "\n".join(
        textwrap.fill(f"patch {slug.split('-')[0]}, {kind}: {why}", 72,
                      initial_indent=" - ", subsequent_indent="   ")
        for slug, kind, why in excs) if excs else " (none)")
    text = text.replace("*** SUBJECT HERE ***", subject.strip())
    text = text.replace("*** BLURB HERE ***", body.strip())
    with open(cover, "w") as f:
        f.write(text)
    # which patch file is which plan entry, for series-check.sh
    names = sorted(os.listdir(OUT))[1:]
    with open(os.path.join(OUT, ".slugs"), "w") as f:
        for name, (_, args) in zip(names, read_plan()):
            f.write(f"{name} {args[-1]}\n")
    msg(f"wrote {n} patches and a cover letter to {os.path.relpath(OUT, TOP)}")


def exceptions():
    """(slug, checkpatch type, reason) from series/checkpatch-exceptions."""
    out = []
    with open(os.path.join(SERIES, "checkpatch-exceptions")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                slug, kind, why = line.split(None, 2)
                out.append((slug, kind, why.strip()))
    return out


def state(rev):
    files = snapshot(rev)
    # the tree is as the last run left it: ask git what differs
    touched.update(git("diff", "--name-only", "base", "--").split())
    touched.update(git("ls-files", "--others").split())
    put(files, "kernel")
    msg(f"kernel-side files as of {rev} are in {TREE} (uncommitted)")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "build":
        build()
    elif len(sys.argv) == 3 and sys.argv[1] == "state":
        state(sys.argv[2])
    else:
        die("usage: series.py build | state REV")


if __name__ == "__main__":
    main()
