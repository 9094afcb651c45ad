import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TargetName } from './smoke-args.js';

/** The AWS SDK clients the smoke test reaches the deployed stack with. */
interface SmokeClients {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly bedrock: BedrockClient;
}

/** A deployed smoke stack: its outputs, clients that reach it, and how to wait between polls. */
interface SmokeDeployment {
  readonly bucketName: string;
  readonly stateMachineArn: string;
  readonly clients: SmokeClients;
  /** Waits between two polls: real time on AWS, the runtime's virtual time locally. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Where the smoke stack runs: `deploy` makes it (AWS: `cdk deploy`; local: synthesize and load
 * into the local runtime), `destroy` removes everything `deploy` made, also after a failed or
 * partial deploy, and does nothing when `deploy` never ran.
 */
interface SmokeTarget {
  readonly name: TargetName;
  deploy(): Promise<SmokeDeployment>;
  destroy(): Promise<void>;
}

export type { SmokeClients, SmokeDeployment, SmokeTarget };
