"""Read the mail the local stack's SMTP sink received (tests/stack/run.sh), decoded.

    python tests/stack/mail.py [--dir /tmp/stack/mail] [--to ADDRESS] [--last N] [--links]

Shows the newest message (or the newest N), optionally only those to ADDRESS: sender,
recipients, subject and the plain text. --links prints only the addresses in the text, one a
line, newest message first: `python tests/stack/mail.py --to kbh-forening@example.org
--links | head -1` is the latest e-mail sign-in link.
"""

import argparse
import email
import email.policy
import os
import re
from pathlib import Path

LINK = re.compile(r"https?://[^\s<>\"')]+")


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dir = Path(os.environ.get("STACK_DIR", "/tmp/stack")) / "mail"  # noqa: S108
    parser.add_argument("--dir", type=Path, default=default_dir)
    parser.add_argument("--to", help="only messages to this address")
    parser.add_argument("--last", type=int, default=1, help="how many (default 1)")
    parser.add_argument("--links", action="store_true", help="only the links in the text")
    options = parser.parse_args()

    shown = 0
    for path in sorted(options.dir.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        recipients = message.get("X-RcptTo", "")
        if options.to and options.to.lower() not in recipients.lower():
            continue
        text = text_of(message)
        if options.links:
            for link in LINK.findall(text):
                print(link)
        else:
            print(f"== {path.name}")
            print(f"From: {message.get('From', '')}")
            print(f"To: {recipients}")
            print(f"Subject: {message.get('Subject', '')}")
            print()
            print(text.rstrip())
            print()
        shown += 1
        if shown >= options.last:
            break
    if not shown:
        raise SystemExit(f"no mail{f' to {options.to}' if options.to else ''} in {options.dir}")


if __name__ == "__main__":
    main()
