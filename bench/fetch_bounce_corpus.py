"""Fetch the third-party bounces of the development corpus that cannot be committed.

Usage, from the addon's root::

    python3 bench/fetch_bounce_corpus.py [--git-dir NAME=DIR ...]

``NAME`` is one of ``exim``, ``discourse``, ``stalwart``, ``dada``, ``zammad``,
``deltachat``, ``civicrm`` or a key of ``FILES``;
``DIR`` a local (bare) clone of that repository holding the commits below.
``--exim-git-dir DIR`` and the like are the older spelling of the same.

Writes ``tests_core/samples/bounces/external/`` (git-ignored):

``exim/<test file>.<n>.eml``
    Every message sent by Exim's own mail-delivery code (``From
    MAILER-DAEMON``, or a ``From:`` of Mailer-Daemon / postmaster / Mail
    Delivery System) in the mailboxes of the Exim test suite, ``test/mail/`` of
    https://github.com/Exim/exim at commit ``EXIM_COMMIT`` (GPL-2.0-or-later,
    which is why they are fetched instead of committed).  ``<n>`` is the
    0-based position of the message in its mbox file.

``stalwart/<dir>_<name>.eml``
    The DSNs and reports of https://github.com/stalwartlabs/mail-server
    (``tests/resources/smtp/dsn/*.eml`` and ``reports/*.eml``, AGPL-3.0-only)
    at commit ``STALWART_COMMIT``.

``discourse/<name>.eml``
    Bounce fixtures of https://github.com/discourse/discourse
    (``spec/fixtures/emails/``, GPL-2.0), at the commits listed below.

``dada/<name>.eml``
    The bounce samples of https://github.com/justingit/dada-mail
    (``app/dada/t/corpus/email_messages/``, GPL-2.0) at ``DADA_COMMIT``.

``zammad/<name>.eml``
    ``test/data/mail/mail033-undelivered-mail-returned-to-sender-notification.box``
    of https://github.com/zammad/zammad (AGPL-3.0) at ``ZAMMAD_COMMIT``.

``deltachat/<name>.eml``
    The delivery reports of https://github.com/chatmail/core (Delta Chat's
    core, ``test-data/message/``, MPL-2.0) at ``DELTACHAT_COMMIT``.

``civicrm/<name>.eml``
    Three of the bounce fixtures of https://github.com/civicrm/civicrm-core
    (``tests/phpunit/CRM/Utils/Mail/data/bounces/``, AGPL-3.0) at the commits
    listed below.  The repository is too big to mirror here: they were
    written from the text at those commits; the script reads them from a
    clone when one is given.

``<source>/<name>.eml`` of the fifth round's single files
    (``FILES``): Webklex/php-imap (MIT), moggers87/salmon (GPL-3.0),
    albertito/chasquid (Apache-2.0), jstedfast/MailKit (MIT),
    SpamScope/mail-parser (Apache-2.0), postalsys/postal-mime (MIT), each at
    the commit listed, unmodified.

Without a local git directory the repositories are cloned (blob-less) from
GitHub, which needs ``git`` and network access.  The labels of these files are
in ``tests_core/samples/bounces/corpus.json``.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests_core" / "samples" / "bounces" / "external"

EXIM_URL = "https://github.com/Exim/exim.git"
EXIM_COMMIT = "13835a3c1e057efad7da269c0f93bf2eac850205"
STALWART_URL = "https://github.com/stalwartlabs/mail-server.git"
STALWART_COMMIT = "55e62a683048d934a3890e86e6384c65fc29b0f2"
STALWART_FILES = (
    "dsn/delay",
    "dsn/failure",
    "dsn/mixed",
    "dsn/success",
    *(f"reports/arf{n}" for n in range(1, 6)),
    *(f"reports/dmarc{n}" for n in range(1, 6)),
    "reports/tls1",
    "reports/tls2",
)
DISCOURSE_URL = "https://github.com/discourse/discourse.git"
DISCOURSE_FILES = {
    "bounced_email.eml": "2445a8ebbd8c61b728461d6503a338d039bccb5d",
    "bounced_email_2.eml": "5734c7f3f36a4f1afe3289042b20e955cd745994",
    "bounced_email_multiple_status_codes.eml": (
        "4aa037a11a96343724f9b8ba3ec813491c86b03b"
    ),
}
DADA_URL = "https://github.com/justingit/dada-mail.git"
DADA_COMMIT = "a4e7e65506245ff8620470e61e4e474ab01c5886"
DADA_FILES = (
    "bounce-cox_500_5.1.1.eml",
    "bounce-dsn-4.4.1.eml",
    "bounce-dsn-user_unknown.eml",
    "bounce-exim-something.eml",
    "bounce-gmail-550-5.1.1.eml",
    "bounce-qmail-550-5.1.1.eml",
    "bounce-qmail-551-no_mailbox_here.eml",
    "bounce-secureservers.net-mailfolder_is_full.eml",
    "bounce_secureserver.net-mail_quota_exceeded.eml",
    "bounces-amazon_ses_bounce_status-5.1.2.eml",
    "bounces-amazon_ses_status-5.5.0.eml",
    "bounces-disabled.eml",
    "bounces-qmail-554_no_account.eml",
    "bounces_amazon_ses_abuse_report.eml",
    "bouncing_email_with_brackets.eml",
    "hotmail_notification.txt",
    "mailbox_not_found-01_14_21.eml",
    "mailbox_not_found-01_18_21.eml",
    "permanent_error.eml",
)
ZAMMAD_URL = "https://github.com/zammad/zammad.git"
ZAMMAD_COMMIT = "ed079e358ed4a2c4906f99cb1b68e9766f74a20a"
ZAMMAD_FILES = ("mail033-undelivered-mail-returned-to-sender-notification.box",)
DELTACHAT_URL = "https://github.com/chatmail/core.git"
DELTACHAT_COMMIT = "48888898ee148ed7b70fa825acffa6829c56c5cf"
DELTACHAT_FILES = (
    "dsn_relayed.eml",
    "gmail_ndn.eml",
    "gmail_ndn_group.eml",
    "gmx_ndn.eml",
    "ms_exchange_report_disposition_notification.eml",
    "ms_exchange_report_original_message.eml",
    "ndn_with_attachment.eml",
    "posteo_ndn.eml",
    "testrun_ndn.eml",
    "testrun_ndn_2.eml",
    "tiscali_ndn.eml",
    "yahoo_ndn.eml",
)
CIVICRM_URL = "https://github.com/civicrm/civicrm-core.git"
# test_nested_message.eml and test_sample_message.eml (16 and 9 kB of base64
# images) are left out: too long to write by hand from the text
CIVICRM_FILES = {
    "bounce_no_verp.txt": "e434d071741cb4a9973029b19684e8537a694dd5",
    "test_invalid_character.eml": "cf233e4fbb8624ff6926880efdc4f7ea099ef1c1",
    "test_utf8mb4_character.txt": "ebe10b737b45ecf678f817dfae8d93972e3f6bbb",
}
# name: (url, commit, ((path in the repository, file written), ...))
FILES = {
    "webklex": (
        "https://github.com/Webklex/php-imap.git",
        "5656386a3597dacf93f8887d2016ed3cea2adbb7",
        (
            ("tests/messages/example_bounce.eml", "example_bounce.eml"),
            ("tests/messages/issue-382.eml", "issue-382.eml"),
            ("tests/messages/issue-462.eml", "issue-462.eml"),
        ),
    ),
    "salmon": (
        "https://github.com/moggers87/salmon.git",
        "94f0ed3414357b7f4d7cf3089a7241db981ebe2d",
        (("tests/data/bounce.msg", "bounce.eml"),),
    ),
    "chasquid": (
        "https://github.com/albertito/chasquid.git",
        "ca2538b9745a448170dbd078c65b97c8821c33f9",
        (
            (
                "test/t-05-null_address/expected_dsr",
                "t-05-null_address_expected_dsr.eml",
            ),
            ("test/t-16-spf/expected_dsn", "t-16-spf_expected_dsn.eml"),
        ),
    ),
    "mailkit": (
        "https://github.com/jstedfast/MailKit.git",
        "d1f7aa7655d50777c4ece3803ff86f3591e60db5",
        (("UnitTests/Net/Imap/Resources/common/message.20.msg", "message.20.eml"),),
    ),
    "spamscope": (
        "https://github.com/SpamScope/mail-parser.git",
        "01c177fecddd9db1def23ba509ab31b12ab4fbc5",
        (("tests/mails/mail_malformed_2", "mail_malformed_2.eml"),),
    ),
    "postal_mime": (
        "https://github.com/postalsys/postal-mime.git",
        "e7c35dd9fcddaf73a1359256b1e4865e5cd33521",
        (("test/fixtures/bounce.eml", "bounce.eml"),),
    ),
}
MBOX_SPLIT = re.compile(rb"(?m)^(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )")
DAEMON_FROM = re.compile(rb"(?mi)^From: .*(?:mailer-daemon|postmaster|mail delivery)")


def _git(git_dir, *args):
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, check=True
    ).stdout


def _clone(url, target):
    subprocess.run(
        ["git", "clone", "--bare", "--filter=blob:none", url, str(target)], check=True
    )
    return target


def exim_messages(git_dir, commit=EXIM_COMMIT):
    """(name, bytes) of every mail-system message of Exim's test mailboxes."""
    names = _git(git_dir, "ls-tree", "-r", "-z", "--name-only", commit, "test/mail")
    for path in filter(None, names.decode("utf-8", "replace").split("\0")):
        data = _git(git_dir, "show", f"{commit}:{path}")
        for index, message in enumerate(MBOX_SPLIT.split(data)):
            if not message.strip():
                continue
            head = message.split(b"\n\n", 1)[0]
            if message.startswith(b"From MAILER-DAEMON") or DAEMON_FROM.search(head):
                # drop the mbox "From " line: it is not part of the message
                body = message
                if message.startswith(b"From "):
                    body = message.split(b"\n", 1)[1]
                safe = re.sub(r"[^A-Za-z0-9._+-]", "_", path.rsplit("/", 1)[1])
                yield f"{safe}.{index}.eml", body


