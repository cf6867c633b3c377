"""The repository stands on its own: a clone anywhere installs what the lock file pins, and
nothing in it reads or links files outside it."""

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from django.core.management import call_command
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
SCHEMAS = ROOT / "grants" / "schemas" / "360giving"
# Spelled in pieces so that this file does not match itself.
OUTSIDE = [".." + "/shared", re.compile(r"""parent\s*/\s*["']""" + "shared")]


# Where the repository is not a git checkout (an unpacked archive), every file is read
# except what .gitignore keeps out of a checkout anyway.
NOT_SOURCE = {".git", ".venv", "staticfiles", "private_media", "test-artifacts", "node_modules"}


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file()
            and not NOT_SOURCE.intersection(path.relative_to(ROOT).parts)
            and "__pycache__" not in path.parts
        ]
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [ROOT / name.decode() for name in names if name]


def test_no_tracked_file_reads_or_links_the_directory_beside_the_repository():
    offenders = []
    for path in tracked_files():
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for pattern in OUTSIDE:
            found = pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text
            if found:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_relative_links_in_the_documentation_point_inside_the_repository():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), SCHEMAS / "README.md"]
    broken = []
    for document in documents:
        for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text("utf-8")):
            if re.match(r"[a-z]+:|#", target):
                continue
            resolved = (document.parent / target.split("#")[0]).resolve()
            if not resolved.exists() or not resolved.is_relative_to(ROOT):
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []
    assert "docs/design.md" in (ROOT / "README.md").read_text("utf-8")


def test_the_360giving_schemas_are_kept_with_their_version_source_and_licence():
    readme = (SCHEMAS / "README.md").read_text("utf-8")
    for name in ("360-giving-schema.json", "360-giving-package-schema.json"):
        schema = json.loads((SCHEMAS / name).read_text("utf-8"))
        version = re.search(r"/standard/([\d.]+)/schema/", schema["$id"]).group(1)
        assert f"schema {version}" in readme
        assert name in readme
    assert "CC BY 4.0" in readme and "ThreeSixtyGiving/standard" in readme


# --- the lock file ---------------------------------------------------------------------


def locked() -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) of every requirement in the lock file."""
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text("utf-8")):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s\\;]+)", block)
        if match:
            pins[canonicalize_name(match[1])] = (match[2], block.count("--hash=sha256:"))
    return pins


def test_the_lock_pins_every_dependency_within_pyprojects_ranges_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    wanted = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    pins = locked()
    assert len(pins) > len(wanted)  # and what those depend on
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/lock.txt: run make lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)
    assert all(hashes for _version, hashes in pins.values())


def dry_run(*arguments: str) -> str:
    # `make run` and `make test` are the set-up contract: a machine without make cannot
    # run the suite the contract's way, so its absence is a failure, not a skip.
    assert shutil.which("make"), "make is part of the set-up contract (make run, make test)"
    return subprocess.run(
        ["make", "--always-make", "--dry-run", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_installs_only_what_the_lock_pins():
    commands = dry_run("venv")
    assert "pip install --quiet --require-hashes -r requirements/lock.txt" in commands
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in commands
    assert ".[dev]" not in commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "git clone" in ci and "make venv" in ci


# --- make run prints the address it serves ---------------------------------------------


def test_make_run_passes_the_address_it_serves_to_load_demo():
    commands = dry_run("run", "HOST=0.0.0.0", "PORT=8123")
    assert "load_demo --address http://localhost:8123/" in commands
    assert "runserver 0.0.0.0:8123" in commands
    assert "load_demo --address http://127.0.0.1:8000/" in dry_run("run")


def test_load_demo_prints_the_address_and_the_logins(demo, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", address="http://localhost:8123/")
    out = capsys.readouterr().out
    assert "Demo logins (password: demo) at http://localhost:8123/login/" in out
    assert "frb-sagsbehandler" in out and "kbh-sekretariat" in out
    assert "127.0.0.1:8000" not in out
