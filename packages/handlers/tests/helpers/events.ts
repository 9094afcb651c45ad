import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const eventsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'events');
/** The schema package's contract fixtures (`job-ticket`, `delivered-ticket`, ...). */
const schemaEventsDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'schema',
  'tests',
  'events',
);

/** Loads `tests/events/<kind>/<variant>.json`, a fresh copy each call. */
function getTestEvent<T = Record<string, unknown>>(kind: string, variant: string): T {
  return JSON.parse(readFileSync(join(eventsDir, kind, `${variant}.json`), 'utf8')) as T;
}

/** Loads the schema package's `tests/events/<kind>/<variant>.json`, a fresh copy each call. */
function getSchemaFixture<T = Record<string, unknown>>(kind: string, variant: string): T {
  return JSON.parse(readFileSync(join(schemaEventsDir, kind, `${variant}.json`), 'utf8')) as T;
}

/** The variants of a schema fixture kind whose names start with `prefix` (`valid`, `invalid`). */
function schemaFixtureVariants(kind: string, prefix: string): string[] {
  return readdirSync(join(schemaEventsDir, kind))
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** A task token of `length` characters made of the characters Step Functions tokens use. */
function makeTaskToken(length: number, seed = 'x'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  let out = 'AQCE';
  let state = [...seed].reduce((acc, ch) => acc * 31 + ch.charCodeAt(0), 7) >>> 0;
  while (out.length < length) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    out += alphabet[state % alphabet.length];
  }
  return out.slice(0, length);
}

export { eventsDir, getSchemaFixture, getTestEvent, makeTaskToken, schemaFixtureVariants };
