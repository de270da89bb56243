"""Pre-submission checks of a ZBS template.

Zalo reviews every template by hand (1-3 business days) and rejects it for
structural mistakes as well as for content rules. :func:`lint` finds both before
the template is submitted:

* ``error``: Zalo's create API would refuse the body (component limits of
  docs/zalo-api.md §4.3, undeclared params, names, lengths); submitting is blocked.
* ``warning``: content rules of Zalo's review guidelines (docs/zalo-api.md §4.5
  and the public ZNS review rules): no "anh/chị", no links or standalone phone
  numbers in the text (use a button), no icons or special characters, no "SMS",
  a logo or an image in the header, every declared param used. Submitting is
  allowed, the reviewer decides.

The input is a plain mapping (see :func:`lint`); each issue carries a stable code
and its arguments so that the Odoo layer can translate the sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["ERROR", "WARNING", "Issue", "lint"]

ERROR = "error"
WARNING = "warning"

PARAM_RE = re.compile(r"<([^<>\s]+)>")
PARAM_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
URL_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
PHONE_RE = re.compile(r"(?<![\w<])\+?\d[\d .\-]{7,}\d(?![\w>])")
ANH_CHI_RE = re.compile(r"\banh\s*(/|\s)\s*chị\b", re.IGNORECASE)
SMS_RE = re.compile(r"\bSMS\b", re.IGNORECASE)

#: Limits (docs/zalo-api.md §4.3; paragraph count from Zalo's ZNS content rules).
NAME_LENGTH = (10, 60)
TITLE_LENGTH = (9, 65)
TITLE_MAX_PARAMS = 4
PARAGRAPH_LENGTH = (9, 400)
MAX_PARAGRAPHS = 4
PARAGRAPHS_MAX_PARAMS = 10
TABLE_ROWS = (2, 8)
ROW_TITLE_LENGTH = (3, 36)
ROW_VALUE_LENGTH = (3, 90)
ROW_VALUE_MAX_PARAMS = 1
MAX_BUTTONS = 2
BUTTON_TITLE_LENGTH = (5, 30)
NOTE_MAX_LENGTH = 400
#: Param type code → max characters (§4.3).
PARAM_MAX = {
    1: 30,
    2: 15,
    3: 200,
    4: 30,
    5: 30,
    6: 30,
    7: 50,
    8: 5,
    9: 200,
    10: 20,
    11: 20,
    12: 10,
    13: 200,
    14: 12,
    15: 90,
}


class Issue(NamedTuple):
    level: str
    code: str
    args: dict


def _params_in(text: str) -> list[str]:
    return PARAM_RE.findall(text or "")


def _without_params(text: str) -> str:
    return PARAM_RE.sub(" ", text or "")


def _has_symbols(text: str) -> bool:
    """Icons and pictographs (emoji, dingbats...), which Zalo's reviewers refuse."""
    return any(unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF for ch in text)


def _length(issues, code, text, bounds, **args):
    low, high = bounds
    if not low <= len(text) <= high:
        issues.append(Issue(ERROR, code, dict(args, length=len(text), min=low, max=high)))


