# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import io
from unittest.mock import patch

from odoo.exceptions import UserError

from ..wizards import email_distribution_recipient_import as wizard_module
from .common import EmailDistributionCase, csv_file, xlsx_file


class TestImportWizard(EmailDistributionCase):
    def test_preview_then_import_csv(self):
        wizard = self.import_wizard(
            csv_file(
                "# customer number;addresses;cc\n"
                "Customer number;E-mail;CC\n"
                "10023;AP@Example.com billing@example.com;cfo@example.com\n"
                "\n"
                "10024;ap@other.example\n"
            ),
            "directory.csv",
        )
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.error_count, 0)
        self.assertEqual(wizard.row_count, 2)
        self.assertEqual(
            (wizard.new_count, wizard.changed_count, wizard.archived_count), (2, 0, 0)
        )
        self.assertFalse(self.directory(), "a preview changes nothing")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            self.directory(),
            {
                "10023": ("AP@example.com, billing@example.com", "cfo@example.com"),
                "10024": ("ap@other.example", ""),
            },
        )

    def test_imported_entries_link_their_customer(self):
        """The wizard gives each new entry its customer (the partner whose
        Reference is the number, in the company or shared) at creation."""
        own = self.env["res.partner"].create(
            {"name": "Own", "ref": "20001", "company_id": self.company.id}
        )
        shared = self.env["res.partner"].create({"name": "Shared", "ref": "20002"})
        contact = self.env["res.partner"].create(
            {"name": "Contact", "ref": "20003", "parent_id": shared.id}
        )
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        self.env["res.partner"].create(
            {"name": "Other", "ref": "20004", "company_id": other_company.id}
        )
        wizard = self.import_wizard(
            csv_file(
                "20001;a@example.com\n20002;b@example.com\n"
                "20003;c@example.com\n20004;d@example.com\n"
            ),
            "directory.csv",
        )
        wizard.action_import()
        entries = self.Recipient.search([("customer_number", "like", "2000")])
        self.assertEqual(
            {entry.customer_number: entry.partner_id for entry in entries},
            {
                "20001": own,
                "20002": shared,
                "20003": contact.commercial_partner_id,
                "20004": self.env["res.partner"],
            },
        )

    def test_xlsx_numbers_become_customer_numbers(self):
        wizard = self.import_wizard(
            xlsx_file(
                [(10023, "a@example.com"), (10024.0, "b@example.com c@example.com")]
            ),
            "directory.xlsx",
        )
        wizard.action_import()
        self.assertEqual(
            self.directory(),
            {
                "10023": ("a@example.com", ""),
                "10024": ("b@example.com, c@example.com", ""),
            },
        )

    def test_update_changes_matching_entries_only(self):
        self.Recipient.create(
            [
                {"customer_number": "1", "email_to": "old@example.com"},
                {"customer_number": "2", "email_to": "keep@example.com"},
                {"customer_number": "3", "email_to": "same@example.com"},
            ]
        )
        wizard = self.import_wizard(
            csv_file("1,new@example.com\n3,same@example.com\n4,four@example.com\n"),
            "update.csv",
        )
        wizard.action_preview()
        self.assertEqual(
            (
                wizard.new_count,
                wizard.changed_count,
                wizard.unchanged_count,
                wizard.archived_count,
            ),
            (1, 1, 1, 0),
        )
        wizard.action_import()
        self.assertEqual(
            self.directory(),
            {
                "1": ("new@example.com", ""),
                "2": ("keep@example.com", ""),
                "3": ("same@example.com", ""),
                "4": ("four@example.com", ""),
            },
        )

    def test_replace_archives_entries_missing_from_the_file(self):
        self.Recipient.create(
            [
                {"customer_number": "1", "email_to": "one@example.com"},
                {"customer_number": "2", "email_to": "two@example.com"},
                {
                    "customer_number": "2",
                    "email_to": "other-type@example.com",
                    "document_type": "other",
                },
            ]
        )
        wizard = self.import_wizard(
            csv_file("1,one@example.com\n"), "replace.csv", mode="replace"
        )
        wizard.action_preview()
        self.assertEqual((wizard.unchanged_count, wizard.archived_count), (1, 1))
        wizard.action_import()
        self.assertEqual(self.directory(), {"1": ("one@example.com", "")})
        self.assertEqual(self.directory("other"), {"2": ("other-type@example.com", "")})
        archived = self.Recipient.with_context(active_test=False).search(
            [("customer_number", "=", "2"), ("document_type", "=", "invoice")]
        )
        self.assertFalse(archived.active)

    def test_document_type_applies_to_the_whole_file(self):
        wizard = self.import_wizard(
            csv_file("5,five@example.com\n"), "other.csv", document_type="other"
        )
        wizard.action_import()
        self.assertFalse(self.directory())
        self.assertEqual(self.directory("other"), {"5": ("five@example.com", "")})

    def test_any_error_imports_nothing_and_lists_every_error(self):
        self.Recipient.create({"customer_number": "1", "email_to": "old@example.com"})
        before = self.directory()
        wizard = self.import_wizard(
            csv_file(
                "1,new@example.com\n"
                ",nobody@example.com\n"
                "3,x@\n"
                "4,a@example.com,,b@example.com\n"
                "1,again@example.com\n"
                "6,\n"
            ),
            "broken.csv",
            mode="replace",
        )
        wizard.action_preview()
        errors = {(e.row, e.column) for e in wizard.error_ids}
        self.assertIn((2, "A"), errors)
        self.assertIn((3, "B"), errors)
        self.assertIn((5, "A"), errors)
        self.assertIn((6, "B"), errors)
        messages = " | ".join(wizard.error_ids.mapped("message"))
        self.assertIn("x@", messages)
        self.assertIn("row 1", messages)
        self.assertEqual(wizard.new_count + wizard.changed_count, 0)
        with self.assertRaises(UserError) as ctx:
            wizard.action_import()
        self.assertIn("nothing was imported", str(ctx.exception))
        self.assertEqual(self.directory(), before)
        # The error list downloads as a CSV with row, column and reason.
        self.assertEqual(wizard.action_download_errors()["type"], "ir.actions.act_url")
        rows = list(
            csv.reader(io.StringIO(base64.b64decode(wizard.error_file).decode()))
        )
        self.assertGreaterEqual(len(rows), len(wizard.error_ids))
        self.assertTrue(any("x@" in " ".join(row) for row in rows))

    def test_more_errors_than_listed_are_counted(self):
        """The list keeps the first errors (bounded memory); the count and the
        import's refusal say how many there are in all."""
        rows = "".join(f"{n},not-an-address\n" for n in range(1, 1201))
        wizard = self.import_wizard(csv_file(rows), "many.csv")
        wizard.action_preview()
        self.assertEqual(len(wizard.error_ids), 1000)
        self.assertEqual(wizard.error_count, 1200)
        with self.assertRaises(UserError) as ctx:
            wizard.action_import()
        self.assertIn("1200 error(s)", str(ctx.exception))
        lines = base64.b64decode(wizard.error_file).decode().splitlines()
        self.assertIn("200", lines[-1], "the error file says how many more")

    def test_unreadable_files_get_a_clear_error(self):
        table = [
            (base64.b64encode(b"\x00\x01\x02\xff" * 100), "junk.bin"),
            (base64.b64encode(b"PK\x03\x04 this is no zip"), "broken.xlsx"),
            (
                base64.b64encode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                "locked.xlsx",
            ),
            (base64.b64encode(b"\n\n  \n"), "blank.csv"),
        ]
        for data, filename in table:
            with self.subTest(filename=filename):
                wizard = self.import_wizard(data, filename)
                with self.assertRaises(UserError) as ctx:
                    wizard.action_preview()
                self.assertIn(filename, str(ctx.exception))
        with self.assertRaises(UserError) as ctx:
            self.import_wizard(False, "nothing.csv").action_preview()
        self.assertIn("Choose a file", str(ctx.exception))

    def test_size_and_row_limits(self):
        params = self.env["ir.config_parameter"]
        params.set_param("account_email_distribution.import_max_rows", "2")
        wizard = self.import_wizard(
            csv_file("1,a@example.com\n2,b@example.com\n3,c@example.com\n"), "rows.csv"
        )
        with self.assertRaises(UserError):
            wizard.action_preview()
        params.set_param("account_email_distribution.import_max_rows", "100")
        params.set_param("account_email_distribution.import_max_mb", "0.001")
        big = "".join(f"{n},user{n}@example.com\n" for n in range(100))
        wizard = self.import_wizard(csv_file(big), "big.csv")
        with self.assertRaises(UserError) as ctx:
            wizard.action_preview()
        self.assertIn("MB", str(ctx.exception))
        self.assertFalse(self.directory())

    def test_templates_round_trip(self):
        for template_format in ("xlsx", "csv"):
            with self.subTest(template_format=template_format):
                wizard = self.import_wizard(False, False)
                action = wizard.with_context(
                    template_format=template_format
                ).action_download_template()
                self.assertEqual(action["type"], "ir.actions.act_url")
                self.assertIn(f".{template_format}", action["url"])
                upload = self.import_wizard(
                    wizard.template_file, wizard.template_filename
                )
                upload.action_preview()
                self.assertEqual(upload.error_count, 0)
                self.assertGreater(upload.new_count, 0)
                upload.action_import()
                self.assertEqual(len(self.directory()), upload.new_count)
                self.Recipient.search([]).unlink()

    def test_import_queries_do_not_grow_per_row(self):
        def run(count, offset):
            text = "".join(
                f"{n},user{n}@example.com\n" for n in range(offset, offset + count)
            )
            wizard = self.import_wizard(csv_file(text), f"n{count}.csv")
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            wizard.action_import()
            self.env.flush_all()
            return self.env.cr.sql_log_count - queries

        small, large = run(200, 0), run(1000, 10_000)
        self.assertLessEqual(large - small, 10, (small, large))
        # Rewriting them all changes every row, still without a query per row.
        text = "".join(f"{n},changed{n}@example.com\n" for n in range(10_000, 11_000))
        wizard = self.import_wizard(csv_file(text), "rewrite.csv")
        queries = self.env.cr.sql_log_count
        wizard.action_import()
        self.env.flush_all()
        self.assertEqual(wizard.changed_count, 1000)
        self.assertLess(self.env.cr.sql_log_count - queries, 100)


