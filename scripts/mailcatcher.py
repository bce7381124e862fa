#!/usr/bin/env python3
"""The local mail catcher of `make run`: an SMTP server on 127.0.0.1:1025 that keeps every mail
Odoo sends as an .eml file instead of letting it leave the machine.

  mailcatcher.py serve [--host H] [--port P]  catch mails until stopped (SIGTERM, Ctrl-C)
  mailcatcher.py ping [--host H] [--port P]   exit 0 when a mail catcher answers there
  mailcatcher.py list                         the caught mails, numbered
  mailcatcher.py show [N]                     mail N (default: the last one) decoded
  mailcatcher.py read [N]                     both (make mail)

Mails go to $MAILCATCHER_DIR, by default .mail/ in the checkout (ignored by git): one
<date>-<subject>.eml per mail and index.tsv, one line per mail (received, from, to, subject, file).
"""

import argparse
import asyncio
import email
import os
import re
import signal
import smtplib
import sys
from datetime import datetime
from email import policy
from html.parser import HTMLParser
from pathlib import Path

IDENT = "crm_sales_process mail catcher"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1025
INDEX = "index.tsv"
EXIT_PORT_TAKEN = 2


def mail_dir():
    default = Path(__file__).resolve().parent.parent / ".mail"
    return Path(os.environ.get("MAILCATCHER_DIR") or default)


def one_line(text):
    return " ".join(str(text or "").split())


def file_name(folder, received, subject):
    slug = re.sub(r"[^\w]+", "-", subject).strip("-")[:60] or "no-subject"
    stem = f"{received:%Y%m%d-%H%M%S}-{slug}"
    path = folder / f"{stem}.eml"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.eml"
        number += 1
    return path


def save(folder, raw, rcpt_tos):
    """Keep one received mail: its .eml file and its index line (also returned)."""
    folder.mkdir(parents=True, exist_ok=True)
    message = email.message_from_bytes(raw, policy=policy.default)
    received = datetime.now()
    subject = one_line(message["Subject"])
    path = file_name(folder, received, subject)
    path.write_bytes(raw)
    fields = [
        f"{received:%Y-%m-%d %H:%M:%S}",
        one_line(message["From"]),
        one_line(", ".join(rcpt_tos) or message["To"]),
        subject,
        path.name,
    ]
    line = "\t".join(fields)
    with (folder / INDEX).open("a", encoding="utf-8") as index:
        index.write(line + "\n")
    return line


class Handler:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        line = save(self.folder, envelope.original_content or envelope.content, envelope.rcpt_tos)
        date, sender, recipients, subject, name = line.split("\t")
        print(f"[mail] {date}  {sender} -> {recipients}  {subject}  ({self.folder / name})", flush=True)
        return "250 Message accepted for delivery"


async def serve(host, port, folder):
    from aiosmtpd.smtp import SMTP  # noqa: PLC0415 (list and show work without aiosmtpd)

    loop = asyncio.get_running_loop()
    handler = Handler(folder)
    try:
        server = await loop.create_server(lambda: SMTP(handler, enable_SMTPUTF8=True, ident=IDENT), host, port)
    except OSError as exc:
        print(f"mail catcher: cannot listen on {host}:{port}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_PORT_TAKEN
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"Mail catcher on {host}:{port}: the mails it receives are kept in {folder}/ (make mail)", flush=True)
    async with server:
        await stop.wait()
    return 0


def ping(host, port):
    """True when a mail catcher (this one, not any SMTP server) answers on host:port."""
    try:
        with smtplib.SMTP(timeout=2) as smtp:
            _code, banner = smtp.connect(host, port)
            return IDENT.encode() in banner
    except (OSError, smtplib.SMTPException):
        return False


def read_index(folder):
    index = folder / INDEX
    if not index.exists():
        return []
    return [line.split("\t") for line in index.read_text(encoding="utf-8").splitlines() if line.count("\t") == 4]


def list_mails(folder):
    rows = read_index(folder)
    if not rows:
        print(f"No mail caught yet in {folder}/ (make run starts the mail catcher).")
        return
    for number, (date, sender, recipients, subject, name) in enumerate(rows, 1):
        print(f"{number:4}  {date}  {sender} -> {recipients}  {subject}  ({name})")


class TextExtractor(HTMLParser):
    """An HTML body as readable text: blocks on their own lines, links followed by their address,
    hidden parts (styles, Odoo's preview line in a display:none block) left out."""

    BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}
    VOID = {"br", "img", "meta", "hr", "input", "link", "col", "area", "base", "wbr", "source"}
    HIDDEN = {"head", "style", "script", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0  # depth inside a hidden element
        self.href = None

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag == "br" and not self.hidden:
                self.parts.append("\n")
            return
        style = (dict(attrs).get("style") or "").replace(" ", "").lower()
        if self.hidden or tag in self.HIDDEN or "display:none" in style:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.hidden:
            self.hidden -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.href:
            self.parts.append(f" <{self.href}>")
            self.href = None

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    def text(self):
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Odoo's mail layout pads a hidden preview line with invisible characters: not worth printing.
INVISIBLE_LINE = re.compile(r"^[\s\u034f\u200b-\u200f\u2060\ufeff]*$", re.MULTILINE)


def part_text(part):
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        extractor = TextExtractor()
        extractor.feed(content)
        content = extractor.text()
    return re.sub(r"\n{3,}", "\n\n", INVISIBLE_LINE.sub("", content)).strip()


def show_mail(folder, number=None):
    rows = read_index(folder)
    if not rows:
        print(f"No mail caught yet in {folder}/.")
        return 0
    number = number or len(rows)
    if not 1 <= number <= len(rows):
        print(f"There is no mail {number}: {len(rows)} caught (make mail lists them).", file=sys.stderr)
        return 1
    date, _sender, recipients, _subject, name = rows[number - 1]
    path = folder / name
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    print(f"Mail {number} of {len(rows)}, received {date}: {path}")
    for header in ("Date", "From", "To", "Cc", "Reply-To", "Subject"):
        if message[header]:
            print(f"{header}: {one_line(message[header])}")
    print(f"Delivered to: {recipients}")
    # Odoo's text part repeats the hidden preview line: its HTML part reads better.
    body = message.get_body(preferencelist=("html", "plain"))
    print()
    print(part_text(body) if body else "(no text body)")
    attachments = list(message.iter_attachments()) if message.is_multipart() else []
    for attachment in attachments:
        size = len(attachment.get_payload(decode=True) or b"")
        print(f"[attachment] {attachment.get_filename()} ({attachment.get_content_type()}, {size} bytes)")
    return 0


def main(argv=None):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `make mail | head` ends quietly
    # Chinese subjects and bodies must print whatever the terminal's locale says.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8", errors="replace")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "ping"):
        command = commands.add_parser(name)
        command.add_argument("--host", default=DEFAULT_HOST)
        command.add_argument("--port", type=int, default=DEFAULT_PORT)
    commands.add_parser("list")
    for name in ("show", "read"):
        commands.add_parser(name).add_argument("number", nargs="?", type=int)
    args = parser.parse_args(argv)
    folder = mail_dir()
    if args.command == "serve":
        return asyncio.run(serve(args.host, args.port, folder))
    if args.command == "ping":
        return 0 if ping(args.host, args.port) else 1
    if args.command in ("list", "read"):
        list_mails(folder)
        if args.command == "list" or not read_index(folder):
            return 0
        print()
    return show_mail(folder, args.number)


if __name__ == "__main__":
    sys.exit(main())
