"""Build the one-folder Intake bundle: `python packaging/build.py` -> packaging/dist/Intake/intake-gui.

A thin wrapper around PyInstaller so every build (a developer's, CI's, the packaging test's) uses the same spec,
the same output folders and the same size report; `--self-test` then runs the bundle's own self-test, which is
the only proof that the frozen app (not the source tree) can receive a delivery.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "intake.spec"
APP_NAME = "Intake"
EXE_NAME = "intake-gui.exe" if sys.platform == "win32" else "intake-gui"


def executable(dist: Path) -> Path:
    """Where the built app's launcher lives inside `dist`."""
    if sys.platform == "darwin" and (dist / f"{APP_NAME}.app").exists():
        return dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / EXE_NAME
    return dist / APP_NAME / EXE_NAME


def build(dist: Path, work: Path, *, clean: bool = False) -> Path:
    """Run PyInstaller on the spec; return the launcher's path. Raises CalledProcessError on failure."""
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        cmd.append("--clean")
    subprocess.run([*cmd, str(SPEC)], check=True, cwd=HERE.parent)
    exe = executable(dist)
    if not exe.is_file():
        raise FileNotFoundError(f"PyInstaller finished but {exe} is missing")
    return exe


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under `folder`, symlinks not followed (PyInstaller links some Qt libraries)."""
    total = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            if not path.is_symlink():
                total += path.stat().st_size
                files += 1
    return total, files


def du_sh(folder: Path) -> str:
    """`du -sh` where it exists (the figure people compare), else the same from Python."""
    du = shutil.which("du")
    if du:
        result = subprocess.run([du, "-sh", str(folder)], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.split()[0]
    size, _files = folder_size(folder)
    return f"{size / 1024 / 1024:.0f}M"


def largest(folder: Path, count: int = 8) -> list[tuple[int, str]]:
    """The biggest files, so a size regression points at its cause."""
    sizes = [
        (p.stat().st_size, str(p.relative_to(folder)))
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    ]
    return sorted(sizes, reverse=True)[:count]


def report(bundle: Path, seconds: float) -> None:
    _bytes, files = folder_size(bundle)
    print(f"Built {bundle} in {seconds:.0f}s")
    print(f"Bundle size (du -sh): {du_sh(bundle)}  ({files} files)")
    print("Largest files:")
    for size, name in largest(bundle):
        print(f"  {size / 1024 / 1024:6.1f} MB  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=HERE / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=HERE / "build", help="PyInstaller work folder")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's caches first")
    parser.add_argument(
        "--self-test", action="store_true", help="run the built app's --self-test afterwards"
    )
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401 - only to give a useful message when it is missing
    except ImportError:
        print("PyInstaller is not installed: pip install -e '.[package]'", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        exe = build(args.dist.resolve(), args.work.resolve(), clean=args.clean)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        return 1
    report(exe.parent, time.perf_counter() - started)
    if args.self_test:
        print(f"Running {exe} --self-test")
        return subprocess.run([str(exe), "--self-test"], check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
