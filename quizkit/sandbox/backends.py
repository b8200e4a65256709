"""How the computing process for a code answer is started: one registry of backends.

:data:`BACKENDS` maps each ``--isolation`` name to its :class:`Kind`; nothing else compares
backend names. The kinds:

- ``bwrap`` (Linux, Debian package ``bubblewrap``): new pid, network, ipc, uts and cgroup
  namespaces, its own ``/proc``; only the Python installation, the quizkit package (its
  packaged banks masked) and the system's read-only folders are mounted, read-only; size-capped
  tmpfs at ``/tmp`` and ``/dev/shm`` are the only writable places. As a user: a new user
  namespace (uid 65534 inside, no further namespaces). As root: no user namespace; the code
  runs as an unprivileged uid of its own (``setpriv``, every capability dropped), so
  ``RLIMIT_NPROC`` holds. ``--die-with-parent``, ``--new-session``; killing the namespace's
  init ends every process in it.
- ``container``: ``docker`` or ``podman``, ``--network none``, read-only root, tmpfs,
  memory/pid/CPU limits of the engine's own cgroup, all capabilities dropped. The image
  (``QUIZKIT_GRADE_IMAGE``, default ``python:<this version>-slim``) gets this Python
  environment's site-packages mounted read-only.
- ``none``: a plain child process with per-process limits: the learner's own code on the
  learner's own machine (:meth:`quizkit.quiz.schema.Code.run`), or an instructor's own code.

>>> sorted(BACKENDS), BACKENDS["none"].isolated
(['bwrap', 'container', 'none'], False)
>>> cmd = NONE.command(Limits(), "/tmp/job")
>>> cmd.argv[1:5], cmd.env["HOME"], cmd.workdir
(['-I', '-S', '-X', 'utf8'], '/tmp/job', '/tmp/job')
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from quizkit.sandbox.limits import Limits

RUNNER = Path(__file__).with_name("runner.py")
PACKAGE = Path(__file__).resolve().parents[1]  # the quizkit package folder
# Read-only system folders a Python process needs; nothing under /home, /root, /tmp or /work.
SYSTEM_RO = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
             "/etc/ssl/certs", "/etc/localtime", "/etc/nsswitch.conf", "/etc/mime.types")
SANDBOX_PKG = "/opt/quizkit"  # where the quizkit package appears inside the sandbox
SANDBOX_RUNNER = f"{SANDBOX_PKG}/quizkit/sandbox/runner.py"
FIRST_UID = 1_000_000  # root's sandboxes run as FIRST_UID + the grading process's pid: one uid per sandbox


@dataclass(frozen=True)
class Command:
    """How to start one computation: ``argv``, the environment for Popen (None: inherit, for
    engines that set their own), the child's working folder and its import path."""

    argv: list[str]
    env: dict[str, str] | None
    workdir: str
    path: list[str]


class Kind:
    """One way to start the computing process; subclasses register themselves in :data:`BACKENDS`."""

    name: ClassVar[str]
    isolated: ClassVar[bool] = True
    # Whether the grader puts the computation in a cgroup of its own (an engine uses its own).
    grader_cgroup: ClassVar[bool] = False

    def locate(self) -> tuple[str | None, str]:
        """(executable, "") or (None, why this kind cannot run here)."""
        return None, ""

    def variants(self, executable: str, masked: tuple[str, ...]) -> list[Backend]:
        """The ways to run this kind here, preferred first (each is probed before it is used)."""
        return [Backend(self.name, executable, masked)]

    def command(self, backend: Backend, limits: Limits, workdir: str) -> Command:
        raise NotImplementedError


BACKENDS: dict[str, Kind] = {}
AUTO_ORDER = ("bwrap", "container")  # what ``auto`` tries, in order


def register(cls: type[Kind]) -> type[Kind]:
    BACKENDS[cls.name] = cls()
    return cls


