from markupsafe import Markup

from odoo import _, api, models

from ..tools import lint as zbs_lint
from .zalo_zbs_template import PARAGRAPH_SPLIT_RE


class ZaloZbsTemplate(models.Model):
    """The content of a template: Zalo's layout, the checks before submitting, the rendering."""

    _inherit = "zalo.zbs.template"

    # ------------------------------------------------------------------ layout

    def _zbs_paragraphs(self):
        self.ensure_one()
        text = (self.body_text or "").replace("\r\n", "\n").strip()
        return [p.strip() for p in PARAGRAPH_SPLIT_RE.split(text) if p.strip()]

    def _zbs_lint_spec(self):
        self.ensure_one()
        return {
            "name": self.name,
            "template_type": int(self.template_type or 1),
            "title": self.title,
            "paragraphs": self._zbs_paragraphs(),
            "rows": [(r.title, r.value) for r in self.table_row_ids],
            "buttons": [(b.button_type, b.title, b.content) for b in self.button_ids],
            "has_logo": bool(self.logo),
            "has_image": bool(self.header_image),
            "params": [
                {"name": p.name, "type": int(p.param_type or 0), "sample": p.sample_value}
                for p in self.param_ids
            ],
            "note": self.note,
        }

    def _zbs_lint(self):
        self.ensure_one()
        return zbs_lint.lint(self._zbs_lint_spec())

    @api.model
    def _zbs_lint_text(self, issue):
        """A translated sentence for a :class:`~..tools.lint.Issue`."""
        a = issue.args
        texts = {
            "name_length": lambda: _(
                "The name must be %(min)s to %(max)s characters long (it has %(length)s).", **a
            ),
            "type_not_custom": lambda: _(
                "Only custom templates can be created from Odoo: create the other types in "
                "Zalo's console, then import them."
            ),
            "no_title": lambda: _("Write a title."),
            "title_length": lambda: _(
                "The title must be %(min)s to %(max)s characters long (it has %(length)s).", **a
            ),
            "title_params": lambda: _(
                "The title uses %(count)s params; Zalo allows at most %(max)s.", **a
            ),
            "no_paragraph": lambda: _("Write at least one paragraph."),
            "too_many_paragraphs": lambda: _(
                "There are %(count)s paragraphs; Zalo allows at most %(max)s (separate them with "
                "an empty line).",
                **a,
            ),
            "paragraph_length": lambda: _(
                "Paragraph %(index)s must be %(min)s to %(max)s characters long (it has "
                "%(length)s).",
                **a,
            ),
            "paragraph_params": lambda: _(
                "The paragraphs use %(count)s params; Zalo allows at most %(max)s.", **a
            ),
            "table_rows": lambda: _(
                "The table has %(count)s rows; Zalo wants %(min)s to %(max)s (or no table).", **a
            ),
            "row_title_length": lambda: _(
                "The title of table row %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "row_value_length": lambda: _(
                "The value of table row %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "row_title_param": lambda: _(
                "The title of table row %(index)s cannot contain a param.", **a
            ),
            "row_value_params": lambda: _(
                "The value of table row %(index)s may contain at most %(max)s param.", **a
            ),
            "buttons_count": lambda: _(
                "There are %(count)s buttons; Zalo allows at most %(max)s.", **a
            ),
            "button_title_length": lambda: _(
                "The title of button %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "button_content_missing": lambda: _(
                "Button %(index)s needs a link or a phone number.", **a
            ),
            "image_needs_button": lambda: _("A template with a header image needs a button."),
            "no_logo_or_image": lambda: _(
                "Zalo's reviewers expect a logo or an image in the header."
            ),
            "param_name_invalid": lambda: _(
                "The param name «%(name)s» is not valid: use lower-case letters, digits and "
                "underscores, without accents or spaces (e.g. customer_name).",
                **a,
            ),
            "param_duplicate": lambda: _("The param «%(name)s» is declared twice.", **a),
            "param_sample_missing": lambda: _(
                "The param «%(name)s» needs a sample value: Zalo's reviewers read it.", **a
            ),
            "param_sample_too_long": lambda: _(
                "The sample value of «%(name)s» has %(length)s characters; its type allows "
                "%(max)s.",
                **a,
            ),
            "undeclared_param": lambda: _(
                "The text uses <%(name)s> but no such param is declared: add it in the Params tab.",
                **a,
            ),
            "unused_param": lambda: _(
                "The param «%(name)s» is declared but not used in the text.", **a
            ),
            "note_length": lambda: _(
                "The note has %(length)s characters; Zalo allows at most %(max)s.", **a
            ),
            "anh_chi": lambda: _(
                "Do not address the customer as «anh/chị»: Zalo rejects it. Use «bạn» or "
                "«quý khách»."
            ),
            "url_in_text": lambda: _(
                "Links in the text are rejected by Zalo: put them in a button instead."
            ),
            "phone_in_text": lambda: _(
                "Phone numbers in the text are rejected by Zalo: use a «Call» button instead."
            ),
            "symbols": lambda: _("Icons and special characters are rejected by Zalo: remove them."),
            "word_sms": lambda: _("Zalo rejects templates that mention «SMS»."),
        }
        builder = texts.get(issue.code)
        return builder() if builder else issue.code

    def _zbs_lint_html(self, issues):
        if not issues:
            return Markup('<div class="text-success">%s</div>') % _(
                "Ready to submit: no problem found."
            )
        items = Markup("").join(
            Markup('<li class="%s">%s</li>')
            % (
                "text-danger" if issue.level == zbs_lint.ERROR else "text-warning",
                self._zbs_lint_text(issue),
            )
            for issue in issues
        )
        return Markup("<ul class='mb-0'>%s</ul>") % items

    def _zbs_layout(self, media=None):
        """The ``layout`` of /template/create (docs/zalo-api.md §4.3), with uploaded media ids."""
        self.ensure_one()
        media = media or {}
        header = []
        if media.get("logo"):
            header.append(
                {
                    "LOGO": {
                        "light": {"type": "IMAGE", "media_id": media["logo"]},
                        "dark": {
                            "type": "IMAGE",
                            "media_id": media.get("logo_dark") or media["logo"],
                        },
                    }
                }
            )
        if media.get("header_image"):
            header.append(
                {"IMAGE": {"items": [{"type": "IMAGE", "media_id": media["header_image"]}]}}
            )
        body = []
        if self.title:
            body.append({"TITLE": {"value": self.title.strip()}})
        body += [{"PARAGRAPH": {"value": p}} for p in self._zbs_paragraphs()]
        if self.table_row_ids:
            body.append(
                {
                    "TABLE": {
                        "rows": [
                            {"title": r.title.strip(), "value": r.value.strip(), "row_type": 0}
                            for r in self.table_row_ids
                        ]
                    }
                }
            )
        layout = {}
        if header:
            layout["header"] = {"components": header}
        layout["body"] = {"components": body}
        if self.button_ids:
            layout["footer"] = {
                "components": [
                    {
                        "BUTTONS": {
                            "items": [
                                {
                                    "type": int(b.button_type),
                                    "title": b.title.strip(),
                                    "content": b.content.strip(),
                                }
                                for b in self.button_ids
                            ]
                        }
                    }
                ]
            }
        return layout

    def _zbs_render_lines(self, values):
        """The text of the template with ``values`` substituted, as (kind, text) lines."""
        self.ensure_one()

        def sub(text):
            return zbs_lint.PARAM_RE.sub(
                lambda m: values.get(m.group(1)) or m.group(0), (text or "").strip()
            )

        lines = []
        if self.title:
            lines.append(("title", sub(self.title)))
        lines += [("paragraph", sub(p)) for p in self._zbs_paragraphs()]
        lines += [("row", (r.title or "", sub(r.value))) for r in self.table_row_ids]
        lines += [("button", b.title or "") for b in self.button_ids]
        return lines

    def _zbs_render_text(self, values):
        """Plain text of the rendered template (kept on the outbound message)."""
        self.ensure_one()
        out = []
        for kind, text in self._zbs_render_lines(values):
            if kind == "row":
                out.append(f"{text[0]}: {text[1]}")
            elif kind == "button":
                out.append(f"[{text}]")
            else:
                out.append(text)
        if not out:  # imported: Zalo does not give the content back
            out = [f"{name}: {value}" for name, value in values.items()]
        return "\n".join(out)

    def _zbs_render_html(self, values, problems=None):
        """HTML preview (composer, template form) with ``values`` substituted."""
        self.ensure_one()
        problems = problems or {}
        lines = self._zbs_render_lines(values)
        parts = []
        if self.logo or self.header_image:
            parts.append(
                Markup('<div class="text-muted small mb-1">%s</div>')
                % (_("[Logo]") if self.logo else _("[Image]"))
            )
        rows = []
        for kind, text in lines:
            if kind == "title":
                parts.append(Markup('<div class="fw-bold mb-1">%s</div>') % text)
            elif kind == "paragraph":
                parts.append(Markup('<p class="mb-1">%s</p>') % text)
            elif kind == "row":
                rows.append(
                    Markup('<tr><td class="text-muted pe-3">%s</td><td>%s</td></tr>') % text
                )
            elif kind == "button":
                if rows:
                    parts.append(Markup('<table class="mb-1">%s</table>') % Markup("").join(rows))
                    rows = []
                parts.append(
                    Markup('<span class="btn btn-sm btn-outline-primary me-1 disabled">%s</span>')
                    % text
                )
        if rows:
            parts.append(Markup('<table class="mb-1">%s</table>') % Markup("").join(rows))
        if not lines:
            # Imported templates: the params, and Zalo's own preview page.
            items = Markup("").join(
                Markup('<tr><td class="text-muted pe-3">&lt;%s&gt;</td><td>%s</td></tr>')
                % (name, value)
                for name, value in values.items()
            )
            parts.append(Markup('<table class="mb-1">%s</table>') % items)
            if self.preview_url:
                parts.append(
                    Markup('<a href="%s" target="_blank" rel="noopener">%s</a>')
                    % (self.preview_url, _("See the template on Zalo"))
                )
        if problems:
            items = Markup("").join(
                Markup("<li>%s</li>") % text for text in problems.values() if text
            )
            parts.append(Markup('<ul class="text-danger mb-0 mt-1">%s</ul>') % items)
        return Markup('<div class="o_zalo_zbs_preview border rounded p-2">%s</div>') % Markup(
            ""
        ).join(parts)
