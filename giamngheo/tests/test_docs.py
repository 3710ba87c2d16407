"""The contributor documents stay true: their examples compile and what they name exists.

`docs/architecture.md` is the map a newcomer reads first, and CONTRIBUTING.md shows how code is written
here; a renamed module or function makes both lie without anyone noticing, so they are checked like code.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "giamngheo"
DOCUMENTS = [ROOT / "CONTRIBUTING.md", ROOT / "docs" / "architecture.md"]

CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
BACKTICKED = re.compile(r"`([^`\s]+)`")
DOTTED = re.compile(r"^[a-z_]+(\.[A-Za-z_][A-Za-z0-9_]*)+(\(\))?$")
FILE_TYPES = {"csv", "json", "pdf", "py", "md", "toml", "html", "xlsx", "po", "mo", "sqlite3"}
PATH = re.compile(r"^[\w./-]+\.(py|md|toml|html|xlsx)$|^[\w.-]+(/[\w.-]+)+/$")


def _apps() -> set[str]:
    return {
        config.label for config in apps.get_app_configs() if config.name.startswith("giamngheo.")
    }


def _blocks(document: Path) -> list[str]:
    return CODE_BLOCK.findall(document.read_text(encoding="utf-8"))


def _resolve(dotted: str) -> bool:
    """`reviews.services.screening.village_screen`, `giamngheo.standards.vocab` or `jobs.Job` resolves."""
    parts = dotted.removesuffix("()").split(".")
    if parts[0] != "giamngheo":
        parts = ["giamngheo", *parts]
    if len(parts) == 3 and parts[2][:1].isupper() and parts[1] in _apps():
        try:
            apps.get_model(parts[1], parts[2])
            return True
        except LookupError:
            pass
    for cut in range(len(parts), 1, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                target = getattr(target, name)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_python_examples_in_the_documents_compile_and_their_imports_resolve(document):
    problems = []
    for number, source in enumerate(_blocks(document), start=1):
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            problems.append(f"example {number}: {exc}")
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("giamngheo"):
                for alias in node.names:
                    if not _resolve(f"{node.module}.{alias.name}"):
                        problems.append(f"example {number}: from {node.module} import {alias.name}")
    assert not problems, problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_modules_functions_and_paths_named_in_the_documents_exist(document):
    app_labels = _apps() | {"standards", "demo", "giamngheo"}
    missing = []
    for token in set(BACKTICKED.findall(document.read_text(encoding="utf-8"))):
        if PATH.match(token):
            if "/" in token:
                found = any((base / token).exists() for base in (ROOT, PACKAGE))
            else:  # a bare file name, said in the context of its app
                found = (ROOT / token).exists() or any(PACKAGE.rglob(token))
            if not found:
                missing.append(token)
        elif token.rsplit(".", 1)[-1] in FILE_TYPES:
            continue
        elif DOTTED.match(token) and token.split(".")[0] in app_labels and not _resolve(token):
            missing.append(token)
    assert not sorted(missing), sorted(missing)
