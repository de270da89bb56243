"""17.0.1.3.0: ``zalo.oa.oa_id`` (Zalo's id of the OA, a Char) is renamed ``zalo_oa_ref``.

Everywhere else ``oa_id`` is a Many2one to ``zalo.oa``. Renamed before the registry loads:
the column with its values, its index and unique constraint, and their ``ir.model.fields``
/ ``ir.model.constraint`` rows and XML ids (so the upgrade keeps the field's translations
and tracking values and leaves no ghost field behind), and the saved filters of the model.
"""

OLD, NEW = "oa_id", "zalo_oa_ref"
TABLE, MODEL, MODULE = "zalo_oa", "zalo.oa", "zalo_oa"


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.rowcount)


def _rename_xmlid(cr, model, old, new):
    cr.execute(
        """UPDATE ir_model_data SET name = %s
            WHERE module = %s AND model = %s AND name = %s
              AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = %s AND name = %s)""",
        [new, MODULE, model, old, MODULE, new],
    )


def rename_oa_ref(cr):
    """Rename the column and everything Odoo derived from its name; idempotent."""
    if not _column_exists(cr, TABLE, OLD) or _column_exists(cr, TABLE, NEW):
        return False
    cr.execute(f'ALTER TABLE "{TABLE}" RENAME COLUMN "{OLD}" TO "{NEW}"')
    cr.execute(f'ALTER INDEX IF EXISTS "{TABLE}__{OLD}_index" RENAME TO "{TABLE}__{NEW}_index"')

    old_con, new_con = f"{TABLE}_{OLD}_unique", f"{TABLE}_{NEW}_unique"
    cr.execute(
        """SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = %s AND c.conname = %s""",
        [TABLE, old_con],
    )
    if cr.rowcount:
        definition = f"UNIQUE({NEW})"
        cr.execute(f'ALTER TABLE "{TABLE}" RENAME CONSTRAINT "{old_con}" TO "{new_con}"')
        cr.execute(f'COMMENT ON CONSTRAINT "{new_con}" ON "{TABLE}" IS \'{definition}\'')
        cr.execute(
            """UPDATE ir_model_constraint c SET name = %s, definition = %s
                 FROM ir_module_module m
                WHERE c.module = m.id AND m.name = %s AND c.name = %s""",
            [new_con, definition, MODULE, old_con],
        )
        _rename_xmlid(cr, "ir.model.constraint", f"constraint_{old_con}", f"constraint_{new_con}")

    cr.execute(
        """UPDATE ir_model_fields SET name = %s
            WHERE model = %s AND name = %s
              AND NOT EXISTS (SELECT 1 FROM ir_model_fields WHERE model = %s AND name = %s)""",
        [NEW, MODEL, OLD, MODEL, NEW],
    )
    prefix = "field_" + MODEL.replace(".", "_")
    _rename_xmlid(cr, "ir.model.fields", f"{prefix}__{OLD}", f"{prefix}__{NEW}")

    # saved filters and groupings of the OA list: ('oa_id', ...) / group_by 'oa_id'
    for column in ("domain", "context"):
        for quote in ("'", '"'):
            cr.execute(
                f"""UPDATE ir_filters SET {column} = replace({column}, %s, %s)
                     WHERE model_id = %s AND {column} LIKE %s""",
                [f"{quote}{OLD}{quote}", f"{quote}{NEW}{quote}", MODEL, f"%{quote}{OLD}{quote}%"],
            )
    return True


def migrate(cr, version):
    if version:
        rename_oa_ref(cr)
