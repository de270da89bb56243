"""Every term of the suite is translated into Vietnamese, with the same placeholders.

Regenerate the templates and merge new terms with ``python3 scripts/i18n_export.py``,
then translate the empty ``msgstr`` of ``<addon>/i18n/vi.po``.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationFileReader, TranslationModuleReader

SUITE = (
    "zalo_oa",
    "zalo_oa_zbs",
    "zalo_oa_sale",
    "zalo_oa_account",
    "zalo_oa_helpdesk",
    "zalo_oa_crm",
    "zalo_oa_chatter_bridge",
    "zalo_oa_portal_login",
    "zalo_oa_website_chat",
)
PO_NAME = "vi.po"

#: %(name)s and %s style (Python and Odoo's JS sprintf), %% escaped.
PERCENT_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrx%])")
#: {name} and {0} style (str.format, owl/luxon templates).
BRACE_RE = re.compile(r"(?<!\{)\{\s*(\w*)\s*\}(?!\})")
#: Markup tags with their attributes, and ZBS params written as <param>.
TAG_RE = re.compile(r"</?[A-Za-z%][^<>]*>")


def placeholders(text):
    """(named %(x)s, ordered positional %s, {x}, tags) of a term."""
    named, positional = Counter(), []
    for match in PERCENT_RE.finditer(text):
        name, conv = match.groups()
        if name:
            named[f"%({name}){conv}"] += 1
        elif conv != "%":
            positional.append(f"%{conv}")
    braces = Counter(f"{{{m}}}" for m in BRACE_RE.findall(text))
    tags = Counter(TAG_RE.findall(text))
    return named, positional, braces, tags


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    """Each installed addon of the suite ships i18n/<addon>.pot and a complete i18n/vi.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addons = (
            cls.env["ir.module.module"]
            .search([("name", "in", SUITE), ("state", "=", "installed")])
            .mapped("name")
        )
        cls.terms = defaultdict(set)
        if cls.addons:
            # Odoo's own term extraction: records with an xmlid (fields, views, menus,
            # actions, selections...), _() / _lt() in Python, _t() and QWeb in static/src.
            for module, _type, _name, _res_id, src, _value, _comments in TranslationModuleReader(
                cls.env.cr, modules=cls.addons
            ):
                if module in cls.addons and src:
                    cls.terms[module].add(src)

    def _i18n_dir(self, addon):
        return Path(get_module_path(addon)) / "i18n"

    def _parse(self, path):
        """The entries of a .po/.pot file, read by polib and by Odoo's reader."""
        po = polib.pofile(str(path))
        with open(path, "rb") as fileobj:
            rows = list(TranslationFileReader(fileobj, fileformat="po"))
        self.assertTrue(rows or not len(po), f"Odoo reads no term from {path}")
        return po

    def test_addons_found(self):
        self.assertIn("zalo_oa", self.addons)
        skipped = sorted(set(SUITE) - set(self.addons))
        if skipped:
            # The suite's test run installs all nine; a partial database checks what it has.
            self.skipTest(f"not installed here: {', '.join(skipped)}")

    def test_pot_and_po_parse(self):
        problems = []
        for addon in self.addons:
            i18n = self._i18n_dir(addon)
            for path in (i18n / f"{addon}.pot", i18n / PO_NAME):
                if not path.exists():
                    problems.append(f"{addon}: {path.name} is missing")
                    continue
                try:
                    po = self._parse(path)
                except (OSError, ValueError) as exc:
                    problems.append(f"{addon}: {path.name} does not parse: {exc}")
                    continue
                if path.name == PO_NAME:
                    if po.metadata.get("Language") != "vi":
                        problems.append(f"{addon}: {PO_NAME} has no 'Language: vi' header")
                    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
                    if fuzzy:
                        problems.append(f"{addon}: fuzzy entries in {PO_NAME}: {fuzzy}")
        self.assertFalse(problems, "\n".join(problems))

    def test_every_term_translated(self):
        problems = []
        for addon in self.addons:
            path = self._i18n_dir(addon) / PO_NAME
            if not path.exists():
                problems.append(f"{addon}: no i18n/{PO_NAME} ({len(self.terms[addon])} terms)")
                continue
            translated = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if not e.obsolete}
            missing = sorted(
                src for src in self.terms[addon] if not translated.get(src, "").strip()
            )
            if missing:
                problems.append(
                    f"{addon}: {len(missing)} of {len(self.terms[addon])} terms have no "
                    f"Vietnamese translation in i18n/{PO_NAME} (run scripts/i18n_export.py, "
                    "then translate them):"
                )
                problems.extend(f"    {src!r}" for src in missing)
        self.assertFalse(problems, "\n".join(problems))

    def test_placeholders_match(self):
        problems = []
        kinds = (
            "%(name)s placeholders",
            "%s placeholders (in order)",
            "{name} placeholders",
            "tags",
        )
        for addon in self.addons:
            path = self._i18n_dir(addon) / PO_NAME
            if not path.exists():
                continue
            for entry in polib.pofile(str(path)):
                if not entry.msgstr or entry.obsolete:
                    continue
                for kind, source, translation in zip(
                    kinds, placeholders(entry.msgid), placeholders(entry.msgstr), strict=True
                ):
                    if source != translation:
                        problems.append(
                            f"{addon}: {kind} differ: {entry.msgid!r} -> {entry.msgstr!r}"
                        )
        self.assertFalse(problems, "\n".join(problems))