def _write_exim(git_dir):
    (OUT / "exim").mkdir(parents=True, exist_ok=True)
    count = 0
    for name, body in exim_messages(git_dir):
        (OUT / "exim" / name).write_bytes(body)
        count += 1
    return count


def _write_discourse(git_dir):
    (OUT / "discourse").mkdir(parents=True, exist_ok=True)
    for name, commit in DISCOURSE_FILES.items():
        body = _git(git_dir, "show", f"{commit}:spec/fixtures/emails/{name}")
        (OUT / "discourse" / name).write_bytes(body)
    return len(DISCOURSE_FILES)


def _write_stalwart(git_dir):
    (OUT / "stalwart").mkdir(parents=True, exist_ok=True)
    for name in STALWART_FILES:
        body = _git(
            git_dir, "show", f"{STALWART_COMMIT}:tests/resources/smtp/{name}.eml"
        )
        (OUT / "stalwart" / f"{name.replace('/', '_')}.eml").write_bytes(body)
    return len(STALWART_FILES)


def _write_files(git_dir, name, commit, folder, files):
    (OUT / name).mkdir(parents=True, exist_ok=True)
    for file_name in files:
        body = _git(git_dir, "show", f"{commit}:{folder}/{file_name}")
        stem = file_name.rsplit(".", 1)[0]
        (OUT / name / f"{stem}.eml").write_bytes(body)
    return len(files)


