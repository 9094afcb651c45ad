import { BedrockClient } from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/** The AWS SDK v3 clients the handlers call. Inject your own to reuse the plain functions. */
interface AwsClients {
  /** Bedrock control plane: create, describe, list, stop and tag batch jobs. */
  readonly bedrock: BedrockClient;
  /** S3: lists a job's output objects and reads its `manifest.json.out`. */
  readonly s3: S3Client;
  /** Step Functions: task success, failure and heartbeat callbacks. */
  readonly sfn: SFNClient;
}

/**
 * Creates the three clients with the SDK's default configuration, so Region, credentials and
 * the `AWS_ENDPOINT_URL_BEDROCK` / `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SFN` variables apply
 * as usual. `AWS_S3_FORCE_PATH_STYLE=true` turns on path-style S3 addressing (needed by local S3
 * servers).
 *
 * @param env - the environment to read `AWS_S3_FORCE_PATH_STYLE` from (default `process.env`)
 * @returns new clients
 *
 * @example
 * ```ts
 * const clients = createAwsClients();
 * await createJob(payload, { clients });
 * ```
 */
function createAwsClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  const forcePathStyle = env.AWS_S3_FORCE_PATH_STYLE?.trim().toLowerCase() === 'true';
  return {
    bedrock: new BedrockClient({}),
    s3: new S3Client(forcePathStyle ? { forcePathStyle } : {}),
    sfn: new SFNClient({}),
  };
}

export type { AwsClients };
export { createAwsClients };