@dataclass(frozen=True)
class Backend:
    """A chosen backend: its kind's ``name``, the ``executable`` found, the files the child must
    never see (``masked``: keys, submissions) and, for bwrap as root, ``drop_root``."""

    name: str
    executable: str | None = None
    masked: tuple[str, ...] = ()
    drop_root: bool = False

    @property
    def kind(self) -> Kind:
        return BACKENDS[self.name]

    @property
    def isolated(self) -> bool:
        return self.kind.isolated

    def command(self, limits: Limits, workdir: str) -> Command:
        return self.kind.command(self, limits, workdir)

    def sandbox_uid(self) -> int | None:
        """The uid the code runs as outside any user namespace (bwrap as root), else None."""
        return FIRST_UID + os.getpid() if self.drop_root else None


def python_roots() -> list[str]:
    """Folders of this Python installation (interpreter, standard library, site-packages)."""
    paths = sysconfig.get_paths()
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             paths["stdlib"], paths["platstdlib"], paths["purelib"], paths["platlib"]}
    roots = {os.path.realpath(r) for r in roots if r and os.path.isdir(r)}
    # Keep only outermost folders.
    return sorted(r for r in roots if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in roots))


def import_path() -> list[str]:
    """This interpreter's import folders (site-packages, dist-packages, editable installs).

    The child starts without ``site`` (``-S``, fast) and appends these; under bubblewrap only
    the mounted ones exist, the rest are skipped by the import system.
    """
    return list(dict.fromkeys(p for p in sys.path if p and os.path.isabs(p) and os.path.isdir(p)))


def _package_masks() -> list[str]:
    """Inside the mounted package: the banks an installed quizkit carries."""
    keys = PACKAGE / "_lessons"
    return [str(keys)] if keys.exists() else []


def environment(home: str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
           "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1",
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_HOME": os.path.join(home, ".hf"), "MPLBACKEND": "Agg", "MPLCONFIGDIR": home,
           "TOKENIZERS_PARALLELISM": "false"}
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


PYTHON_FLAGS = ["-I", "-S", "-X", "utf8"]  # -S: no site processing; the runner sets sys.path itself


@register
class Bwrap(Kind):
    name = "bwrap"
    grader_cgroup = True

    def locate(self) -> tuple[str | None, str]:
        exe = shutil.which("bwrap")
        return (exe, "") if exe else (None, "bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap")

    def variants(self, executable: str, masked: tuple[str, ...]) -> list[Backend]:
        if os.geteuid() == 0 and shutil.which("setpriv"):
            # As root: the code runs as an unprivileged uid of its own (setpriv needs to read the
            # Python installation as that uid); a user namespace otherwise.
            return [Backend(self.name, executable, masked, drop_root=True), Backend(self.name, executable, masked)]
        return [Backend(self.name, executable, masked)]

    def command(self, backend: Backend, limits: Limits, workdir: str) -> Command:
        argv = [backend.executable or "bwrap", *bwrap_args(limits, backend.masked, backend.drop_root)]
        for name, value in environment("/tmp").items():
            argv += ["--setenv", name, value]
        argv.append("--")
        uid = backend.sandbox_uid()
        if uid is not None:
            argv += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        return Command([*argv, sys.executable, *PYTHON_FLAGS, SANDBOX_RUNNER], {}, "/tmp", [SANDBOX_PKG, *import_path()])


