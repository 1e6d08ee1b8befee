"""A real SMTP server for development and tests: accepts every message and stores it on disk.

Each accepted message becomes two files in the mail directory, written atomically (temporary
name, then rename) so a reader never sees half a message:
  <id>.eml   the message exactly as received (RFC 5322)
  <id>.json  the envelope: {"mail_from": ..., "rcpt_tos": [...], "received_at": ...}

Recipients can ask for a failure, so that senders' handling of SMTP replies is tested against
a real server: a local part starting with `reject` is refused at RCPT with 550 (permanent), and
one starting with `defer` is refused with 451 (transient) the first two times that address is
offered, then accepted. Every other address is accepted.

Usage: python smtp_sink.py --host 127.0.0.1 --port 2525 --maildir DIR
"""

import argparse
import asyncio
import json
import os
import signal
import time
import uuid

from aiosmtpd.controller import Controller


DEFERRALS = 2


class StoreHandler:
    def __init__(self, maildir: str) -> None:
        self.maildir = maildir
        self.deferred: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("defer"):
            seen = self.deferred.get(address.lower(), 0)
            if seen < DEFERRALS:
                self.deferred[address.lower()] = seen + 1
                return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _write(self, name: str, data: bytes) -> None:
        tmp = os.path.join(self.maildir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, name))

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg_id = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        self._write(msg_id + ".eml", envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "received_at": time.time(),
        }
        # The envelope is written last: a reader that finds the .json finds the .eml too.
        self._write(msg_id + ".json", json.dumps(meta).encode())
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    controller = Controller(
        StoreHandler(args.maildir), hostname=args.host, port=args.port, data_size_limit=33554432
    )
    controller.start()
    print(f"smtp sink listening on {args.host}:{args.port}, storing in {args.maildir}", flush=True)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
