# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Create the stored computed columns of ``account.move`` beforehand, so
    that installing the module does not recompute them over every existing
    invoice: existing invoices are simply not distributed."""
    cr = env.cr
    for column, sql_type in (
        ("email_distribution_address", "varchar"),
        ("email_distribution_state", "varchar"),
        ("email_distribution_message", "text"),
    ):
        if not column_exists(cr, "account_move", column):
            create_column(cr, "account_move", column, sql_type)
    cr.execute(
        "UPDATE account_move SET email_distribution_state = 'not_applicable'"
        " WHERE email_distribution_state IS NULL"
    )
