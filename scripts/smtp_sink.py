"""A real SMTP server for development and tests: accepts every message and stores it on disk.

Each accepted message becomes two files in the mail directory, written atomically (temporary
name, then rename) so a reader never sees half a message:
  <id>.eml   the message exactly as received (RFC 5322)
  <id>.json  the envelope: {"mail_from": ..., "rcpt_tos": [...], "received_at": ...}

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


class StoreHandler:
    def __init__(self, maildir: str) -> None:
        self.maildir = maildir

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
