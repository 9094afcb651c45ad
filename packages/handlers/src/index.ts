export type { JobArnParts, S3Location } from './arns.js';
export { executionNameFromArn, parseJobArn, parseS3Uri } from './arns.js';
export { deriveClientRequestToken } from './client-request-token.js';
export type { AwsClients } from './clients.js';
export { createAwsClients } from './clients.js';
export type { CollectJob, CollectResultsDeps, CollectResultsInput } from './collect-results.js';
export { collectResults } from './collect-results.js';
export type { HandlerConfig } from './config.js';
export { readHandlerConfig } from './config.js';
export type { CreateJobResult } from './create-job.js';
export { createJob } from './create-job.js';
export type {
  DeliveryOutcome,
  DeliveryResult,
  JobDescription,
  KnownJobState,
} from './deliver-job.js';
export { deliverJob } from './deliver-job.js';
export {
  AccessDeniedError,
  BedrockBatchHandlerError,
  BedrockValidationError,
  ConfigurationError,
  InvalidInputError,
  QuotaExceededError,
  ThrottledError,
  TicketFormatError,
} from './errors.js';
export type { ExecutionState } from './execution-state.js';
export {
  describeExecutionState,
  EXECUTION_DOES_NOT_EXIST,
  isLiveExecutionState,
} from './execution-state.js';
export type { HandlerDeps } from './handler-deps.js';
export type {
  InvokeOnDemandDeps,
  InvokeOnDemandInput,
  InvokeOnDemandResult,
} from './invoke-on-demand.js';
export { invokeOnDemand } from './invoke-on-demand.js';
export type { JobEventResult } from './job-event.js';
export { handleJobEvent } from './job-event.js';
export type { JobOutput } from './job-output.js';
export { jobOutputFolder, readJobOutput } from './job-output.js';
export { mergeJobTags, tagValue } from './job-tags.js';
export type { StoredTicket } from './job-tickets.js';
export {
  claimDelivery,
  completeDelivery,
  pendingJobNames,
  readDeliveredTicket,
  readTicket,
  removeTicket,
  tokenMarker,
  writeTicket,
} from './job-tickets.js';
export type {
  AwsScope,
  PolicyDocument,
  PolicyStatement,
  SessionCredentials,
} from './on-demand-session.js';
export { assumeOnDemandSession, awsScopeOf, onDemandSessionPolicy } from './on-demand-session.js';
export type { OnDemandTaskDeps } from './on-demand-task.js';
export { onDemandTask, parseOnDemandPayload } from './on-demand-task.js';
export type { PrepareDatasetDeps, PrepareDatasetInput } from './prepare-dataset.js';
export { prepareDataset } from './prepare-dataset.js';
export type { PrepareDatasetTaskDeps } from './prepare-dataset-task.js';
export { prepareDatasetTask } from './prepare-dataset-task.js';
export type { ReconcileOptions, ReconcileSummary } from './reconcile.js';
export { reconcile } from './reconcile.js';
export type { RecordError, RecordErrorClass, RecordErrorRule } from './record-error-class.js';
export { classifyRecordError, RECORD_ERROR_CLASSES } from './record-error-class.js';
export {
  isDeadTaskTokenError,
  isNotFoundError,
  mapBedrockError,
  redactErrorMessage,
  redactSecrets,
} from './service-errors.js';
