from os.path import dirname, join

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged

SCRIPT = join(dirname(dirname(__file__)), "migrations", "17.0.1.3.0", "pre-migrate.py")


@tagged("post_install", "-at_install")
class TestMigrationOaRef(TransactionCase):
    """17.0.1.3.0 renames the Char ``zalo.oa.oa_id`` to ``zalo_oa_ref`` in place.

    The database is put back into its 17.0.1.1.0 shape (column, index, constraint, field
    and constraint rows with their XML ids, as Odoo created them) inside the test's
    transaction, then the pre-migrate script runs on it.
    """

    def setUp(self):
        super().setUp()
        self.migration = load_script(SCRIPT, "zalo_oa_pre_migrate_17_0_1_3_0")
        self.oa = self.env["zalo.oa"].create({"name": "OA cũ", "zalo_oa_ref": "4455667788"})
        self.filter = self.env["ir.filters"].create(
            {
                "name": "OA 4455",
                "model_id": "zalo.oa",
                "domain": "[('oa_id', '=', '4455667788')]",
                "context": "{'group_by': ['oa_id']}",
            }
        )
        self.field_id = self.env["ir.model.fields"]._get("zalo.oa", "zalo_oa_ref").id
        self.env.flush_all()
        self.sql(
            """ALTER TABLE zalo_oa RENAME COLUMN zalo_oa_ref TO oa_id;
               ALTER INDEX zalo_oa__zalo_oa_ref_index RENAME TO zalo_oa__oa_id_index;
               ALTER TABLE zalo_oa RENAME CONSTRAINT zalo_oa_zalo_oa_ref_unique
                   TO zalo_oa_oa_id_unique;
               COMMENT ON CONSTRAINT zalo_oa_oa_id_unique ON zalo_oa IS 'UNIQUE(oa_id)';
               UPDATE ir_model_fields SET name = 'oa_id'
                WHERE model = 'zalo.oa' AND name = 'zalo_oa_ref';
               UPDATE ir_model_data SET name = 'field_zalo_oa__oa_id'
                WHERE module = 'zalo_oa' AND name = 'field_zalo_oa__zalo_oa_ref';
               UPDATE ir_model_constraint SET name = 'zalo_oa_oa_id_unique',
                      definition = 'UNIQUE(oa_id)'
                WHERE name = 'zalo_oa_zalo_oa_ref_unique';
               UPDATE ir_model_data SET name = 'constraint_zalo_oa_oa_id_unique'
                WHERE module = 'zalo_oa' AND name = 'constraint_zalo_oa_zalo_oa_ref_unique';"""
        )
        self.env.invalidate_all()

    def sql(self, query, params=None):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall() if self.env.cr.description else None

    def test_rename_keeps_the_values_and_leaves_no_ghost(self):
        self.assertTrue(self.migration.rename_oa_ref(self.env.cr))

        self.assertEqual(
            self.sql("SELECT zalo_oa_ref FROM zalo_oa WHERE id = %s", [self.oa.id]),
            [("4455667788",)],
        )
        columns = self.sql(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'zalo_oa' AND column_name IN ('oa_id', 'zalo_oa_ref')"""
        )
        self.assertEqual(columns, [("zalo_oa_ref",)])
        self.assertEqual(
            self.sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'zalo_oa' AND indexname IN %s",
                [("zalo_oa__oa_id_index", "zalo_oa__zalo_oa_ref_index")],
            ),
            [("zalo_oa__zalo_oa_ref_index",)],
        )
        # the constraint as Odoo will find it (no drop and re-create at the upgrade)
        self.assertEqual(
            self.sql(
                """SELECT c.conname, d.description, pg_get_constraintdef(c.oid)
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                     LEFT JOIN pg_description d ON d.objoid = c.oid
                    WHERE t.relname = 'zalo_oa' AND c.contype = 'u'"""
            ),
            [("zalo_oa_zalo_oa_ref_unique", "UNIQUE(zalo_oa_ref)", "UNIQUE (zalo_oa_ref)")],
        )
        self.assertEqual(
            self.sql(
                "SELECT id FROM ir_model_fields WHERE model = 'zalo.oa' AND name IN %s",
                [("oa_id", "zalo_oa_ref")],
            ),
            [(self.field_id,)],
        )
        self.assertEqual(self.env.ref("zalo_oa.field_zalo_oa__zalo_oa_ref").id, self.field_id)
        self.assertFalse(self.env.ref("zalo_oa.field_zalo_oa__oa_id", raise_if_not_found=False))
        constraint = self.env.ref("zalo_oa.constraint_zalo_oa_zalo_oa_ref_unique")
        self.assertEqual(
            (constraint.name, constraint.definition),
            ("zalo_oa_zalo_oa_ref_unique", "UNIQUE(zalo_oa_ref)"),
        )
        self.assertEqual(self.filter.domain, "[('zalo_oa_ref', '=', '4455667788')]")
        self.assertEqual(self.filter.context, "{'group_by': ['zalo_oa_ref']}")
        # the registry reads the renamed column again
        self.assertEqual(self.oa.zalo_oa_ref, "4455667788")
        self.assertEqual(self.env["zalo.oa"].search([("zalo_oa_ref", "=", "4455667788")]), self.oa)

    def test_runs_once(self):
        self.migration.migrate(self.env.cr, "17.0.1.1.0")
        self.assertFalse(self.migration.rename_oa_ref(self.env.cr))
        self.assertEqual(self.oa.zalo_oa_ref, "4455667788")

    def test_nothing_on_install(self):
        self.migration.migrate(self.env.cr, None)
        self.assertTrue(self.sql("SELECT oa_id FROM zalo_oa WHERE id = %s", [self.oa.id]))
