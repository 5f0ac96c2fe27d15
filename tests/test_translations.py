# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #12: the mail goes out in the customer's language, and the sending
list speaks the accountant's, from the module's i18n/*.po."""

from odoo.tests import tagged

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestTranslations(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        # Activating a language in a test does not load the modules' terms
        # (fields, selections, the mail template): load them as an install does.
        cls.env["ir.module.module"]._load_module_terms(
            ["account", "mail", "account_email_distribution"], ["fi_FI"], overwrite=True
        )
        cls.start_smtp_sink()

    def test_mail_is_in_the_customers_language(self):
        # The accountant (and the crons) work in English.
        self.env = self.env(context=dict(self.env.context, lang="en_US"))
        finnish = self.env["res.partner"].create(
            {"name": "Asiakas Oy", "email": "lasku@asiakas.example", "lang": "fi_FI"}
        )
        english = self.env["res.partner"].create(
            {"name": "Customer Ltd", "email": "ap@customer.example", "lang": "en_US"}
        )
        invoice = self.make_invoices(finnish)
        refund = self.make_invoices(finnish, move_type="out_refund")
        english_invoice = self.make_invoices(english)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(len(self.sink.messages), 3)
        by_name = {}
        for message in self.sink.messages:
            subject = str(message["message"]["Subject"])
            body = message["message"].get_body(("html",)).get_content()
            name = next(
                move.name
                for move in invoice | refund | english_invoice
                if subject.endswith(f" {move.name}")  # not RINV/… for INV/…
            )
            by_name[name] = (subject, body)

        subject, body = by_name[invoice.name]
        self.assertEqual(subject, f"{self.company.name} Lasku {invoice.name}")
        self.assertIn("<p>Hei,</p>", body)
        self.assertIn("Liitteenä on laskumme", body)
        self.assertIn("summa", body)
        self.assertIn("eräpäivä", body)
        self.assertIn("Ystävällisin terveisin", body)
        self.assertNotIn("Please find attached", body)
        self.assertNotIn("Best regards", body)

        subject, body = by_name[refund.name]
        self.assertEqual(subject, f"{self.company.name} Hyvityslasku {refund.name}")
        self.assertIn("Liitteenä on hyvityslaskumme", body)
        self.assertNotIn("eräpäivä", body, "a credit note has no due date")

        subject, body = by_name[english_invoice.name]
        self.assertEqual(subject, f"{self.company.name} Invoice {english_invoice.name}")
        self.assertIn("Please find attached our invoice", body)
        self.assertNotIn("Liitteenä", body)

    def test_sending_list_messages_are_in_the_accountants_language(self):
        # A Finnish accountant (the crons run with their user's language).
        self.env = self.env(context=dict(self.env.context, lang="fi_FI"))
        nobody = self.env["res.partner"].create({"name": "Kukaan", "ref": "99"})
        move = self.make_invoices(nobody, post=False).with_env(self.env)
        move.action_post()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "no_route")
        expected = (
            "Ei reittiä: asiakirjassa ei ole osoitetta ja asiakasnumerolle 99 "
            "ei ole hakemistomerkintää."
        )
        self.assertEqual(delivery.message, expected)
        line = delivery.attempt_ids
        self.assertEqual(line.message, expected)
        self.assertEqual(
            line.remedy,
            "Lisää asiakkaan osoite laskulle tai vastaanottajahakemistoon ja "
            "lähetä sitten uudelleen.",
        )
        self.assertEqual(
            dict(line._fields["state"]._description_selection(self.env))[line.state],
            "Ei reittiä",
        )

        unknown = self.env["res.partner"].create(
            {"name": "Tuntematon", "email": "unknown@asiakas.example", "lang": "fi_FI"}
        )
        bounced = self.make_invoices(unknown, post=False).with_env(self.env)
        bounced.action_post()
        self.run_distribution_cron()
        self.run_mail_cron()
        line = bounced.email_distribution_delivery_ids.attempt_ids
        self.assertEqual(line.state, "hard_bounce")
        self.assertIn("550 5.1.1", line.message, "the server's own words stay as-is")
        self.assertEqual(
            line.remedy,
            "Varmista oikea osoite asiakkaalta ja lähetä sitten uudelleen.",
        )
        activity = bounced.activity_ids.filtered(
            lambda a: a.summary == "Sähköpostin toimitus epäonnistui"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Mitä tehdä: Varmista oikea osoite", str(activity.note))
