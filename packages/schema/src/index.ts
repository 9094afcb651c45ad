export {
  BEDROCK_S3_KEY_MAX_LENGTH,
  BEDROCK_S3_KEY_PATTERN,
  BEDROCK_S3_URI_MAX_LENGTH,
  BEDROCK_S3_URI_PATTERN,
  bedrockS3KeyProblem,
  bedrockS3UriProblem,
} from './bedrock-s3-uri.js';
export type { ContractName } from './contract-schemas.js';
export { CONTRACT_SCHEMAS } from './contract-schemas.js';
export type { CreateJobPayload } from './create-job-payload.js';
export { CreateJobPayloadSchema, createJobPayloadFieldName } from './create-job-payload.js';
export type { DatasetPlan, PlannedManifest } from './dataset-plan.js';
export { DatasetPlanSchema } from './dataset-plan.js';
export type { DatasetRecord } from './dataset-record.js';
export { DatasetRecordSchema, generatedRecordId } from './dataset-record.js';
export type { DatasetResult } from './dataset-result.js';
export { DatasetResultSchema, RetryCountsSchema } from './dataset-result.js';
export type { CollectedDataset, DatasetRetry, DatasetRound } from './dataset-round.js';
export {
  CollectedDatasetSchema,
  DatasetRetrySchema,
  DatasetRoundSchema,
  DEFAULT_MAX_RECORD_RETRIES,
  MAX_RECORD_RETRIES,
  retryDatasetKey,
  roundWorkPrefix,
} from './dataset-round.js';
export type {
  CollectResultsPayload,
  OnDemandPayload,
  OnDemandProgress,
  OnDemandServiceTier,
  PrepareDatasetPayload,
  PreparedDataset,
} from './dataset-work.js';
export {
  CollectResultsPayloadSchema,
  datasetWorkPrefix,
  OnDemandPayloadSchema,
  OnDemandProgressSchema,
  OnDemandServiceTierSchema,
  PrepareDatasetPayloadSchema,
  PreparedDatasetSchema,
  WORK_PREFIX,
} from './dataset-work.js';
export type { ValidationIssue } from './errors.js';
export { BedrockBatchSchemaError, ContractValidationError, DatasetPlanError } from './errors.js';
export type { BatchFragmentInput } from './fragment-input.js';
export { BatchFragmentInputSchema } from './fragment-input.js';
export type { BatchErrorNameValue, BatchJobFailure } from './job-failure.js';
export { BatchErrorName, BatchJobFailureSchema } from './job-failure.js';
export { buildJobName, isValidJobName, JOB_NAME_PATTERN } from './job-name.js';
export type { BatchJobResult, RecordCounts, TokenCounts } from './job-result.js';
export { BatchJobResultSchema, RecordCountsSchema, TokenCountsSchema } from './job-result.js';
export type { JobStateChangeDetail, JobStateChangeEvent } from './job-state-change-event.js';
export {
  BEDROCK_EVENT_SOURCE,
  JOB_STATE_CHANGE_DETAIL_TYPE,
  JobStateChangeDetailSchema,
  JobStateChangeEventSchema,
} from './job-state-change-event.js';
export type { JobStatusValue } from './job-status.js';
export {
  isTerminalJobStatus,
  JobStatus,
  JobStatusSchema,
  SUCCESS_JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
} from './job-status.js';
export type { JobTag, MaybeJobTag } from './job-tags.js';
export { JobTagKey, MANAGED_BY_VALUE, RESERVED_TAG_KEY_PREFIX } from './job-tags.js';
export type { DeliveredTicket, JobTicket, TicketState } from './job-ticket.js';
export {
  CONTROL_PREFIX,
  DELIVERY_CLAIM_LEASE_MS,
  DeliveredTicketSchema,
  JobTicketSchema,
  ticketFolder,
  ticketKey,
} from './job-ticket.js';
export type { BatchQuotas } from './limits.js';
export { BEDROCK_API_LIMITS, DEFAULT_BATCH_QUOTAS, resolveBatchQuotas } from './limits.js';
export type { JobRecordBounds } from './plan-jobs.js';
export { planJobs } from './plan-jobs.js';
export {
  CountSchema,
  ExecutionArnSchema,
  FragmentIdSchema,
  JobArnSchema,
  KMS_KEY_ID_PATTERN,
  KmsKeyIdSchema,
  ManifestKeySchema,
  MODEL_ID_PATTERN,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  RoleArnSchema,
  S3BucketNameSchema,
  S3KeySchema,
  S3UriSchema,
  TAG_CHARACTERS,
  TagSchema,
  TaskTokenSchema,
  VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN,
  VpcResourceIdSchema,
} from './primitives.js';
export type {
  BatchInputRecord,
  BatchOutputErrorRecord,
  BatchOutputRecord,
  BatchOutputSuccessRecord,
  ManifestOut,
} from './records.js';
export {
  BatchInputRecordSchema,
  BatchOutputErrorRecordSchema,
  BatchOutputRecordSchema,
  BatchOutputSuccessRecordSchema,
  ManifestOutSchema,
} from './records.js';
export type { AnswerMode, ResultLine } from './result-line.js';
export { AnswerModeSchema, RECORD_NOT_RETURNED, ResultLineSchema } from './result-line.js';
export type { ValidateOptions } from './validate.js';
export { toValidationIssues, validate } from './validate.js';
