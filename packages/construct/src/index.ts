export { BedrockBatchSfn } from './bedrock-batch-sfn.js';
export type {
  BedrockBatchDatasetQuotas,
  BedrockBatchRetryOptions,
  BedrockBatchSfnProps,
  BedrockBatchVpcConfig,
} from './bedrock-batch-sfn-props.js';
export {
  HandlerLogLevel,
  ModelInvocationType,
  OnDemandServiceTier,
} from './bedrock-batch-sfn-props.js';
export {
  BedrockBatchConstructError,
  HandlerBundleNotFoundError,
  InvalidPropError,
} from './errors.js';
export { handlerBundleDirectory } from './handler-code.js';
export type { FragmentRegistration } from './shared-resources.js';
export { BedrockBatchSharedResources } from './shared-resources.js';
