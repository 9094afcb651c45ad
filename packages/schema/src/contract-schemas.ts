import { CreateJobPayloadSchema } from './create-job-payload.js';
import { DatasetPlanSchema } from './dataset-plan.js';
import { DatasetRecordSchema } from './dataset-record.js';
import { DatasetResultSchema } from './dataset-result.js';
import { CollectedDatasetSchema } from './dataset-round.js';
import {
  CollectResultsPayloadSchema,
  OnDemandPayloadSchema,
  OnDemandProgressSchema,
  PrepareDatasetPayloadSchema,
  PreparedDatasetSchema,
} from './dataset-work.js';
import { BatchFragmentInputSchema } from './fragment-input.js';
import { BatchJobFailureSchema } from './job-failure.js';
import { BatchJobResultSchema } from './job-result.js';
import { JobStateChangeEventSchema } from './job-state-change-event.js';
import { DeliveredTicketSchema, JobTicketSchema } from './job-ticket.js';
import { BatchInputRecordSchema, BatchOutputRecordSchema, ManifestOutSchema } from './records.js';
import { ResultLineSchema } from './result-line.js';

/**
 * The public contracts by name. The build writes `dist/json-schema/<name>.json` for each, so
 * pipelines in other languages validate the same payloads
 * (`@bedrock-batch/schema/json-schema/BatchFragmentInput.json`).
 *
 * @example
 * ```ts
 * for (const [name, schema] of Object.entries(CONTRACT_SCHEMAS)) console.log(name, schema.meta());
 * ```
 */
const CONTRACT_SCHEMAS = {
  BatchFragmentInput: BatchFragmentInputSchema,
  BatchJobResult: BatchJobResultSchema,
  BatchJobFailure: BatchJobFailureSchema,
  CreateJobPayload: CreateJobPayloadSchema,
  JobStateChangeEvent: JobStateChangeEventSchema,
  BatchInputRecord: BatchInputRecordSchema,
  BatchOutputRecord: BatchOutputRecordSchema,
  ManifestOut: ManifestOutSchema,
  JobTicket: JobTicketSchema,
  DeliveredTicket: DeliveredTicketSchema,
  DatasetRecord: DatasetRecordSchema,
  ResultLine: ResultLineSchema,
  DatasetResult: DatasetResultSchema,
  DatasetPlan: DatasetPlanSchema,
  PrepareDatasetPayload: PrepareDatasetPayloadSchema,
  PreparedDataset: PreparedDatasetSchema,
  CollectResultsPayload: CollectResultsPayloadSchema,
  OnDemandPayload: OnDemandPayloadSchema,
  OnDemandProgress: OnDemandProgressSchema,
  CollectedDataset: CollectedDatasetSchema,
} as const;

/** Name of a public contract, see {@link CONTRACT_SCHEMAS}. */
type ContractName = keyof typeof CONTRACT_SCHEMAS;

export type { ContractName };
export { CONTRACT_SCHEMAS };
