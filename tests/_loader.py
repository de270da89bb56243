"""Load ``zalo_oa/tools`` as a standalone package named ``zalo_oa_tools``.

``zalo_oa/__init__.py`` imports Odoo models, so ``import zalo_oa.tools`` needs a
running Odoo. The tools package only uses relative imports, so it can be loaded
on its own from its directory. Usage (tests, simulator, benchmarks)::

    from _loader import load_tools          # with tests/ on sys.path
    tools = load_tools()
    from zalo_oa_tools.webhook import parse_event
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PACKAGE_NAME = "zalo_oa_tools"
TOOLS_DIR = Path(__file__).resolve().parent.parent / "zalo_oa" / "tools"


def load_tools(name: str = PACKAGE_NAME, path: Path | str | None = None) -> ModuleType:
    """Import the tools directory as package ``name`` (idempotent) and return it."""
    if name in sys.modules:
        return sys.modules[name]
    tools_dir = Path(path) if path else TOOLS_DIR
    spec = importlib.util.spec_from_file_location(
        name, tools_dir / "__init__.py", submodule_search_locations=[str(tools_dir)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load the Zalo tools package from {tools_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
