// The client setups the README shows, run against a running hub: `node clients.mjs
// http://127.0.0.1:PORT/graphql ADMIN_KEY`.
//
// Apollo Client with automatic persisted queries: the first query goes out as a hash by GET,
// the hub does not know it yet (`PERSISTED_QUERY_NOT_FOUND`), Apollo sends the text, and a
// fresh client's same query is then answered by hash alone. graphql-ws with the API key in
// `connectionParams`: an admin-only query answers on a socket opened with the key and is
// refused on one without it. Prints one JSON object with what happened; exits 1 if anything
// differs from that story.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { deadline } from './deadline.mjs';

deadline(60, 'the client setups');
const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error('usage: node clients.mjs <graphql url> <admin key>');
  process.exit(2);
}
const problems = [];
const report = {};

// As in the README (a browser has `crypto.subtle` too).
const sha256 = async (text) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

/** What each request to the hub carried: its method, and whether it sent a hash or the text. */
const sent = [];
const recordingFetch = async (input, init = {}) => {
  const target = new URL(typeof input === 'string' ? input : input.url);
  const body = init.body ? JSON.parse(init.body) : null;
  const extensions = body?.extensions ?? JSON.parse(target.searchParams.get('extensions') ?? 'null');
  sent.push({
    method: init.method ?? 'GET',
    hash: Boolean(extensions?.persistedQuery?.sha256Hash),
    text: Boolean(body?.query ?? target.searchParams.get('query')),
  });
  return fetch(input, init);
};

const apollo = () =>
  new ApolloClient({
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
      new HttpLink({ uri: url, fetch: recordingFetch }),
    ),
    cache: new InMemoryCache(),
  });

const REGIONS = gql`
  query Regions {
    regions {
      code
      name
    }
  }
`;

const first = await apollo().query({ query: REGIONS });
report.apolloFirst = { regions: first.data?.regions?.length, requests: sent.splice(0) };
const second = await apollo().query({ query: REGIONS });
report.apolloSecond = { regions: second.data?.regions?.length, requests: sent.splice(0) };
if (report.apolloFirst.regions !== 16 || report.apolloSecond.regions !== 16) {
  problems.push('Apollo did not get the 16 regions');
}
const [miss, retry] = report.apolloFirst.requests;
if (!(miss?.method === 'GET' && miss.hash && !miss.text && retry?.text)) {
  problems.push(`the first query should go out by hash, then with its text: ${JSON.stringify(report.apolloFirst)}`);
}
const [byHash, ...more] = report.apolloSecond.requests;
if (!(byHash?.method === 'GET' && byHash.hash && !byHash.text) || more.length) {
  problems.push(`a known query should be answered by hash alone: ${JSON.stringify(report.apolloSecond)}`);
}

/** Runs `query` on a new graphql-ws connection with `connectionParams`; its result or error. */
async function overWebSocket(connectionParams, query) {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/ws',
    connectionParams,
    webSocketImpl: WebSocket, // Node only; browsers have WebSocket built in
    retryAttempts: 0,
  });
  try {
    return await new Promise((resolve) => {
      let result;
      client.subscribe({ query }, {
        next: (value) => (result = value),
        error: (error) => resolve({ error: String(error?.message ?? error?.reason ?? error) }),
        complete: () => resolve(result),
      });
    });
  } finally {
    await client.dispose();
  }
}

const KEYS = '{ apiKeys { name role } }';
report.webSocketWithKey = await overWebSocket({ Authorization: `Bearer ${key}` }, KEYS);
report.webSocketWithoutKey = await overWebSocket({}, KEYS);
if (!Array.isArray(report.webSocketWithKey?.data?.apiKeys)) {
  problems.push(`the admin key in connectionParams should list the keys: ${JSON.stringify(report.webSocketWithKey)}`);
}
if (report.webSocketWithoutKey?.data?.apiKeys || !report.webSocketWithoutKey?.errors?.length) {
  problems.push(`without a key the keys are refused: ${JSON.stringify(report.webSocketWithoutKey)}`);
}

for (const p of problems) console.error(p);
console.log(JSON.stringify({ ...report, problems }));
process.exit(problems.length ? 1 : 0);
