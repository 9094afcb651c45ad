// A TypeScript consumer of the packed package. tests/unit/package.test.ts copies it to
// consumer.cts (resolved through the `require` condition) and consumer.mts (the `import`
// condition) and type-checks both with tsconfig.consumer.json.
import {
  type BatchFragmentInput,
  BatchFragmentInputSchema,
  ContractValidationError,
  validate,
} from '@bedrock-batch/schema';
import type * as z from 'zod';

const input: BatchFragmentInput = validate(BatchFragmentInputSchema, {});
const inferred: z.infer<typeof BatchFragmentInputSchema> = input;
// @ts-expect-error - the contract is typed: an unknown field is an error (not `any`)
inferred.not_a_field;

/** The failing contract's name, for an error thrown by `validate`. */
export function failingContract(error: unknown): string | undefined {
  return error instanceof ContractValidationError ? error.contract : undefined;
}
