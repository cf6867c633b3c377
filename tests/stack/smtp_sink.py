"""An SMTP sink for the local stack (tests/stack/run.sh): accepts every message and writes it
as an .eml file into a directory, nothing is relayed. Standard library only (asyncio streams).

    python tests/stack/smtp_sink.py DIRECTORY [--host 127.0.0.1] [--port 2525]

Each file is the message as received, with two headers in front saying what the envelope
said (X-MailFrom, X-RcptTo), named <time>-<number>.eml so `ls` lists them in order; it is
written under a temporary name and renamed, so a reader never sees half a message.
"""

import argparse
import asyncio
import datetime
import email
import email.policy
import itertools
import os
import signal
import sys
from pathlib import Path

MAX_LINE = 1 << 20  # bytes in one line (also of DATA)
MAX_MESSAGE = 50 << 20


class Session:
    def __init__(self, directory: Path, counter, reader, writer):
        self.directory = directory
        self.counter = counter
        self.reader = reader
        self.writer = writer
        self.reset()

    def reset(self):
        self.mail_from = None
        self.rcpt_to = []

    async def reply(self, text: str) -> None:
        self.writer.write(text.encode() + b"\r\n")
        await self.writer.drain()

    async def run(self) -> None:
        await self.reply("220 stack-smtp ready (local sink, nothing is delivered)")
        while True:
            line = await self.reader.readline()
            if not line:
                return
            command, _space, argument = line.decode("utf-8", "replace").strip().partition(" ")
            verb = command.upper()
            if verb == "EHLO":
                await self.reply("250-stack-smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP")
            elif verb == "HELO":
                await self.reply("250 stack-smtp")
            elif verb == "MAIL" and argument.upper().startswith("FROM:"):
                self.reset()
                self.mail_from = address(argument[5:])
                await self.reply("250 OK")
            elif verb == "RCPT" and argument.upper().startswith("TO:"):
                if self.mail_from is None:
                    await self.reply("503 MAIL first")
                    continue
                self.rcpt_to.append(address(argument[3:]))
                await self.reply("250 OK")
            elif verb == "DATA":
                if not self.rcpt_to:
                    await self.reply("503 RCPT first")
                    continue
                await self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = await self.read_data()
                if data is None:
                    await self.reply("552 Message too large")
                else:
                    name = self.save(data)
                    await self.reply(f"250 OK saved as {name}")
                self.reset()
            elif verb == "RSET":
                self.reset()
                await self.reply("250 OK")
            elif verb == "NOOP":
                await self.reply("250 OK")
            elif verb == "QUIT":
                await self.reply("221 Bye")
                return
            else:
                await self.reply("502 Command not implemented")

    async def read_data(self) -> bytes | None:
        lines, size, too_large = [], 0, False
        while True:
            line = await self.reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            if line.startswith(b"."):
                line = line[1:]  # dot-unstuffing (RFC 5321, 4.5.2)
            size += len(line)
            if size > MAX_MESSAGE:
                too_large = True
                lines = []
            if not too_large:
                lines.append(line)
        return None if too_large else b"".join(lines)

    def save(self, data: bytes) -> str:
        number = next(self.counter)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        name = f"{stamp}-{number:04d}.eml"
        envelope = f"X-MailFrom: {self.mail_from}\r\nX-RcptTo: {', '.join(self.rcpt_to)}\r\n"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(envelope.encode() + data)
        os.replace(temporary, self.directory / name)
        message = email.message_from_bytes(data, policy=email.policy.default)
        print(
            f"{name}: to {', '.join(self.rcpt_to)}: {message.get('Subject', '')}",
            flush=True,
        )
        return name


def address(text: str) -> str:
    text = text.strip()
    if text.startswith("<"):
        text = text[1 : text.find(">") if ">" in text else None]
    return text.split(" ", 1)[0]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    options = parser.parse_args()
    options.directory.mkdir(parents=True, exist_ok=True)
    counter = itertools.count(1)

    async def handle(reader, writer):
        try:
            await Session(options.directory, counter, reader, writer).run()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError) as error:
            print(f"connection ended: {error!r}", file=sys.stderr, flush=True)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, options.host, options.port, limit=MAX_LINE)
    print(f"SMTP sink on {options.host}:{options.port}, mail in {options.directory}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM"):
        loop.add_signal_handler(getattr(signal, name), stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