def _write_dada(git_dir):
    return _write_files(
        git_dir, "dada", DADA_COMMIT, "app/dada/t/corpus/email_messages", DADA_FILES
    )


def _write_zammad(git_dir):
    return _write_files(
        git_dir, "zammad", ZAMMAD_COMMIT, "test/data/mail", ZAMMAD_FILES
    )


def _write_deltachat(git_dir):
    return _write_files(
        git_dir, "deltachat", DELTACHAT_COMMIT, "test-data/message", DELTACHAT_FILES
    )


def _write_civicrm(git_dir):
    (OUT / "civicrm").mkdir(parents=True, exist_ok=True)
    folder = "tests/phpunit/CRM/Utils/Mail/data/bounces"
    for name, commit in CIVICRM_FILES.items():
        body = _git(git_dir, "show", f"{commit}:{folder}/{name}")
        (OUT / "civicrm" / f"{name.rsplit('.', 1)[0]}.eml").write_bytes(body)
    return len(CIVICRM_FILES)


def _single_files(name):
    def write(git_dir):
        _url, commit, files = FILES[name]
        (OUT / name).mkdir(parents=True, exist_ok=True)
        for path, target in files:
            (OUT / name / target).write_bytes(_git(git_dir, "show", f"{commit}:{path}"))
        return len(files)

    return write


def _git_dirs(pairs):
    """{name: dir} of the ``--git-dir NAME=DIR`` options."""
    dirs = {}
    for pair in pairs or ():
        name, sep, directory = pair.partition("=")
        if not sep or not directory:
            raise SystemExit(f"--git-dir wants NAME=DIR, not {pair!r}")
        dirs[name] = directory
    return dirs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", action="append", metavar="NAME=DIR")
    parser.add_argument("--exim-git-dir")
    parser.add_argument("--discourse-git-dir")
    parser.add_argument("--stalwart-git-dir")
    args = parser.parse_args(argv)
    dirs = _git_dirs(args.git_dir)
    for name in ("exim", "discourse", "stalwart"):
        dirs.setdefault(name, getattr(args, f"{name}_git_dir"))
    sources = (
        ("exim", EXIM_URL, _write_exim),
        ("discourse", DISCOURSE_URL, _write_discourse),
        ("stalwart", STALWART_URL, _write_stalwart),
        ("dada", DADA_URL, _write_dada),
        ("zammad", ZAMMAD_URL, _write_zammad),
        ("deltachat", DELTACHAT_URL, _write_deltachat),
        ("civicrm", CIVICRM_URL, _write_civicrm),
        *((name, url, _single_files(name)) for name, (url, _c, _f) in FILES.items()),
    )
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, url, write in sources:
            try:
                git_dir = dirs.get(name) or _clone(url, Path(tmp) / f"{name}.git")
                print(f"{name}: {write(git_dir)} messages")
            except (OSError, subprocess.CalledProcessError) as error:
                failed += 1
                print(f"{name}: not fetched ({error})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
