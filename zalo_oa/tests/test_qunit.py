from odoo.addons.web.tests.test_js import qunit_error_checker
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestZaloQUnit(HttpCase):
    """The QUnit tests of the Discuss patches (static/tests/*_tests.js), in Chromium.

    Odoo's own suite runs every test of the ``web.qunit_suite_tests`` bundle
    (web.tests.test_js); this runs those of the QUnit module ``zalo_oa`` only (Odoo
    wraps each test file in a module named after its addon). In a browser:
    ``/web/tests?module=zalo_oa&debug=assets``.
    """

    def test_qunit(self):
        self.browser_js(
            "/web/tests?module=zalo_oa",
            "",
            "",
            login="admin",
            timeout=600,
            error_checker=qunit_error_checker,
        )
