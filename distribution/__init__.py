"""ORM-free core of account_email_distribution.

Nothing in this package imports ``odoo``: it is loaded by the addon as
``odoo.addons.account_email_distribution.distribution`` and by pytest and the
command line (``python3 -m distribution``) as the top-level ``distribution``.
Only relative imports are used inside it.
"""
