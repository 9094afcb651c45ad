// Type tests: checked by `tsc --noEmit` (the `typecheck` target), not run by jest.
import { expectTypeOf } from 'expect-type';
import type {
  BatchErrorNameValue,
  BatchFragmentInput,
  BatchJobFailure,
  BatchJobResult,
  CreateJobPayload,
  JobStateChangeEvent,
  JobStatusValue,
  ManifestOut,
} from '../../src/index.js';
import {
  BatchFragmentInputSchema,
  buildJobName,
  type JobTicket,
  ticketKey,
  validate,
} from '../../src/index.js';

expectTypeOf<BatchFragmentInput>().toEqualTypeOf<{
  job_name: string;
  manifest_keys?: string[] | undefined;
  dataset_keys?: string[] | undefined;
  records_per_job?: number | undefined;
  max_record_retries?: number | undefined;
  model_id: string;
  model_invocation_type?: 'InvokeModel' | 'Converse' | undefined;
}>();

expectTypeOf<BatchJobResult['status']>().toEqualTypeOf<'Completed' | 'PartiallyCompleted'>();
expectTypeOf<BatchJobResult['token_counts']>().toEqualTypeOf<
  { input: number; output: number } | undefined
>();
expectTypeOf<BatchJobResult['record_counts']>().toEqualTypeOf<{
  total: number;
  processed: number;
  success: number;
  error: number;
}>();

expectTypeOf<BatchJobFailure['error']>().toEqualTypeOf<BatchErrorNameValue>();
expectTypeOf<BatchJobFailure['status']>().toEqualTypeOf<
  'Failed' | 'Stopped' | 'Expired' | 'Invalid'
>();

expectTypeOf<CreateJobPayload['taskToken']>().toBeString();
expectTypeOf<CreateJobPayload['timeoutDurationInHours']>().toEqualTypeOf<number | undefined>();
expectTypeOf<CreateJobPayload['inputDataConfig']['s3InputDataConfig']['s3Uri']>().toBeString();

// Events keep unknown fields, so their types are open.
expectTypeOf<JobStateChangeEvent['detail']['batchJobArn']>().toBeString();
expectTypeOf<JobStateChangeEvent['detail']['failureMessage']>().toEqualTypeOf<string | undefined>();
expectTypeOf<JobStateChangeEvent>()
  .toHaveProperty('detail-type')
  .toEqualTypeOf<'Batch Inference Job State Change'>();
expectTypeOf<ManifestOut['outputTokenCount']>().toEqualTypeOf<number | undefined>();

expectTypeOf<JobStatusValue>().toExtend<string>();
expectTypeOf(validate(BatchFragmentInputSchema, {})).toEqualTypeOf<BatchFragmentInput>();
expectTypeOf(buildJobName).parameters.toEqualTypeOf<[string, ...Array<string | number>]>();
expectTypeOf(ticketKey).returns.toBeString();
expectTypeOf<JobTicket['taskToken']>().toEqualTypeOf<string>();
expectTypeOf<JobTicket['jobArn']>().toEqualTypeOf<string | undefined>();
