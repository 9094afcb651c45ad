export type {
  AssemblyStack,
  CloudAssembly,
  Template,
  TemplateResource,
} from './assembly/cloud-assembly.js';
export { loadCloudAssembly } from './assembly/cloud-assembly.js';
export type { LocalEnvironment, ResourceIdentity } from './assembly/resolve-intrinsics.js';
export { IntrinsicResolver } from './assembly/resolve-intrinsics.js';
export type { JobEventListener } from './bedrock/event-publisher.js';
export type {
  BedrockOperationName,
  EmulatorFaults,
  EmulatorFaultsInput,
  EventFaults,
  ForcedJobOutcome,
  JobOutcomeFault,
  RecordErrorFault,
  RecordErrorKindFault,
  RecordErrorKindInput,
  RuntimeErrorFaults,
  RuntimeFaults,
  RuntimeOperationName,
  RuntimeThrottleFaults,
  TagFaults,
  TagOperationName,
  ThrottleFaults,
} from './bedrock/faults.js';
export type {
  EmulatedJob,
  EmulatedJobInputConfig,
  EmulatedJobOutputConfig,
} from './bedrock/job.js';
export type { PhaseDurations } from './bedrock/job-runner.js';
export type { ModelFamily } from './bedrock/models.js';
export { DEFAULT_MODEL_IDS, modelFamilyOf } from './bedrock/models.js';
export type { Random } from './bedrock/random.js';
export { createRandom } from './bedrock/random.js';
export type { BatchRecordError } from './bedrock/record-errors.js';
export { BATCH_RECORD_ERRORS } from './bedrock/record-errors.js';
export type { ModelInvocationType, Responder, ResponderContext } from './bedrock/responses.js';
export { defaultResponder } from './bedrock/responses.js';
export type { RuntimeErrorName } from './bedrock/runtime-exceptions.js';
export type {
  BedrockEmulator,
  BedrockEmulatorOptions,
  EmulatorCall,
  EmulatorJobs,
} from './bedrock/start-bedrock-emulator.js';
export { startBedrockEmulator } from './bedrock/start-bedrock-emulator.js';
export type { CliIo } from './cli.js';
export { runCli } from './cli.js';
export type { Clock, ClockTimer, ManualClockOptions, RealTimeClockOptions } from './clock.js';
export { ManualClock, RealTimeClock } from './clock.js';
export {
  AssemblyError,
  BedrockBatchLocalError,
  EmulatedServiceError,
  EventBridgeArgumentError,
  EventBridgeError,
  EventPatternError,
  InvalidOptionError,
  LambdaInvocationError,
  LocalServerError,
  NotFoundError,
  ScheduleExpressionError,
  TaskFailure,
  TaskTokenError,
  UsageError,
} from './errors.js';
export type {
  CronSchedule,
  EventBridgeEnvelopeOptions,
  EventBridgeEvent,
  EventPattern,
  EventPatternFilter,
  EventPatternMatcher,
  ParseScheduleExpressionOptions,
  RateSchedule,
  RuleTargetInput,
  ScheduledEventOptions,
  ScheduleExpression,
  TargetInputContext,
} from './eventbridge/index.js';
export {
  applyTargetInput,
  compileEventPattern,
  matchesEventPattern,
  parseScheduleExpression,
  toEventBridgeEnvelope,
  toEventTime,
  toScheduledEvent,
  validateEventPattern,
} from './eventbridge/index.js';
export type { LocalFunctionOptions } from './lambda/local-function.js';
export { LocalFunction } from './lambda/local-function.js';
export type { LocalRule, LocalRuleTarget, RuleDelivery } from './runtime/event-rules.js';
export { LocalEventBus } from './runtime/event-rules.js';
export type { AppBucket, AppStateMachine, LocalAppContext } from './runtime/local-app.js';
export { LocalApp } from './runtime/local-app.js';
export type { LocalAws, LocalAwsOptions } from './runtime/start-local-aws.js';
export { startLocalAws } from './runtime/start-local-aws.js';
export type { S3Server, S3ServerCredentials, S3ServerOptions } from './s3/start-s3-server.js';
export { startS3Server } from './s3/start-s3-server.js';
export type {
  ApiAnswer,
  ExecutionStarter,
  ExecutionStopper,
} from './stepfunctions/execution-control.js';
export type {
  ExecutionResult,
  ExecutionStatus,
  HistoryEvent,
  LocalStateMachineOptions,
} from './stepfunctions/local-state-machine.js';
export { LocalExecution, LocalStateMachine } from './stepfunctions/local-state-machine.js';
export type {
  ExecutionDescription,
  ExecutionLookup,
  StepFunctionsApi,
  StepFunctionsApiOptions,
} from './stepfunctions/step-functions-api.js';
export { startStepFunctionsApi } from './stepfunctions/step-functions-api.js';
export { TaskTokenRegistry } from './stepfunctions/task-token-registry.js';
export type { StsServer, StsServerOptions, StsSession } from './sts/start-sts-server.js';
export { startStsServer } from './sts/start-sts-server.js';
