"""The package's shape: layers point down, no private names cross packages.

The layers themselves are an import-linter contract in ``pyproject.toml``;
this test runs it, so ``make test`` (and CI) fails on an upward import.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "accessibility"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rsplit(".", 1)[0]


def test_layer_contract_holds() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.fail("lint-imports (import-linter) is not installed: pip install -e '.[dev]'")
    result = subprocess.run([exe], cwd=PACKAGE.parent, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_private_names_cross_packages() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        own_package = _package_of(module, path.name == "__init__.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if not node.module.startswith("accessibility"):
                continue
            target_is_package = (PACKAGE.parent / node.module.replace(".", "/")).is_dir()
            target_package = _package_of(node.module, target_is_package)
            private_module = any(p.startswith("_") and p != "__init__"
                                 for p in node.module.split("."))
            for alias in node.names:
                if (alias.name.startswith("_") or private_module) and target_package != own_package:
                    offences.append(f"{module}: from {node.module} import {alias.name}")
    assert not offences, "private names imported across packages:\n" + "\n".join(offences)


def test_public_api_is_importable() -> None:
    from accessibility import TransportMode, TransportNetwork, TravelRequest, TravelTimeMatrix  # noqa: F401

    assert TransportMode.TRANSIT.value == "TRANSIT"
