#!/usr/bin/env python3
"""Regenerate the translation template of the addons and merge new terms into vi.po.

    python3 scripts/i18n_export.py                       # the nine addons
    python3 scripts/i18n_export.py zalo_oa_sale zalo_oa_account
    python3 scripts/i18n_export.py --db my_db            # a database where they are installed
    python3 scripts/i18n_export.py --check               # write nothing; exit 1 if out of date

For each addon this

1. installs the addons in a throwaway database (``zalo_i18n_<time>_<pid>``, dropped at the
   end; ``--db`` uses an existing database instead), without demo data;
2. exports ``<addon>/i18n/<addon>.pot`` with Odoo's own exporter (``--i18n-export``), the file
   Odoo and Transifex work from;
3. rewrites ``<addon>/i18n/vi.po`` from that template: every term of the template, in its
   order, with its existing Vietnamese translation; a term new to this addon but already
   translated in another addon of the suite takes that translation (one vocabulary across the
   suite); terms that are no longer in the code are dropped;
4. prints, per addon, the number of terms and the ones still to translate.

A file whose only change would be its dates is left untouched. Untranslated terms are written
with an empty ``msgstr``: translate them in vi.po (keep ``%s``, ``%(name)s``, ``{name}`` and
the HTML tags as they are), then run the test ``/zalo_oa:TestI18n``, which fails on any
untranslated term or placeholder mismatch.

Odoo 17 and PostgreSQL are found like ``scripts/dev.py`` finds them (``ODOO_SRC``, an
importable ``odoo``, the usual ``PG*`` variables).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANG = "vi_VN"
PO_NAME = "vi.po"
HEADER = (
    "Translation of Odoo Server.\n"
    "This file contains the translation of the following modules:\n"
    "\t* {addon}\n"
)
DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")


def _load_dev():
    """The helpers of ``scripts/dev.py`` (``scripts/devenv.py`` and ``scripts/devtools``)."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import devenv
    from devtools import database, odoo_env, processes

    return types.SimpleNamespace(
        say=devenv.say,
        loud=devenv.loud,
        CACHE=devenv.CACHE,
        ADDONS=odoo_env.ADDONS,
        ODOO_FIX=odoo_env.ODOO_FIX,
        find_odoo=odoo_env.find_odoo,
        check_postgres=database.check_postgres,
        module_states=database.module_states,
        drop_db=database.drop_db,
        free_port=processes.free_port,
    )


dev = _load_dev()
say = dev.say


def _polib():
    try:
        import polib
    except ImportError:  # polib is one of Odoo 17's own requirements
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "polib"])
        import polib
    return polib


# ----------------------------------------------------------------------- Odoo side


def odoo_run(odoo, db, args, log):
    cmd = [
        *odoo.cmd,
        f"--addons-path={odoo.addons_path_arg}",
        "-d",
        db,
        f"--http-port={dev.free_port()}",
        "--http-interface=127.0.0.1",
        "--max-cron-threads=0",
        "--stop-after-init",
        "--log-level=warn",
        *args,
    ]
    env = {**os.environ, **odoo.extra_env}
    with open(log, "a") as out:
        return subprocess.call(cmd, cwd="/", env=env, stdout=out, stderr=subprocess.STDOUT)


def install(odoo, db, addons, log):
    say(f"Installing {', '.join(addons)} in {db} (log: {log}) ...")
    rc = odoo_run(odoo, db, ["-i", ",".join(addons), "--without-demo=all"], log)
    states = dev.module_states(db)
    missing = [a for a in addons if states.get(a) != "installed"]
    if rc != 0 or missing:
        raise SystemExit(f"Installing failed (exit {rc}; not installed: {missing}); see {log}")


def export_pot(odoo, db, addon, target, log):
    rc = odoo_run(odoo, db, [f"--i18n-export={target}", f"--modules={addon}"], log)
    if rc != 0 or not Path(target).exists():
        raise SystemExit(f"Exporting the terms of {addon} failed (exit {rc}); see {log}")


# ------------------------------------------------------------------------- merging


def translations_of(path):
    """{msgid: msgstr} of the translated, current entries of a .po file."""
    polib = _polib()
    if not path.exists():
        return {}
    return {
        e.msgid: e.msgstr
        for e in polib.pofile(str(path))
        if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
    }


