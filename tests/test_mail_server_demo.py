import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from odoo.tests import TransactionCase, tagged

# The checkout's scripts/ folder (the addon folder may be a symlink to the checkout).
MAILCATCHER = Path(__file__).resolve().parent.parent / "scripts" / "mailcatcher.py"


@tagged("post_install", "-at_install")
class TestDemoMailServer(TransactionCase):
    def test_demo_mails_go_to_the_mail_catcher(self):
        catcher = self.env.ref("crm_sales_process.ir_mail_server_mail_catcher")
        self.assertEqual(
            (catcher.smtp_host, catcher.smtp_port, catcher.smtp_encryption, catcher.smtp_user, catcher.from_filter),
            ("localhost", 1025, "none", False, False),
        )
        # The highest-priority server, and the one Odoo picks for a mail from anyone.
        self.assertEqual(self.env["ir.mail_server"].search([], limit=1), catcher)
        for sender in ("chenjing@hengrui-equip.example.com", "someone@elsewhere.example.org"):
            self.assertEqual(self.env["ir.mail_server"]._find_mail_server(sender)[0], catcher)


@tagged("post_install", "-at_install")
class TestMailCatcher(TransactionCase):
    """scripts/mailcatcher.py as make run uses it: a real SMTP exchange with the mail Odoo builds."""

    def start_catcher(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.folder = Path(tempfile.mkdtemp(prefix="crm_sp_mailcatcher_"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.catcher_env = dict(os.environ, MAILCATCHER_DIR=str(self.folder), LANG="C", LC_ALL="C")
        process = subprocess.Popen(
            [sys.executable, str(MAILCATCHER), "serve", "--port", str(port)],
            env=self.catcher_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.addCleanup(process.kill)
        for _attempt in range(50):
            if self.catcher("ping", "--port", str(port)).returncode == 0:
                return process, port
            time.sleep(0.1)
        process.kill()
        self.fail(f"the mail catcher did not answer on port {port}: {process.communicate()[0]}")

    def catcher(self, *args):
        return subprocess.run(
            [sys.executable, str(MAILCATCHER), *args],
            env=self.catcher_env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )

    def test_caught_mail_is_saved_indexed_and_readable(self):
        process, port = self.start_catcher()
        subject = "商务谈判纪要 TPJY/2026/0001 请签署"
        message = self.env["ir.mail_server"].build_email(
            email_from='"王磊" <wanglei@hengrui-equip.example.com>',
            email_to=['"周总" <zhou@customer.example.cn>'],
            subject=subject,
            body='<p>周总您好，请<a href="https://crm.example.com/my/negotiation_minutes/7">在线签署</a>纪要。</p>',
            subtype="html",
            attachments=[("谈判纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")],
        )
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)

        # One .eml named by date and subject, MIME-encoded as Odoo sent it.
        (eml,) = self.folder.glob("*.eml")
        self.assertRegex(eml.name, r"^\d{8}-\d{6}-商务谈判纪要-TPJY-2026-0001-请签署\.eml$")
        raw = eml.read_bytes()
        self.assertNotIn(subject.encode(), raw, "Odoo encodes the subject: the catcher must decode it to show it")
        # One index line: received, from, to, subject, file.
        (line,) = (self.folder / "index.tsv").read_text(encoding="utf-8").splitlines()
        received, sender, recipients, indexed_subject, name = line.split("\t")
        self.assertRegex(received, r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
        self.assertEqual(
            (sender, recipients, indexed_subject, name),
            ("王磊 <wanglei@hengrui-equip.example.com>", "zhou@customer.example.cn", subject, eml.name),
        )

        # make mail: the list, then the last mail decoded (headers, text with the link, attachment).
        header = "王磊 <wanglei@hengrui-equip.example.com> -> zhou@customer.example.cn"
        shown = self.catcher("read")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn(f"   1  {received}  {header}  {subject}  ({eml.name})", shown.stdout)
        self.assertIn(f"Subject: {subject}\n", shown.stdout)
        self.assertIn("To: 周总 <zhou@customer.example.cn>\n", shown.stdout)
        self.assertIn("周总您好，请在线签署 <https://crm.example.com/my/negotiation_minutes/7>纪要。", shown.stdout)
        self.assertIn("[attachment] 谈判纪要.pdf (application/pdf, 16 bytes)", shown.stdout)
        self.assertIn("There is no mail 2", self.catcher("show", "2").stderr)

        # Another mail's HTML body (base64): styles and hidden blocks left out.
        html_only = EmailMessage()
        html_only["Subject"], html_only["From"], html_only["To"] = "验收单", "a@example.com", "b@example.com"
        html_only.set_content(
            '<style>p {color: red}</style><div style="display: none">预览</div>'
            '<p>请签署<a href="https://crm.example.com/s">验收单</a></p><p>谢谢</p>',
            subtype="html",
            cte="base64",
        )
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(html_only)
        shown = self.catcher("show").stdout
        self.assertIn("Subject: 验收单\n", shown)
        self.assertIn("请签署验收单 <https://crm.example.com/s>\n\n谢谢", shown)
        self.assertNotIn("color", shown)
        self.assertNotIn("预览", shown)

        # The console line of make run, then a clean stop on SIGTERM.
        process.terminate()
        output = process.communicate(timeout=10)[0]
        self.assertEqual(process.returncode, 0, output)
        self.assertIn(f"[mail] {received}  {header}  {subject}  ({eml})", output)

    def test_busy_port_is_refused_with_a_message(self):
        process, port = self.start_catcher()
        second = self.catcher("serve", "--port", str(port))
        self.assertEqual(second.returncode, 2)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", second.stderr)
        self.assertIsNone(process.poll(), "the first catcher keeps running")
