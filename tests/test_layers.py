"""The layering reads one way: `portal/` (tenancy, money, accounts, the page cache) is the
ground every app stands on and imports none of them. docs/decisions.md, "Layers"."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ABOVE_THE_GROUND = {"grants", "policies", "indicators", "demo", "transfer", "web", "identity"}
# (file, imported module) pairs that may cross; each one defended in docs/decisions.md.
ALLOWED: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at the top or inside a function, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def upward_imports(package: Path, root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if top in ABOVE_THE_GROUND and (relative, module) not in ALLOWED:
                problems.append(f"{relative}:{line} imports {module}")
    return problems


def test_the_ground_imports_no_app_above_it():
    assert upward_imports(ROOT / "portal") == []


def test_the_walk_finds_an_upward_import(tmp_path):
    """The check itself: an import at the top and one inside a function are both found."""
    package = tmp_path / "portal"
    package.mkdir()
    (package / "views.py").write_text(
        "from grants.models import Pool\n"
        "def f():\n"
        "    import demo.loader\n"
        "    from portal.models import User\n",
        encoding="utf-8",
    )
    assert upward_imports(package, root=tmp_path) == [
        "portal/views.py:1 imports grants.models",
        "portal/views.py:3 imports demo.loader",
    ]


def test_production_code_does_not_use_the_development_tools():
    """Only tests, bench/ and the demo app itself use the demo and scale generators."""
    for package in ("portal", "grants", "policies", "indicators", "transfer", "web"):
        for path in (ROOT / package).rglob("*.py"):
            modules = [module for _line, module in imported_modules(path)]
            assert not any(m == "demo" or m.startswith("demo.") for m in modules), path


def test_production_code_does_not_use_django_test_utilities():
    for package in ("portal", "grants", "policies", "indicators", "transfer", "web"):
        for path in (ROOT / package).rglob("*.py"):
            modules = [module for _line, module in imported_modules(path)]
            assert not any(m == "django.test" or m.startswith("django.test.") for m in modules), (
                path
            )