def suite_memory(addons_dir):
    """Translations of every addon of the suite, for terms shared between addons."""
    memory = {}
    for po in sorted(addons_dir.glob(f"zalo_oa*/i18n/{PO_NAME}")):
        for msgid, msgstr in translations_of(po).items():
            memory.setdefault(msgid, msgstr)
    return memory


def merge(addon, pot_path, po_path, memory):
    """Build the new vi.po of ``addon``; return (POFile, untranslated msgids)."""
    polib = _polib()
    pot = polib.pofile(str(pot_path))
    own = translations_of(po_path)
    old = polib.pofile(str(po_path)) if po_path.exists() else None
    po = polib.POFile(wrapwidth=78)
    po.header = old.header if old is not None and old.header else HEADER.format(addon=addon)
    po.metadata = dict(pot.metadata)
    if old is not None:
        po.metadata.update(
            {k: v for k, v in old.metadata.items() if k not in DATE_KEYS and k != "Content-Type"}
        )
    po.metadata.update(
        {
            "Last-Translator": po.metadata.get("Last-Translator") or "",
            "Language-Team": po.metadata.get("Language-Team") or "Vietnamese",
            "Language": "vi",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
    )
    untranslated = []
    for entry in pot:
        entry.msgstr = own.get(entry.msgid) or memory.get(entry.msgid) or ""
        if not entry.msgstr:
            untranslated.append(entry.msgid)
        po.append(entry)
    return po, untranslated


def _without_dates(text):
    return "\n".join(
        line for line in text.splitlines() if not any(f'"{key}:' in line for key in DATE_KEYS)
    )


def write_if_changed(path, text, check):
    """Write ``text`` unless only the dates differ; return True when the content changed."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old is not None and _without_dates(old) == _without_dates(text):
        return False
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return True


# ---------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addons", nargs="*", help="addons to export (default: the nine)")
    parser.add_argument("--db", help="use this database, where the addons are installed")
    parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file is out of date"
    )
    args = parser.parse_args(argv)
    addons = args.addons or [a for a in dev.ADDONS if (ROOT / a / "__manifest__.py").exists()]
    unknown = [a for a in addons if not (ROOT / a / "__manifest__.py").exists()]
    if unknown:
        parser.error(f"not addons of this repository: {', '.join(unknown)}")

    odoo, why = dev.find_odoo()
    if odoo is None:
        dev.loud(f"Odoo 17 was not found ({why}). {dev.ODOO_FIX}")
        return 2
    pg_problem = dev.check_postgres()
    if pg_problem:
        dev.loud(pg_problem)
        return 2

    dev.CACHE.mkdir(exist_ok=True)
    log = dev.CACHE / "i18n-export.log"
    log.unlink(missing_ok=True)
    db = args.db or f"zalo_i18n_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    throwaway = not args.db
    outdated = []
    try:
        if throwaway:
            install(odoo, db, addons, log)
        memory = suite_memory(ROOT)
        with tempfile.TemporaryDirectory(prefix="zalo_i18n_") as tmp:
            for addon in addons:
                i18n = ROOT / addon / "i18n"
                pot_tmp = Path(tmp) / f"{addon}.pot"
                export_pot(odoo, db, addon, pot_tmp, log)
                pot_text = pot_tmp.read_text(encoding="utf-8")
                pot_changed = write_if_changed(i18n / f"{addon}.pot", pot_text, args.check)
                po, untranslated = merge(addon, pot_tmp, i18n / PO_NAME, memory)
                po_changed = write_if_changed(i18n / PO_NAME, str(po), args.check)
                for entry in po.translated_entries():
                    memory.setdefault(entry.msgid, entry.msgstr)
                changed = [
                    name
                    for name, flag in ((f"{addon}.pot", pot_changed), (PO_NAME, po_changed))
                    if flag
                ]
                verb = "out of date" if args.check else "written"
                say(
                    f"{addon}: {len(po)} terms, {len(untranslated)} untranslated"
                    + (f"; {verb}: {', '.join(changed)}" if changed else "; unchanged")
                )
                for msgid in untranslated:
                    say(f"    untranslated: {msgid!r}")
                if changed or untranslated:
                    outdated.append(addon)
    finally:
        if throwaway and not args.keep_db:
            dev.drop_db(db)
        elif throwaway:
            say(f"Keeping database {db} (--keep-db)")
    if args.check and outdated:
        say(f"Out of date or incomplete: {', '.join(outdated)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
