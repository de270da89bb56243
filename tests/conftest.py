"""Suite-level pytest configuration: make ``zalo_oa_tools`` importable.

The loader is imported by file path, so this works whatever ``sys.path`` is.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _import_loader():
    name = "zalo_tests_loader"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("_loader.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_import_loader().load_tools()
