import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CONTRACT_SCHEMAS, type ContractName } from '../../src/index.js';
import { getTestEvent, listTestEvents } from '../helpers/events.js';
import { FIXTURE_KIND } from '../helpers/fixtures.js';

// The files the build wrote (nx runs `build` before `test`).
const jsonSchemaDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'json-schema',
);
const ajv = new Ajv2020({ strict: true, allErrors: true });

const contracts = Object.keys(CONTRACT_SCHEMAS) as ContractName[];

describe.each(contracts)('JSON Schema: %s', (contract) => {
  const document = JSON.parse(readFileSync(join(jsonSchemaDir, `${contract}.json`), 'utf8'));
  const check = ajv.compile(document);
  const kind = FIXTURE_KIND[contract];

  it('is a draft 2020-12 schema titled after the contract', () => {
    expect(document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.title).toBe(contract);
  });

  it.each(listTestEvents(kind))('gives the same verdict as zod on %s', (variant) => {
    const event = getTestEvent(kind, variant);
    const zodVerdict = CONTRACT_SCHEMAS[contract].safeParse(event).success;
    expect(check(event)).toBe(zodVerdict);
    expect(zodVerdict).toBe(variant.startsWith('valid-'));
  });
});
