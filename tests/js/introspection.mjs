// Live introspection against the committed SDL: `node introspection.mjs
// http://127.0.0.1:PORT/graphql ../../schema/innohub.graphql`.
//
// Sends graphql-js's `getIntrospectionQuery()` over HTTP twice, with its default options and
// with every option on, as GraphiQL and code generators do. Each answer must be free of errors
// and describe exactly the committed schema. To compare like with like, the committed SDL is
// introspected locally with the same options (graphql-js executes the same query against
// `buildSchema(sdl)`), so what a set of options leaves out is left out on both sides; with
// every option on, the answer is also compared with `buildSchema(sdl)` itself. Two schemas are
// the same when graphql-js finds no breaking or dangerous change either way and both print
// identically after sorting.
//
// Two things are set aside, each named in the output: changes to the directives the GraphQL
// language itself defines (`@deprecated`, `@skip`, …), whose definitions follow the graphql-js
// version that builds the committed side, not the hub; and the schema description
// async-graphql 7 answers for every schema (a sentence describing what a schema is, not this
// one), which the SDL cannot carry.
//
// Prints one JSON object with each option set's outcome; exits 1 on any difference.
import fs from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
  graphqlSync,
  lexicographicSortSchema,
  GraphQLSchema,
  printSchema,
  specifiedDirectives,
} from 'graphql';
import { deadline } from './deadline.mjs';

deadline(60, 'the introspection diff');
const [url, sdlPath] = process.argv.slice(2);
if (!url || !sdlPath) {
  console.error('usage: node introspection.mjs <graphql url> <schema.graphql>');
  process.exit(2);
}
const committed = buildSchema(fs.readFileSync(sdlPath, 'utf8'));

const OPTION_SETS = {
  default: {},
  full: {
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  },
};

async function live(query) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`introspection answered ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** What async-graphql 7 answers as `__schema { description }` for any schema. */
const GENERIC_SCHEMA_DESCRIPTION =
  'A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.';

function withoutGenericDescription(schema) {
  if (schema.description !== GENERIC_SCHEMA_DESCRIPTION) return schema;
  return new GraphQLSchema({ ...schema.toConfig(), description: undefined });
}

/** Whether a change reported by graphql-js concerns a directive of the language itself. */
const aboutLanguageDirective = (change) =>
  change.type.includes('DIRECTIVE') &&
  specifiedDirectives.some((d) => change.description.split(/[ .]/).includes(d.name));

function local(query) {
  const result = graphqlSync({ schema: committed, source: query });
  if (result.errors) throw new Error(`local introspection failed: ${result.errors}`);
  return result.data;
}

/** The lines of `a` and `b` that differ, with a few lines of context: enough to see what moved. */
function diff(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  const out = [];
  let i = 0;
  let j = 0;
  while ((i < x.length || j < y.length) && out.length < 80) {
    if (x[i] === y[j]) {
      i += 1;
      j += 1;
      continue;
    }
    // Resynchronise on the next line both sides share.
    const ahead = y.indexOf(x[i], j);
    const behind = x.indexOf(y[j], i);
    if (ahead !== -1 && (behind === -1 || ahead - j <= behind - i)) {
      while (j < ahead) out.push(`+ ${y[j++]}`);
    } else if (behind !== -1) {
      while (i < behind) out.push(`- ${x[i++]}`);
    } else {
      if (i < x.length) out.push(`- ${x[i++]}`);
      if (j < y.length) out.push(`+ ${y[j++]}`);
    }
  }
  return out.join('\n');
}

const comparisons = Object.entries(OPTION_SETS).map(([name, options]) => {
  const query = getIntrospectionQuery(options);
  return { name, query, expected: buildClientSchema(local(query)) };
});
comparisons.push({ name: 'full, against the SDL', query: comparisons[1].query, expected: committed });

const outcomes = {};
for (const { name, query, expected } of comparisons) {
  const introspected = buildClientSchema(await live(query));
  const served = withoutGenericDescription(introspected);
  const all = [
    ...findBreakingChanges(expected, served),
    ...findDangerousChanges(expected, served),
    ...findBreakingChanges(served, expected),
    ...findDangerousChanges(served, expected),
  ];
  const describe = (c) => `${c.type}: ${c.description}`;
  const changes = all.filter((c) => !aboutLanguageDirective(c)).map(describe);
  const setAside = all.filter(aboutLanguageDirective).map(describe);
  if (served !== introspected) setAside.push('the generic schema description of async-graphql');
  const printedServed = printSchema(lexicographicSortSchema(served));
  const printedExpected = printSchema(lexicographicSortSchema(expected));
  const same = printedServed === printedExpected;
  outcomes[name] = {
    types: Object.keys(served.getTypeMap()).length,
    changes,
    setAside,
    printedIdentically: same,
    diff: same ? '' : diff(printedExpected, printedServed),
  };
  if (changes.length || !same) {
    console.error(`${name} options: the live schema differs from ${sdlPath}`);
    for (const c of changes) console.error(`  ${c}`);
    if (!same) console.error(`--- committed\n+++ live\n${outcomes[name].diff}`);
  }
}
console.log(JSON.stringify(outcomes));
const clean = Object.values(outcomes).every((o) => !o.changes.length && o.printedIdentically);
process.exit(clean ? 0 : 1);
