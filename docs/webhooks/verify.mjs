// Verify an innohub webhook notice (Standard Webhooks), Node.js 20, node:crypto only.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Why the notice must be rejected, or null if it is genuine. */
export function problem(secret, headers, body, tolerance = 300) {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const id = h["webhook-id"], timestamp = h["webhook-timestamp"];
  const signatures = h["webhook-signature"];
  if (!id || !timestamp || !signatures) {
    return "a webhook-id, webhook-timestamp or webhook-signature header is missing";
  }
  if (!/^\d+$/.test(timestamp)) return "webhook-timestamp is malformed";
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > tolerance) {
    return `webhook-timestamp is more than ${tolerance} seconds from now`;
  }
  const encoded = secret.replace(/^whsec_/, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return "the secret is malformed";
  const key = Buffer.from(encoded, "base64");
  const expected = Buffer.from(
    createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64"),
  );
  const matches = signatures.split(" ").some((entry) => { // several during a secret rotation
    const [version, signature = ""] = entry.split(",");
    const given = Buffer.from(signature);
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? null : "no signature matches";
}

/** True if `body` (a Buffer or string) with these headers was signed with `secret`. */
export function verify(secret, headers, body, tolerance = 300) {
  return problem(secret, headers, body, tolerance) === null;
}

if (process.argv[1] === import.meta.filename) {
  // WEBHOOK_SECRET=whsec_... WEBHOOK_ID=... WEBHOOK_TIMESTAMP=... WEBHOOK_SIGNATURE=...
  //     node verify.mjs < body
  const env = process.env, chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const headers = {
    "webhook-id": env.WEBHOOK_ID,
    "webhook-timestamp": env.WEBHOOK_TIMESTAMP,
    "webhook-signature": env.WEBHOOK_SIGNATURE,
  };
  const reason = problem(env.WEBHOOK_SECRET ?? "", headers, Buffer.concat(chunks));
  if (reason) console.error(`rejected: ${reason}`);
  process.exitCode = reason ? 1 : 0;
}
