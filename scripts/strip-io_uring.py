#!/usr/bin/env python3
"""Strip the upstream io_uring implementation and its hooks out of a 6.1 tree.

Usage: strip-io_uring.py TREE

Every edit is exact: it must match where the 6.1 base has it, or the script
stops with the file and the text it could not find.  That way a new Debian
point release that moved something fails loudly instead of leaving a hook
behind.  scripts/check-stripped.sh then greps the result for leftovers.
"""
import os
import re
import shutil
import sys

TREE = None


class StripError(Exception):
    pass


def path(rel):
    return os.path.join(TREE, rel)


def read(rel):
    with open(path(rel), encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def write(rel, text):
    with open(path(rel), "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)


def remove(rel):
    p = path(rel)
    if os.path.isdir(p):
        shutil.rmtree(p)
    elif os.path.exists(p):
        os.remove(p)
    else:
        raise StripError(f"{rel}: expected to exist")


def sub(rel, old, new="", count=1):
    """Replace exactly @count occurrences of @old in @rel."""
    text = read(rel)
    found = text.count(old)
    if found != count:
        raise StripError(f"{rel}: expected {count} of {old!r}, found {found}")
    write(rel, text.replace(old, new))


def drop_lines(rel, regex, count):
    """Delete the @count lines of @rel that match @regex."""
    pat = re.compile(regex)
    lines = read(rel).splitlines(keepends=True)
    kept = [l for l in lines if not pat.search(l)]
    if len(lines) - len(kept) != count:
        raise StripError(f"{rel}: expected {count} lines matching {regex!r}, "
                         f"found {len(lines) - len(kept)}")
    write(rel, "".join(kept))


def drop_ifdef(rel, symbol, count):
    """Delete each '#ifdef @symbol' ... matching '#endif' block (nesting aware)."""
    lines = read(rel).splitlines(keepends=True)
    out, i, blocks = [], 0, 0
    while i < len(lines):
        if lines[i].strip() == f"#ifdef {symbol}":
            depth = 0
            while True:
                s = lines[i].lstrip()
                if s.startswith("#if"):
                    depth += 1
                elif s.startswith("#endif"):
                    depth -= 1
                i += 1
                if depth == 0:
                    break
            blocks += 1
            continue
        out.append(lines[i])
        i += 1
    if blocks != count:
        raise StripError(f"{rel}: expected {count} '#ifdef {symbol}' blocks, found {blocks}")
    write(rel, "".join(out))


def drop_between(rel, start, end):
    """Delete from the line that starts with @start up to (not including) the
    line that starts with @end; both must exist once, in that order."""
    lines = read(rel).splitlines(keepends=True)
    s = [i for i, l in enumerate(lines) if l.startswith(start)]
    if len(s) != 1:
        raise StripError(f"{rel}: expected one line starting {start!r}, found {len(s)}")
    e = [i for i, l in enumerate(lines) if l.startswith(end) and i > s[0]]
    if not e:
        raise StripError(f"{rel}: no line starting {end!r} after {start!r}")
    write(rel, "".join(lines[:s[0]] + lines[e[0]:]))


def strip_implementation():
    for rel in ("io_uring", "include/linux/io_uring.h",
                "include/linux/io_uring_types.h",
                "include/trace/events/io_uring.h",
                "include/uapi/linux/io_uring.h", "tools/io_uring",
                "tools/testing/selftests/net/io_uring_zerocopy_tx.c",
                "tools/testing/selftests/net/io_uring_zerocopy_tx.sh"):
        remove(rel)
    sub("tools/testing/selftests/net/Makefile",
        "TEST_GEN_FILES += io_uring_zerocopy_tx\nTEST_PROGS += io_uring_zerocopy_tx.sh\n")
    sub("Kbuild", "obj-$(CONFIG_IO_URING)\t+= io_uring/\n")
    sub("scripts/Makefile.package", " init io_uring ipc ", " init ipc ")
    sub("init/Kconfig",
        "config IO_URING\n"
        "\tbool \"Enable IO uring support\" if EXPERT\n"
        "\tselect IO_WQ\n"
        "\tdefault y\n"
        "\thelp\n"
        "\t  This option enables support for the io_uring interface, enabling\n"
        "\t  applications to submit and complete IO through submission and\n"
        "\t  completion rings that are shared between the kernel and application.\n\n")
    sub("fs/Kconfig", "config IO_WQ\n\tbool\n\n")
    drop_between("MAINTAINERS", "IO_URING\n", "IPMI SUBSYSTEM\n")


def strip_syscalls():
    sub("kernel/sys_ni.c",
        "COND_SYSCALL(io_uring_setup);\n"
        "COND_SYSCALL(io_uring_enter);\n"
        "COND_SYSCALL(io_uring_register);\n")
    sub("include/linux/syscalls.h", "struct io_uring_params;\n")
    drop_between("include/linux/syscalls.h",
                 "asmlinkage long sys_io_uring_setup(",
                 "\n")
    # The generic unistd table and arm64's compat table define and wire
    # each number on two lines; the .tbl files carry one line each.
    for rel in ("include/uapi/asm-generic/unistd.h",
                "tools/include/uapi/asm-generic/unistd.h",
                "arch/arm64/include/asm/unistd32.h"):
        drop_lines(rel, r"__NR_io_uring_(setup|enter|register)\b", 6)
    tables = []
    for root, _, files in os.walk(path("arch")):
        for name in files:
            if name.endswith(".tbl"):
                tables.append(os.path.relpath(os.path.join(root, name), TREE))
    for rel in sorted(tables):
        if re.search(r"\tio_uring_setup\t", read(rel)):
            drop_lines(rel, r"\tio_uring_(setup|enter|register)\t", 3)


def strip_task_hooks():
    sub("include/linux/sched.h", "struct io_uring_task;\n")
    drop_ifdef("include/linux/sched.h", "CONFIG_IO_URING", 1)
    drop_ifdef("init/init_task.c", "CONFIG_IO_URING", 1)
    sub("kernel/fork.c", "#include <linux/io_uring.h>\n")
    sub("kernel/fork.c", "\tio_uring_free(tsk);\n")
    drop_ifdef("kernel/fork.c", "CONFIG_IO_URING", 1)
    sub("kernel/exit.c", "#include <linux/io_uring.h>\n")
    sub("kernel/exit.c", "\tio_uring_files_cancel();\n")
    sub("fs/exec.c", "#include <linux/io_uring.h>\n")
    sub("fs/exec.c",
        "\t/*\n\t * Cancel any io_uring activity across execve\n\t */\n"
        "\tio_uring_task_cancel();\n\n")
    # Memlock accounting in user_struct is ours to re-enable.
    sub("include/linux/sched/user.h",
        "#if defined(CONFIG_NET) || defined(CONFIG_IO_URING) || \\\n",
        "#if defined(CONFIG_NET) || \\\n")
    # The scheduler's sleep/wake notifications for io-wq workers.
    sub("kernel/sched/core.c", '#include "../../io_uring/io-wq.h"\n')
    sub("kernel/sched/core.c",
        "\tif (task_flags & (PF_WQ_WORKER | PF_IO_WORKER)) {\n"
        "\t\tif (task_flags & PF_WQ_WORKER)\n"
        "\t\t\twq_worker_sleeping(tsk);\n"
        "\t\telse\n"
        "\t\t\tio_wq_worker_sleeping(tsk);\n"
        "\t}\n",
        "\tif (task_flags & PF_WQ_WORKER)\n"
        "\t\twq_worker_sleeping(tsk);\n")
    sub("kernel/sched/core.c",
        "\tif (tsk->flags & (PF_WQ_WORKER | PF_IO_WORKER)) {\n"
        "\t\tif (tsk->flags & PF_WQ_WORKER)\n"
        "\t\t\twq_worker_running(tsk);\n"
        "\t\telse\n"
        "\t\t\tio_wq_worker_running(tsk);\n"
        "\t}\n",
        "\tif (tsk->flags & PF_WQ_WORKER)\n"
        "\t\twq_worker_running(tsk);\n")


def strip_sockets():
    sub("net/core/scm.c", "#include <linux/io_uring.h>\n")
    sub("net/core/scm.c",
        "\t\t/* don't allow io_uring files */\n"
        "\t\tif (io_is_uring_fops(file)) {\n"
        "\t\t\tfput(file);\n"
        "\t\t\treturn -EINVAL;\n"
        "\t\t}\n")
    sub("include/linux/skbuff.h",
        " *\t@scm_io_uring: SKB holds io_uring registered files\n")
    sub("include/linux/skbuff.h", "\t__u8\t\t\tscm_io_uring:1;\n")


def strip_uring_cmd():
    sub("include/linux/fs.h", "struct io_uring_cmd;\n")
    sub("include/linux/fs.h",
        "\tint (*uring_cmd)(struct io_uring_cmd *ioucmd, unsigned int issue_flags);\n"
        "\tint (*uring_cmd_iopoll)(struct io_uring_cmd *, struct io_comp_batch *,\n"
        "\t\t\t\tunsigned int poll_flags);\n")
    sub("drivers/char/mem.c",
        "static int uring_cmd_null(struct io_uring_cmd *ioucmd, unsigned int issue_flags)\n"
        "{\n\treturn 0;\n}\n\n")
    sub("drivers/char/mem.c", "\t.uring_cmd\t= uring_cmd_null,\n")
    # ublk exists only on top of io_uring passthrough commands.
    remove("drivers/block/ublk_drv.c")
    remove("include/uapi/linux/ublk_cmd.h")
    sub("drivers/block/Makefile", "obj-$(CONFIG_BLK_DEV_UBLK)\t\t\t+= ublk_drv.o\n")
    drop_between("drivers/block/Kconfig", "config BLK_DEV_UBLK\n",
                 "source \"drivers/block/rnbd/Kconfig\"")
    strip_nvme()


def strip_nvme():
    sub("drivers/nvme/host/core.c", "\t.uring_cmd\t= nvme_dev_uring_cmd,\n")
    sub("drivers/nvme/host/core.c",
        "\t.uring_cmd\t= nvme_ns_chr_uring_cmd,\n"
        "\t.uring_cmd_iopoll = nvme_ns_chr_uring_cmd_iopoll,\n")
    sub("drivers/nvme/host/multipath.c",
        "\t.uring_cmd\t= nvme_ns_head_chr_uring_cmd,\n"
        "\t.uring_cmd_iopoll = nvme_ns_head_chr_uring_cmd_iopoll,\n")
    drop_between("drivers/nvme/host/nvme.h",
                 "int nvme_ns_chr_uring_cmd_iopoll(",
                 "int nvme_getgeo(")
    sub("drivers/nvme/host/nvme.h",
        "int nvme_dev_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);\n")
    ioctl = "drivers/nvme/host/ioctl.c"
    sub(ioctl, "#include <linux/io_uring.h>\n")
    sub(ioctl, "\t\tu32 meta_seed, void **metap, struct io_uring_cmd *ioucmd,\n"
               "\t\tbool vec)\n",
        "\t\tu32 meta_seed, void **metap, bool vec)\n")
    sub(ioctl,
        "\tif (ioucmd && (ioucmd->flags & IORING_URING_CMD_FIXED)) {\n"
        "\t\tstruct iov_iter iter;\n\n"
        "\t\t/* fixedbufs is only for non-vectored io */\n"
        "\t\tif (WARN_ON_ONCE(vec))\n"
        "\t\t\treturn -EINVAL;\n"
        "\t\tret = io_uring_cmd_import_fixed(ubuffer, bufflen,\n"
        "\t\t\t\trq_data_dir(req), &iter, ioucmd);\n"
        "\t\tif (ret < 0)\n"
        "\t\t\tgoto out;\n"
        "\t\tret = blk_rq_map_user_iov(q, req, NULL, &iter, GFP_KERNEL);\n"
        "\t} else {\n"
        "\t\tret = blk_rq_map_user_io(req, NULL, nvme_to_user_ptr(ubuffer),\n"
        "\t\t\t\tbufflen, GFP_KERNEL, vec, 0, 0,\n"
        "\t\t\t\trq_data_dir(req));\n"
        "\t}\n",
        "\tret = blk_rq_map_user_io(req, NULL, nvme_to_user_ptr(ubuffer),\n"
        "\t\t\tbufflen, GFP_KERNEL, vec, 0, 0, rq_data_dir(req));\n")
    sub(ioctl, "meta_len, meta_seed, &meta, NULL, vec);",
        "meta_len, meta_seed, &meta, vec);")
    drop_between(ioctl, "struct nvme_uring_data {", "static bool is_ctrl_ioctl(")
    drop_between(ioctl, "static int nvme_uring_cmd_checks(", "#ifdef CONFIG_NVME_MULTIPATH")
    drop_between(ioctl, "int nvme_ns_head_chr_uring_cmd(", "#endif /* CONFIG_NVME_MULTIPATH */")
    drop_between(ioctl, "int nvme_dev_uring_cmd(", "static int nvme_dev_user_cmd(")
    # The passthrough command ABI exists only for io_uring.
    drop_between("include/uapi/linux/nvme_ioctl.h", "struct nvme_uring_cmd {",
                 "#define nvme_admin_cmd nvme_passthru_cmd")
    drop_between("include/uapi/linux/nvme_ioctl.h", "/* io_uring async commands: */",
                 "#endif /* _UAPI_LINUX_NVME_IOCTL_H */")


def strip_lsm_audit():
    drop_ifdef("include/linux/lsm_hook_defs.h", "CONFIG_IO_URING", 1)
    drop_between_multiline("include/linux/lsm_hooks.h", " * Security hooks for io_uring\n",
                           " */\nunion security_list_options")
    drop_ifdef("include/linux/security.h", "CONFIG_IO_URING", 1)
    drop_ifdef("security/security.c", "CONFIG_IO_URING", 1)
    sub("security/selinux/hooks.c", "#include <linux/io_uring.h>\n")
    drop_ifdef("security/selinux/hooks.c", "CONFIG_IO_URING", 2)
    sub("security/selinux/include/classmap.h",
        "\t{ \"io_uring\",\n\t  { \"override_creds\", \"sqpoll\", \"cmd\", NULL } },\n")
    sub("security/smack/smack_lsm.c", "#include <linux/io_uring.h>\n")
    drop_ifdef("security/smack/smack_lsm.c", "CONFIG_IO_URING", 2)
    # audit_uring_entry()/exit() are called only by io_uring.
    drop_between_multiline("kernel/auditsc.c", "/**\n * __audit_uring_entry", "/**\n * __audit_syscall_entry")
    sub("include/linux/audit.h",
        "extern void __audit_uring_entry(u8 op);\n"
        "extern void __audit_uring_exit(int success, long code);\n")
    drop_between_multiline("include/linux/audit.h", "static inline void audit_uring_entry(u8 op)\n{\n\t/*",
                  "static inline void audit_syscall_entry(")
    drop_between_multiline("include/linux/audit.h", "static inline void audit_uring_entry(u8 op)\n{ }",
                  "static inline void audit_syscall_entry(")


def drop_between_multiline(rel, start, end):
    text = read(rel)
    s = text.find(start)
    if s < 0 or text.find(start, s + 1) >= 0:
        raise StripError(f"{rel}: expected one {start!r}")
    e = text.find(end, s)
    if e < 0:
        raise StripError(f"{rel}: no {end!r} after {start!r}")
    write(rel, text[:s] + text[e:])


def main():
    global TREE
    if len(sys.argv) != 2:
        sys.exit("usage: strip-io_uring.py TREE")
    TREE = sys.argv[1]
    if not os.path.isdir(path("io_uring")):
        sys.exit(f"{TREE}: no io_uring/ directory: already stripped, or not a 6.1 tree")
    try:
        strip_implementation()
        strip_syscalls()
        strip_task_hooks()
        strip_sockets()
        strip_uring_cmd()
        strip_lsm_audit()
    except StripError as e:
        sys.exit(f"strip-io_uring: {e}")


if __name__ == "__main__":
    main()