class TestImportMemory(EmailDistributionCase):
    """Issue #11: the import reads only what the file touches and writes in
    chunks, with the same result, the same all-or-nothing rule and a query
    count that does not grow per row."""

    def small_chunks(self, size=2):
        """Chunks of *size* rows, so that a few rows cross chunk boundaries."""
        self.patch(wizard_module, "CHUNK", size)
        self.patch(wizard_module, "SCAN_CHUNK", size)

    def setUp(self):
        super().setUp()
        self.other_company = self.env["res.company"].create({"name": "Other Co"})
        self.Recipient.create(
            [
                {"customer_number": str(n), "email_to": f"old{n}@example.com"}
                for n in range(1, 8)
            ]
            + [
                {
                    "customer_number": "2",
                    "email_to": "other-type@example.com",
                    "document_type": "other",
                },
                {
                    "customer_number": "3",
                    "email_to": "other-company@example.com",
                    "company_id": self.other_company.id,
                },
            ]
        )
        self.env.flush_all()

    def untouched(self):
        """Every entry of another type or company, with its values."""
        return {
            (e.company_id.id, e.document_type, e.customer_number, e.email_to, e.active)
            for e in self.Recipient.with_context(active_test=False).search(
                [
                    "|",
                    ("document_type", "!=", "invoice"),
                    ("company_id", "!=", self.company.id),
                ]
            )
        }

    def test_update_reads_and_touches_only_the_files_numbers(self):
        self.small_chunks()
        others = self.untouched()
        wizard = self.import_wizard(
            csv_file(
                "1,new1@example.com\n2,old2@example.com\n"
                "3,new3@example.com\n9,nine@example.com\n10,ten@example.com\n"
            ),
            "update.csv",
        )
        numbers = {e.customer_number for e in wizard._existing_entries(["1", "3", "9"])}
        self.assertEqual(numbers, {"1", "3"}, "only the file's numbers are read")
        untouched = self.Recipient.search([("customer_number", "in", ["4", "5"])])
        self.env.cr.execute(
            "UPDATE email_distribution_recipient SET write_date = '2020-01-01' "
            "WHERE id IN %s",
            [tuple(untouched.ids)],
        )
        self.env.invalidate_all()
        wizard.action_import()
        self.assertEqual(
            (
                wizard.new_count,
                wizard.changed_count,
                wizard.unchanged_count,
                wizard.archived_count,
            ),
            (2, 2, 1, 0),
        )
        directory = self.directory()
        self.assertEqual(len(directory), 9)
        self.assertEqual(directory["1"], ("new1@example.com", ""))
        self.assertEqual(directory["4"], ("old4@example.com", ""))
        self.assertEqual(directory["10"], ("ten@example.com", ""))
        untouched.invalidate_recordset()
        self.assertEqual(
            {str(d) for d in untouched.mapped("write_date")},
            {"2020-01-01 00:00:00"},
            "an entry not in the file is not written",
        )
        self.assertEqual(self.untouched(), others)

    def test_replace_archives_the_others_across_chunks(self):
        self.small_chunks()
        others = self.untouched()
        wizard = self.import_wizard(
            csv_file("2,old2@example.com\n5,new5@example.com\n8,eight@example.com\n"),
            "replace.csv",
            mode="replace",
        )
        wizard.action_preview()
        counts = (
            wizard.new_count,
            wizard.changed_count,
            wizard.unchanged_count,
            wizard.archived_count,
        )
        self.assertEqual(counts, (1, 1, 1, 5))
        wizard.action_import()
        self.assertEqual(
            (
                wizard.new_count,
                wizard.changed_count,
                wizard.unchanged_count,
                wizard.archived_count,
            ),
            counts,
            "the import does what the preview said",
        )
        self.assertEqual(
            self.directory(),
            {
                "2": ("old2@example.com", ""),
                "5": ("new5@example.com", ""),
                "8": ("eight@example.com", ""),
            },
        )
        archived = self.Recipient.with_context(active_test=False).search(
            [("company_id", "=", self.company.id), ("active", "=", False)]
        )
        self.assertEqual(
            sorted(archived.mapped("customer_number")), ["1", "3", "4", "6", "7"]
        )
        self.assertEqual(self.untouched(), others, "other types and companies stay")

    def test_a_failing_chunk_changes_nothing(self):
        """The chunks share the caller's transaction: when a later chunk
        fails, the earlier ones are undone with it."""
        self.small_chunks()
        before = (self.directory(), self.untouched())
        wizard = self.import_wizard(
            csv_file("".join(f"{n},n{n}@example.com\n" for n in range(1, 12))),
            "replace.csv",
            mode="replace",
        )
        Address = type(self.env["email.distribution.address"])
        calls = []

        def failing(_self, _companies, emails):
            calls.append(emails)
            if len(calls) == 2:
                raise ValueError("simulated failure in the second chunk")

        with (
            patch.object(Address, "_clear_hard_bounces", failing),
            self.assertRaises(ValueError),
            self.env.cr.savepoint(),
        ):
            wizard.action_import()
        self.assertEqual(len(calls), 2, "the first chunk was written before")
        self.env.invalidate_all()
        self.assertEqual((self.directory(), self.untouched()), before)

    def test_one_summary_note_and_tracked_changes(self):
        # Changes are tracked from the transaction after the creation.
        self.env.flush_all()
        self.env.cr.precommit.run()
        partner = self.company.partner_id
        notes = len(partner.message_ids)
        wizard = self.import_wizard(
            csv_file("1,new1@example.com\n20,twenty@example.com\n"),
            "tracked.csv",
            mode="replace",
        ).with_context(tracking_disable=False)
        wizard.action_import()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        self.assertEqual(len(partner.message_ids), notes + 1, "one summary note")
        summary = partner.message_ids[0]
        self.assertEqual(summary.author_id, self.manager.partner_id)
        self.assertIn("tracked.csv", summary.body)
        self.assertIn("6 archived", summary.body)
        changed = self.Recipient.search([("customer_number", "=", "1")])
        tracked = changed.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(tracked), 1, "a changed entry keeps its tracking")
        self.assertEqual(tracked.author_id, self.manager.partner_id)
        new = self.Recipient.search([("customer_number", "=", "20")])
        self.assertFalse(new.message_ids, "no note per new entry")

    def test_queries_stay_constant_per_rows_in_both_modes(self):
        def run(count, offset, mode):
            text = "".join(
                f"{n},user{n}@example.com\n" for n in range(offset, offset + count)
            )
            wizard = self.import_wizard(csv_file(text), f"n{count}.csv", mode=mode)
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            wizard.action_import()
            self.env.flush_all()
            return self.env.cr.sql_log_count - queries

        for mode in ("update", "replace"):
            with self.subTest(mode=mode):
                small = run(2000, 20_000, mode)
                large = run(10_000, 30_000, mode)
                # 8 000 more rows cost a few queries per chunk, not per row.
                self.assertLessEqual((large - small) / 8, 30, (small, large))
                self.assertLess(large / 10, 40, "queries per 1 000 rows")