def bwrap_args(limits: Limits, masked: Sequence[str], drop_root: bool = False) -> list[str]:
    """bubblewrap's options: namespaces, read-only mounts, the capped writable tmpfs, masks."""
    tmpfs = str(int(limits.tmpfs_mb) << 20)
    if drop_root:  # setpriv (inside) needs these to switch uid, then drops every capability
        users = ["--cap-add", "CAP_SETUID,CAP_SETGID,CAP_SETPCAP"]
    else:
        users = ["--unshare-user", "--disable-userns", "--uid", "65534", "--gid", "65534"]
    args = [*users, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            # --dev's own /dev/shm is a tmpfs of half the RAM: a capped one goes over it.
            "--perms", "1777", "--size", tmpfs, "--tmpfs", "/dev/shm",
            # The writable tmpfs first, so an environment that lives under /tmp is mounted over it.
            "--perms", "1777", "--size", tmpfs, "--tmpfs", "/tmp"]
    mounted, binds = [], []
    for root in [*SYSTEM_RO, *python_roots()]:
        if os.path.lexists(root):
            if os.path.islink(root):
                args += ["--symlink", os.readlink(root), root]
            else:
                binds += ["--ro-bind", root, root]
                mounted.append(os.path.realpath(root))
    binds += ["--ro-bind", str(PACKAGE), f"{SANDBOX_PKG}/quizkit"]
    # Folders bubblewrap would create on the way to a mount point are private to root (0700)
    # when it runs as root: made first, searchable, so the unprivileged uid can reach the mounts.
    parents = dict.fromkeys(str(p) for dest in binds[2::3] for p in reversed(Path(dest).parents) if str(p) != "/")
    for folder in parents:
        if folder not in mounted and not os.path.islink(folder):
            args += ["--perms", "0755", "--dir", folder]
    args += binds

    def inside_mounts(path: str) -> bool:
        return any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounted)

    for mask in _package_masks():  # an installed quizkit's banks: empty in both places they show
        args += ["--tmpfs", f"{SANDBOX_PKG}/quizkit/{Path(mask).relative_to(PACKAGE)}"]
        if inside_mounts(os.path.realpath(mask)):
            args += ["--tmpfs", os.path.realpath(mask)]
    # Keys or submissions that happen to lie inside a mounted folder are hidden by an empty file.
    for path in masked:
        if inside_mounts(path) and os.path.isfile(path):
            args += ["--ro-bind", "/dev/null", path]
    args += ["--chdir", "/tmp", "--clearenv"]
    return args


@register
class Container(Kind):
    name = "container"

    def locate(self) -> tuple[str | None, str]:
        exe = shutil.which("docker") or shutil.which("podman")
        return (exe, "") if exe else (None, "no container engine (docker or podman) on the PATH")

    def command(self, backend: Backend, limits: Limits, workdir: str) -> Command:
        image = os.environ.get("QUIZKIT_GRADE_IMAGE", f"python:{sys.version_info.major}.{sys.version_info.minor}-slim")
        tmpfs = int(limits.tmpfs_mb)
        argv = [backend.executable or "docker", "run", "--rm", "-i", "--network", "none", "--read-only",
                "--tmpfs", f"/tmp:rw,size={tmpfs}m,mode=1777", "--shm-size", f"{tmpfs}m",
                "--memory", f"{int(limits.memory_mb)}m", "--memory-swap", f"{int(limits.memory_mb)}m",
                "--pids-limit", str(int(limits.processes)), "--cpus", "1", "--user", "65534:65534",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--workdir", "/tmp",
                "-v", f"{PACKAGE}:{SANDBOX_PKG}/quizkit:ro"]
        for mask in _package_masks():
            argv += ["--tmpfs", f"{SANDBOX_PKG}/quizkit/{Path(mask).relative_to(PACKAGE)}:ro"]
        site = sysconfig.get_paths()["purelib"]
        argv += ["-v", f"{site}:/opt/site-packages:ro"]
        for mask in _package_masks():
            if os.path.realpath(mask).startswith(os.path.realpath(site) + "/"):
                argv += ["--tmpfs", f"/opt/site-packages/{Path(os.path.realpath(mask)).relative_to(os.path.realpath(site))}:ro"]
        for name, value in environment("/tmp").items():
            argv += ["-e", f"{name}={value}"]
        return Command([*argv, image, "python", *PYTHON_FLAGS, SANDBOX_RUNNER], None, "/tmp",
                       [SANDBOX_PKG, "/opt/site-packages"])


@register
class Plain(Kind):
    name = "none"
    isolated = False

    def locate(self) -> tuple[str | None, str]:
        return sys.executable, ""

    def command(self, backend: Backend, limits: Limits, workdir: str) -> Command:
        return Command([sys.executable, *PYTHON_FLAGS, str(RUNNER)], environment(workdir), workdir,
                       [str(PACKAGE.parent), *import_path()])


NONE = Backend("none")