def lint(spec: Mapping) -> list[Issue]:
    """Check a template described by ``spec``:

    ``name``, ``template_type`` (int), ``title``, ``paragraphs`` (list of str),
    ``rows`` (list of (title, value)), ``buttons`` (list of (type, title, content)),
    ``has_logo``, ``has_image`` (bools), ``params`` (list of mappings with ``name``,
    ``type`` (int) and ``sample``), ``note``.
    """
    issues: list[Issue] = []
    name = (spec.get("name") or "").strip()
    _length(issues, "name_length", name, NAME_LENGTH)
    if int(spec.get("template_type") or 1) != 1:
        issues.append(Issue(ERROR, "type_not_custom", {}))

    texts: list[str] = []  # free text shown to the customer, for the content rules
    used: list[str] = []

    title = (spec.get("title") or "").strip()
    if not title:
        issues.append(Issue(ERROR, "no_title", {}))
    else:
        _length(issues, "title_length", title, TITLE_LENGTH)
        found = _params_in(title)
        if len(found) > TITLE_MAX_PARAMS:
            issues.append(
                Issue(ERROR, "title_params", {"count": len(found), "max": TITLE_MAX_PARAMS})
            )
        used += found
        texts.append(title)

    paragraphs = [p.strip() for p in spec.get("paragraphs") or [] if p and p.strip()]
    if not paragraphs:
        issues.append(Issue(ERROR, "no_paragraph", {}))
    if len(paragraphs) > MAX_PARAGRAPHS:
        issues.append(
            Issue(ERROR, "too_many_paragraphs", {"count": len(paragraphs), "max": MAX_PARAGRAPHS})
        )
    paragraph_params = 0
    for index, paragraph in enumerate(paragraphs, start=1):
        _length(issues, "paragraph_length", paragraph, PARAGRAPH_LENGTH, index=index)
        found = _params_in(paragraph)
        paragraph_params += len(found)
        used += found
        texts.append(paragraph)
    if paragraph_params > PARAGRAPHS_MAX_PARAMS:
        issues.append(
            Issue(
                ERROR,
                "paragraph_params",
                {"count": paragraph_params, "max": PARAGRAPHS_MAX_PARAMS},
            )
        )

    rows = list(spec.get("rows") or [])
    if rows and not TABLE_ROWS[0] <= len(rows) <= TABLE_ROWS[1]:
        issues.append(
            Issue(
                ERROR,
                "table_rows",
                {"count": len(rows), "min": TABLE_ROWS[0], "max": TABLE_ROWS[1]},
            )
        )
    for index, (row_title, row_value) in enumerate(rows, start=1):
        row_title, row_value = (row_title or "").strip(), (row_value or "").strip()
        _length(issues, "row_title_length", row_title, ROW_TITLE_LENGTH, index=index)
        _length(issues, "row_value_length", row_value, ROW_VALUE_LENGTH, index=index)
        if _params_in(row_title):
            issues.append(Issue(ERROR, "row_title_param", {"index": index}))
        found = _params_in(row_value)
        if len(found) > ROW_VALUE_MAX_PARAMS:
            issues.append(
                Issue(ERROR, "row_value_params", {"index": index, "max": ROW_VALUE_MAX_PARAMS})
            )
        used += found
        texts += [row_title, row_value]

    buttons = list(spec.get("buttons") or [])
    if len(buttons) > MAX_BUTTONS:
        issues.append(Issue(ERROR, "buttons_count", {"count": len(buttons), "max": MAX_BUTTONS}))
    for index, (_btype, btitle, bcontent) in enumerate(buttons, start=1):
        _length(
            issues, "button_title_length", (btitle or "").strip(), BUTTON_TITLE_LENGTH, index=index
        )
        if not (bcontent or "").strip():
            issues.append(Issue(ERROR, "button_content_missing", {"index": index}))
    if spec.get("has_image") and not buttons:
        issues.append(Issue(ERROR, "image_needs_button", {}))
    if not (spec.get("has_logo") or spec.get("has_image")):
        issues.append(Issue(WARNING, "no_logo_or_image", {}))

    declared: list[str] = []
    for param in spec.get("params") or []:
        pname = param.get("name") or ""
        if not PARAM_NAME_RE.match(pname):
            issues.append(Issue(ERROR, "param_name_invalid", {"name": pname}))
        if pname in declared:
            issues.append(Issue(ERROR, "param_duplicate", {"name": pname}))
        declared.append(pname)
        sample = (param.get("sample") or "").strip()
        limit = PARAM_MAX.get(int(param.get("type") or 0))
        if not sample:
            issues.append(Issue(ERROR, "param_sample_missing", {"name": pname}))
        elif limit and len(sample) > limit:
            issues.append(
                Issue(
                    ERROR,
                    "param_sample_too_long",
                    {"name": pname, "length": len(sample), "max": limit},
                )
            )
    for pname in dict.fromkeys(used):
        if pname not in declared:
            issues.append(Issue(ERROR, "undeclared_param", {"name": pname}))
    for pname in declared:
        if pname and pname not in used:
            issues.append(Issue(WARNING, "unused_param", {"name": pname}))

    note = spec.get("note") or ""
    if len(note) > NOTE_MAX_LENGTH:
        issues.append(Issue(ERROR, "note_length", {"length": len(note), "max": NOTE_MAX_LENGTH}))

    content = "\n".join(_without_params(t) for t in texts)
    if ANH_CHI_RE.search(content):
        issues.append(Issue(WARNING, "anh_chi", {}))
    if URL_RE.search(content):
        issues.append(Issue(WARNING, "url_in_text", {}))
    if PHONE_RE.search(content):
        issues.append(Issue(WARNING, "phone_in_text", {}))
    if _has_symbols(content):
        issues.append(Issue(WARNING, "symbols", {}))
    if SMS_RE.search(content):
        issues.append(Issue(WARNING, "word_sms", {}))
    return issues
