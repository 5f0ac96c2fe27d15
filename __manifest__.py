# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "E-mail Distribution of Invoices",
    "summary": "Deliver customer invoices by e-mail through a recipient directory "
    "and track every delivery, bounce and block per invoice",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-email-distribution/account_email_distribution",
    "author": "account_email_distribution contributors",
    "license": "AGPL-3",
    "maintainers": ["account-email-distribution"],
    "development_status": "Beta",
    "depends": ["account", "mail", "account_edi_ubl_cii"],
    "external_dependencies": {"python": ["openpyxl", "email-validator"]},
    "data": [
        "security/ir.model.access.csv",
        "security/email_distribution_recipient_security.xml",
        "security/email_distribution_delivery_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/email_distribution_recipient_views.xml",
        "views/email_distribution_attempt_views.xml",
        "views/email_distribution_run_views.xml",
        "views/email_distribution_address_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/email_distribution_recipient_import_views.xml",
        "wizards/account_move_send_wizard_views.xml",
        "views/account_email_distribution_menus.xml",
    ],
    "demo": ["demo/email_distribution_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "account_email_distribution/static/src/js/tours/*.js",
        ],
    },
}
