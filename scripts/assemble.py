#!/usr/bin/env python3
"""Assemble the build tree: the stripped base plus our series.

    assemble.py            -> build/src

Our new files live in this repository at their in-tree paths (fs/, include/,
tools/, Documentation/); our lines in existing kernel files are the patches
in patches/, applied in order.  The build tree is made from the stripped
base once; after that only what changed is touched, and a file whose content
did not change keeps its mtime, so kbuild rebuilds only what it must.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
BASE = os.path.join(BUILD, "base")
SRC = os.path.join(BUILD, "src")
STATE = os.path.join(SRC, ".series-state.json")
# Top-level directories of ours that map onto the kernel tree.
TREE_DIRS = ("fs", "include", "tools", "Documentation", "kernel", "init")


def die(text):
    sys.exit(f"assemble: {text}")


def digest(p):
    with open(p, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def our_files():
    files = []
    for d in TREE_DIRS:
        for root, _, names in os.walk(os.path.join(TOP, d)):
            for n in names:
                if n.endswith((".o", ".a")) or n.startswith("."):
                    continue
                files.append(os.path.relpath(os.path.join(root, n), TOP))
    return sorted(files)


def patches():
    d = os.path.join(TOP, "patches")
    return sorted(os.path.join(d, p) for p in os.listdir(d) if p.endswith(".patch"))


def restore(rel):
    """Put @rel back as the stripped base has it (or remove it)."""
    dst, src = os.path.join(SRC, rel), os.path.join(BASE, rel)
    if os.path.exists(src):
        shutil.copy2(src, dst)
    elif os.path.exists(dst):
        os.remove(dst)


def install(rel):
    """Copy our @rel into the tree if its content differs."""
    src, dst = os.path.join(TOP, rel), os.path.join(SRC, rel)
    if os.path.exists(dst) and digest(src) == digest(dst):
        return False
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    shutil.copymode(src, dst)
    return True


def patched_files(patch):
    files = []
    with open(patch, encoding="utf-8") as f:
        for line in f:
            if line.startswith("+++ "):
                name = line[4:].split("\t")[0].strip()
                if name != "/dev/null":
                    files.append(name.split("/", 1)[1])
    return files


def apply_patches(state):
    plist = patches()
    stamp = hashlib.sha1(b"".join(open(p, "rb").read() for p in plist)).hexdigest()
    if state.get("patch_stamp") == stamp:
        return
    before = {}
    # Files the old or the new series touch go back to the base first: the
    # new series may cover a file that was edited by hand for refresh-patch.
    new_files = [f for p in plist for f in patched_files(p)]
    for rel in sorted(set(state.get("patched", [])) | set(new_files)):
        p = os.path.join(SRC, rel)
        if os.path.exists(p):
            before[rel] = (digest(p), os.stat(p).st_mtime_ns)
        restore(rel)
    touched = []
    for p in plist:
        out = subprocess.run(["patch", "-p1", "-F0", "-N", "--no-backup-if-mismatch",
                              "-d", SRC, "-i", p], capture_output=True, text=True)
        text = out.stdout + out.stderr
        if out.returncode != 0 or "offset" in text or "fuzz" in text:
            die(f"{os.path.basename(p)} does not apply cleanly:\n{text}")
        touched += patched_files(p)
    # A file the new series left as it was keeps its old mtime.
    for rel, (h, mtime) in before.items():
        p = os.path.join(SRC, rel)
        if os.path.exists(p) and digest(p) == h:
            os.utime(p, ns=(mtime, mtime))
    state["patched"] = sorted(set(touched))
    state["patch_stamp"] = stamp
    print(f"==> applied {len(plist)} patches", file=sys.stderr)


def main():
    base_stamp_file = os.path.join(BASE, ".stripped")
    if not os.path.exists(base_stamp_file):
        die(f"{BASE}: no stripped base (run scripts/fetch-base.sh)")
    base_stamp = open(base_stamp_file).read()
    state = {}
    if os.path.exists(STATE):
        state = json.load(open(STATE))
    if state.get("base_stamp") != base_stamp:
        print(f"==> copying the stripped base to {SRC} (about 10 s)", file=sys.stderr)
        shutil.rmtree(SRC, ignore_errors=True)
        subprocess.run(["cp", "-a", BASE, SRC], check=True)
        state = {"base_stamp": base_stamp}

    files = our_files()
    for rel in set(state.get("files", [])) - set(files):
        restore(rel)
    apply_patches(state)
    changed = [rel for rel in files if install(rel)]
    state["files"] = files
    with open(STATE, "w") as f:
        json.dump(state, f, indent=1)
    if changed:
        print(f"==> updated {len(changed)} files: {' '.join(changed[:6])}"
              f"{' ...' if len(changed) > 6 else ''}", file=sys.stderr)


if __name__ == "__main__":
    main()
