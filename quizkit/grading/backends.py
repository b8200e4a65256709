"""How the computing process for a code answer is started: the isolation backends, their limits,
their command lines.

:mod:`quizkit.grading.isolation` runs the process this module describes. The backends
(``--isolation``):

- ``bwrap`` (Linux, Debian package ``bubblewrap``): new user, pid, network, ipc, uts and cgroup
  namespaces, its own ``/proc``; only the Python installation, the quizkit package (its
  packaged answer keys masked) and the system's read-only folders are mounted, read-only; a
  size-capped tmpfs at ``/tmp`` is the only writable place; no further user namespaces;
  ``--die-with-parent``, ``--new-session``; the process group is killed at the wall-clock limit,
  which ends the pid namespace and everything in it.
- ``container``: ``docker`` or ``podman`` on the PATH, ``--network none``, read-only root, tmpfs,
  memory/pid/CPU limits, all capabilities dropped (as otter-grader does). The image
  (``QUIZKIT_GRADE_IMAGE``, default ``python:<this version>-slim``) gets this Python
  environment's site-packages mounted read-only.
- ``none``: a plain child process. Only resource limits and the wall-clock kill: the learner's
  own code on the learner's own machine (:meth:`quizkit.quiz.widget.Quiz.check`), or an instructor
  grading their own code (``--unsafe-no-isolation``).

Every backend sets the same limits inside the child before the learner's code runs: CPU
seconds, address space, file size, open files, processes, no core dumps.

>>> Limits(wall_s=5).rlimits()["RLIMIT_CPU"]
(30, 31)
>>> argv, env, workdir = command(NONE, Limits(), "/tmp/job")
>>> argv[1:5], env["HOME"], workdir
(['-I', '-S', '-X', 'utf8'], '/tmp/job', '/tmp/job')
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

RUNNER = Path(__file__).with_name("_runner.py")
PACKAGE = Path(__file__).resolve().parents[1]  # the quizkit package folder
ISOLATIONS = ("auto", "bwrap", "container", "none")
# Read-only system folders a Python process needs; nothing under /home, /root, /tmp or /work.
SYSTEM_RO = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
             "/etc/ssl/certs", "/etc/localtime", "/etc/nsswitch.conf", "/etc/mime.types")
SANDBOX_PKG = "/opt/quizkit"  # where the quizkit package appears inside the sandbox


@dataclass(frozen=True)
class Limits:
    """What one computation may use.

    ``memory_mb`` is address space: importing torch and transformers needs about 1.1 GB.
    ``tmpfs_mb`` caps everything written (bwrap and container), ``file_mb`` each file.
    """

    wall_s: float = 60.0
    cpu_s: int = 30
    memory_mb: int = 4096
    output_bytes: int = 20_000
    file_mb: int = 10
    open_files: int = 256
    processes: int = 64
    tmpfs_mb: int = 64

    def __post_init__(self) -> None:
        for name in ("wall_s", "cpu_s", "memory_mb", "output_bytes", "file_mb", "open_files", "processes", "tmpfs_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, not {value!r}")

    def rlimits(self) -> dict[str, tuple[int, int]]:
        """(soft, hard) per resource; CPU: SIGXCPU at the soft limit, SIGKILL a second later."""
        cpu = int(self.cpu_s)
        same = {"RLIMIT_AS": int(self.memory_mb) << 20, "RLIMIT_FSIZE": int(self.file_mb) << 20,
                "RLIMIT_NOFILE": int(self.open_files), "RLIMIT_NPROC": int(self.processes), "RLIMIT_CORE": 0}
        return {"RLIMIT_CPU": (cpu, cpu + 1), **{k: (v, v) for k, v in same.items()}}


@dataclass(frozen=True)
class Isolation:
    """A way to start the computing process: ``name`` and how (see :func:`command`)."""

    name: str
    executable: str | None = None  # bwrap, docker or podman
    masked: tuple[str, ...] = ()  # files inside mounted folders the child must not see (keys, submissions)

    @property
    def isolated(self) -> bool:
        return self.name != "none"


NONE = Isolation("none")


# --------------------------------------------------------------------------- choosing


def bwrap_problem(executable: str | None = None) -> str | None:
    """Why bubblewrap cannot isolate here (None when it works): it is tried, not guessed."""
    exe = executable or shutil.which("bwrap")
    if exe is None:
        return "bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap"
    probe = [exe, *_bwrap_args(Limits(), ()), "--", "/bin/true"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap does not start: {e}"
    if done.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {done.stderr.decode(errors='replace').strip()[:300]}"
    return None


def container_engine() -> str | None:
    """``docker`` or ``podman`` when one is on the PATH."""
    return shutil.which("docker") or shutil.which("podman")


def choose(isolation: str = "auto", *, unsafe: bool = False, masked: Iterable[str | Path] = ()) -> tuple[Isolation | None, str]:
    """The backend for ``--isolation``: (Isolation, "") or (None, why none is available).

    ``auto`` prefers bubblewrap, then a container engine. ``none`` is only granted with
    ``unsafe=True`` (``--unsafe-no-isolation``). ``masked``: files the child must never see.
    """
    if isolation not in ISOLATIONS:
        raise ValueError(f"--isolation must be one of {', '.join(ISOLATIONS)}, not {isolation!r}")
    masked_t = tuple(sorted({os.path.realpath(p) for p in masked}))
    if isolation == "none" or (isolation == "auto" and unsafe):
        if not unsafe:
            return None, "--isolation none needs --unsafe-no-isolation (only for your own code)"
        if isolation == "none":
            return NONE, ""
    reasons = []
    if isolation in ("auto", "bwrap"):
        why = bwrap_problem()
        if why is None:
            return Isolation("bwrap", shutil.which("bwrap"), masked_t), ""
        reasons.append(why)
    if isolation in ("auto", "container"):
        engine = container_engine()
        if engine:
            return Isolation("container", engine, masked_t), ""
        reasons.append("no container engine (docker or podman) on the PATH")
    if unsafe:
        return NONE, ""
    return None, "; ".join(reasons)


# --------------------------------------------------------------------------- command lines


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
    """Inside the mounted package: the answer keys an installed quizkit carries."""
    keys = PACKAGE / "_lessons"
    return [str(keys)] if keys.exists() else []


def _bwrap_args(limits: Limits, masked: Sequence[str]) -> list[str]:
    args = ["--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--disable-userns", "--uid", "65534", "--gid", "65534",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            # The writable tmpfs first, so an environment that lives under /tmp is mounted over it.
            "--size", str(int(limits.tmpfs_mb) << 20), "--tmpfs", "/tmp"]
    mounted = []
    for root in [*SYSTEM_RO, *python_roots()]:
        if os.path.lexists(root):
            if os.path.islink(root):
                args += ["--symlink", os.readlink(root), root]
            else:
                args += ["--ro-bind", root, root]
                mounted.append(os.path.realpath(root))
    args += ["--ro-bind", str(PACKAGE), f"{SANDBOX_PKG}/quizkit"]

    def inside_mounts(path: str) -> bool:
        return any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounted)

    for mask in _package_masks():  # an installed quizkit's answer keys: empty in both places it shows
        args += ["--tmpfs", f"{SANDBOX_PKG}/quizkit/{Path(mask).relative_to(PACKAGE)}"]
        if inside_mounts(os.path.realpath(mask)):
            args += ["--tmpfs", os.path.realpath(mask)]
    # Keys or submissions that happen to lie inside a mounted folder are hidden by an empty file.
    for path in masked:
        if inside_mounts(path) and os.path.isfile(path):
            args += ["--ro-bind", "/dev/null", path]
    args += ["--chdir", "/tmp", "--clearenv"]
    return args


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


def command(isolation: Isolation, limits: Limits, workdir: str) -> tuple[list[str], dict[str, str] | None, str]:
    """(argv, environment for Popen, the child's working folder) for one computation."""
    # -S: no site processing (hundreds of .pth files cost more than the answer); the runner puts
    # quizkit and site-packages on sys.path itself.
    python = [sys.executable, "-I", "-S", "-X", "utf8"]
    if isolation.name == "bwrap":
        argv = [isolation.executable or "bwrap", *_bwrap_args(limits, isolation.masked)]
        for name, value in environment("/tmp").items():
            argv += ["--setenv", name, value]
        return [*argv, "--", *python, f"{SANDBOX_PKG}/quizkit/grading/_runner.py"], {}, "/tmp"
    if isolation.name == "container":
        image = os.environ.get("QUIZKIT_GRADE_IMAGE", f"python:{sys.version_info.major}.{sys.version_info.minor}-slim")
        argv = [isolation.executable or "docker", "run", "--rm", "-i", "--network", "none", "--read-only",
                "--tmpfs", f"/tmp:rw,size={int(limits.tmpfs_mb)}m,mode=1777", "--memory", f"{int(limits.memory_mb)}m",
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
        return [*argv, image, "python", "-I", "-S", "-X", "utf8", f"{SANDBOX_PKG}/quizkit/grading/_runner.py"], None, "/tmp"
    return [*python, str(RUNNER)], environment(workdir), workdir
