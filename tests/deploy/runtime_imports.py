"""Import every module of the project, and every library it imports, in this interpreter.

Run by tests/deploy/test_runtime_requirements.py with the Python of a virtualenv that
holds requirements.txt alone (not the test dependencies), under the production
settings. Two passes:

1. every module of the first-party packages (``pkgutil.walk_packages``), after
   ``django.setup()``: what the web and the worker load at start or on first use;
2. every third-party module named by an ``import`` anywhere in the first-party code,
   including imports inside functions (loaded only when a feature is used, e.g. the
   XLSX import) — those outside ``if TYPE_CHECKING:`` blocks;
3. what the settings name by string and libraries load on demand: the cache, storage
   and database backends, and the Celery broker's transport (kombu's Redis transport
   needs ``packaging``, which only the test tools had installed).

Then runs ``manage.py check --deploy`` (errors fail, warnings are printed). Prints one
line per failure and exits non-zero when anything failed.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("accounts", "cms", "config", "market", "matching", "search")
# Optional extras the image does not install (imported only when a setting asks for
# them): the ONNX embedder of MATCHING_EMBEDDER=onnx:… (requirements-onnx.txt).
OPTIONAL_EXTRAS = {"onnxruntime", "tokenizers", "onnx"}


def first_party_modules() -> list[str]:
    """Every module and package of the first-party apps."""
    names: list[str] = []
    for package in FIRST_PARTY:
        names.append(package)
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            names.append(info.name)
    return names


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks (imports only type checkers run)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = getattr(test, "id", None) or getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for inner in ast.walk(child):
                        if hasattr(inner, "lineno"):
                            lines.add(inner.lineno)
    return lines


def third_party_imports() -> dict[str, str]:
    """Third-party module name -> the first file that imports it."""
    found: dict[str, str] = {}
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            skipped = _type_checking_lines(tree)
            for node in ast.walk(tree):
                if getattr(node, "lineno", None) in skipped:
                    continue
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                else:
                    continue
                for name in names:
                    top = name.split(".", 1)[0]
                    if not name or top in FIRST_PARTY or top == "__future__":
                        continue
                    if top in OPTIONAL_EXTRAS:
                        continue
                    if top in sys.stdlib_module_names:
                        continue
                    found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def configured_backends() -> dict[str, Callable[[], object]]:
    """Loaders of what the settings name by dotted path or URL scheme."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    loaders: dict[str, Callable[[], object]] = {}
    for alias, cache in settings.CACHES.items():
        loaders[f"cache {alias}"] = partial(import_string, cache["BACKEND"])
    for alias, storage in settings.STORAGES.items():
        loaders[f"storage {alias}"] = partial(import_string, storage["BACKEND"])
    for alias, database in settings.DATABASES.items():
        loaders[f"database {alias}"] = partial(
            importlib.import_module, f"{database['ENGINE']}.base"
        )

    def transport() -> object:
        from config.celery import app

        # Resolves (imports) the transport class of the broker URL, no connection.
        return app.connection_for_write().transport_cls

    loaders["celery broker transport"] = transport
    return loaders


def _reason(error: BaseException) -> str:
    """The error and where it was raised, on one line."""
    frame = traceback.extract_tb(error.__traceback__)[-1:]
    where = f" at {frame[0].filename}:{frame[0].lineno}" if frame else ""
    return f"{type(error).__name__}: {error}{where}"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    failures: list[str] = []
    modules = first_party_modules()
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:
            failures.append(f"{name}: {_reason(error)}")
    libraries = third_party_imports()
    for name, where in sorted(libraries.items()):
        try:
            importlib.import_module(name)
        except Exception as error:
            failures.append(f"{name} (imported by {where}): {_reason(error)}")
    for name, load in configured_backends().items():
        try:
            load()
        except Exception as error:
            failures.append(f"{name}: {_reason(error)}")
    for failure in failures:
        print(f"IMPORT FAILED {failure}")
    if not failures:
        # Django's deployment checks; warnings (HSTS off, no HTTPS redirect in this
        # run) are the operator's choice, errors are not.
        from django.core.management import call_command

        call_command("check", "--deploy", "--fail-level", "ERROR")
    print(
        f"imported {len(modules)} project modules and {len(libraries)} libraries; "
        f"{len(failures)} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
