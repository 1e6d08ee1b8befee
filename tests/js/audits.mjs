// The GraphQL-over-HTTP conformance audits of graphql-http (`serverAudits`) against a running
// hub: `node audits.mjs http://127.0.0.1:PORT/graphql`.
//
// Prints one JSON object: every audit's id, name and status (`ok`, or `error` for a failed MUST,
// `warn` for a failed SHOULD, `notice` for a failed MAY) with the reason it failed. Exits 1 when
// any MUST fails, so the test that runs this fails too.
import { serverAudits } from 'graphql-http';
import { deadline } from './deadline.mjs';

deadline(60, 'the GraphQL-over-HTTP audits');
const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audits.mjs <graphql url>');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.response = { status: result.response.status, body: await result.response.text() };
  }
  results.push(entry);
}

const count = (level, status) =>
  results.filter((r) => r.name.startsWith(level) && (!status || r.status === status)).length;
const summary = Object.fromEntries(
  ['MUST', 'SHOULD', 'MAY'].map((level) => [level, { total: count(level), ok: count(level, 'ok') }]),
);
for (const r of results.filter((r) => r.status !== 'ok')) {
  console.error(`${r.status.padEnd(6)} ${r.id} ${r.name}\n       ${r.reason}`);
}
console.log(JSON.stringify({ summary, results }));
process.exit(results.some((r) => r.status === 'error') ? 1 : 0);
