"""Verify an innohub webhook notice (Standard Webhooks), Python 3 standard library only."""
import base64, hashlib, hmac, os, sys, time


def problem(secret: str, headers: dict, body: bytes, tolerance=300):
    """Why the notice must be rejected, or None if it is genuine."""
    h = {name.lower(): value for name, value in headers.items()}
    msg_id, timestamp = h.get("webhook-id"), h.get("webhook-timestamp")
    signatures = h.get("webhook-signature")
    if not (msg_id and timestamp and signatures):
        return "a webhook-id, webhook-timestamp or webhook-signature header is missing"
    if not (timestamp.isascii() and timestamp.isdigit()):
        return "webhook-timestamp is malformed"
    if abs(time.time() - int(timestamp)) > tolerance:
        return f"webhook-timestamp is more than {tolerance} seconds from now"
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        key = b""
    if not key:
        return "the secret is malformed"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for entry in signatures.split():  # several during a secret rotation
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return None
    return "no signature matches"


def verify(secret: str, headers: dict, body: bytes, tolerance=300) -> bool:
    """True if `body` with these headers was signed with `secret` within `tolerance` seconds."""
    return problem(secret, headers, body, tolerance) is None


if __name__ == "__main__":
    # WEBHOOK_SECRET=whsec_... WEBHOOK_ID=... WEBHOOK_TIMESTAMP=... WEBHOOK_SIGNATURE=...
    #     python3 verify.py < body
    env = os.environ
    headers = {"webhook-id": env.get("WEBHOOK_ID", ""),
               "webhook-timestamp": env.get("WEBHOOK_TIMESTAMP", ""),
               "webhook-signature": env.get("WEBHOOK_SIGNATURE", "")}
    reason = problem(env.get("WEBHOOK_SECRET", ""), headers, sys.stdin.buffer.read())
    if reason:
        print(f"rejected: {reason}", file=sys.stderr)
    sys.exit(1 if reason else 0)
