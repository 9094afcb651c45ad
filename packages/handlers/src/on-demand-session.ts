/**
 * The session policy of the on-demand calls: the on-demand function assumes the construct's
 * invoker role for each call of its loop, with a session policy that allows `bedrock:InvokeModel`
 * (which also authorizes `Converse`) on the execution's model only. The role itself may invoke
 * every model the fragment's Bedrock service role may; IAM is fixed at deploy time, and a session
 * policy is how AWS narrows a role to one request's resource (the effective permissions are the
 * intersection of the role's policies and the session policy).
 *
 * Written here: no maintained library maps a Bedrock model id to the ARNs the Service
 * Authorization Reference authorizes `InvokeModel` against.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { InvalidInputError } from './errors.js';

/** Where the function runs: the partition, Region and account of its ARN. */
interface AwsScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** One statement of an IAM policy document. */
interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string;
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/** An IAM policy document. */
interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/**
 * The prefixes of system-defined (cross-Region) inference profile ids: the geography the
 * profile routes within. Assumption: Bedrock adds geographies with this `<geo>.` form, and no
 * model provider is named like one of them.
 */
const PROFILE_GEOGRAPHIES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];

const ARN = /^arn:([^:]+):bedrock:([^:]*):([^:]*):([a-z-]+)\/(.+)$/;
const FUNCTION_ARN = /^arn:([^:]+):lambda:([^:]+):(\d{12}):function:/;

const INVOKE = 'bedrock:InvokeModel';

/**
 * The partition, Region and account of a Lambda function's ARN (a Lambda context's
 * `invokedFunctionArn`).
 *
 * @param functionArn - the function's ARN, qualified or not
 * @returns the scope
 * @throws InvalidInputError when `functionArn` is not a Lambda function ARN
 *
 * @example
 * ```ts
 * awsScopeOf('arn:aws:lambda:us-east-1:123456789012:function:on-demand');
 * // { partition: 'aws', region: 'us-east-1', accountId: '123456789012' }
 * ```
 */
function awsScopeOf(functionArn: string): AwsScope {
  const match = FUNCTION_ARN.exec(functionArn);
  if (match === null) {
    throw new InvalidInputError(
      `invokedFunctionArn: not a Lambda function ARN (received: ${JSON.stringify(functionArn)})`,
    );
  }
  const [, partition, region, accountId] = match as unknown as [string, string, string, string];
  return { partition, region, accountId };
}

/** The foundation models an inference profile routes to, only through that profile. */
function throughProfile(partition: string, profileArn: string, modelId: string): PolicyStatement {
  return {
    Sid: 'FoundationModelsThroughTheProfile',
    Effect: 'Allow',
    Action: INVOKE,
    Resource: `arn:${partition}:bedrock:*::foundation-model/${modelId}`,
    Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
  };
}

function only(resource: string): PolicyStatement {
  return { Sid: 'TheExecutionModel', Effect: 'Allow', Action: INVOKE, Resource: resource };
}

/**
 * The session policy that lets on-demand calls invoke the execution's model and nothing else,
 * with the resources the Service Authorization Reference authorizes `bedrock:InvokeModel`
 * against for that kind of model:
 *
 * | `modelId` | allowed |
 * |---|---|
 * | foundation model id (`anthropic.claude-3-haiku-20240307-v1:0`) | that `foundation-model` in the function's Region |
 * | system inference profile id (`us.amazon.nova-pro-v1:0`) | that `inference-profile` in the function's Region and account, and its foundation model in any Region, only through the profile (`bedrock:InferenceProfileArn`) |
 * | `inference-profile` ARN | the same, for the profile of the ARN |
 * | `application-inference-profile` ARN | the profile, and any foundation model only through it (the ARN does not name the model) |
 * | another ARN (`foundation-model`, `provisioned-model`, `imported-model`, `custom-model-deployment`, ...) | that ARN |
 * | any other id | that `provisioned-model` in the function's Region and account |
 *
 * @param modelId - the execution's `model_id`
 * @param scope - the function's partition, Region and account
 * @returns the policy document, for `AssumeRole`'s `Policy`
 *
 * @example
 * ```ts
 * const policy = onDemandSessionPolicy('us.amazon.nova-pro-v1:0', awsScopeOf(context.invokedFunctionArn));
 * ```
 */
function onDemandSessionPolicy(modelId: string, scope: AwsScope): PolicyDocument {
  const { partition, region, accountId } = scope;
  const here = `arn:${partition}:bedrock:${region}:${accountId}`;
  const arn = ARN.exec(modelId);
  let statements: PolicyStatement[];
  if (arn !== null) {
    const [, arnPartition, , , type, id] = arn as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (type === 'inference-profile') {
      statements = [only(modelId), throughProfile(arnPartition, modelId, baseModelOf(id))];
    } else if (type === 'application-inference-profile') {
      statements = [only(modelId), throughProfile(arnPartition, modelId, '*')];
    } else {
      statements = [only(modelId)];
    }
  } else if (PROFILE_GEOGRAPHIES.some((geo) => modelId.startsWith(`${geo}.`))) {
    const profileArn = `${here}:inference-profile/${modelId}`;
    statements = [only(profileArn), throughProfile(partition, profileArn, baseModelOf(modelId))];
  } else if (modelId.includes('.')) {
    statements = [only(`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`)];
  } else {
    statements = [only(`${here}:provisioned-model/${modelId}`)];
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The foundation model id of a system inference profile id (`us.amazon.nova-pro-v1:0`). */
function baseModelOf(profileId: string): string {
  return profileId.slice(profileId.indexOf('.') + 1);
}

/** Temporary credentials of an assumed session. */
interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/**
 * Assumes the on-demand invoker role for one call of the on-demand loop, narrowed to the
 * execution's model by {@link onDemandSessionPolicy}.
 *
 * @param sts - the STS client (of the function's own credentials)
 * @param options - the role, the model, the function's scope, a session name and how long the
 *   session lasts (900 to 3,600 seconds; the role's maximum is 1 hour)
 * @returns the session's credentials
 *
 * @example
 * ```ts
 * const credentials = await assumeOnDemandSession(new STSClient({}), {
 *   roleArn: process.env.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN,
 *   modelId: payload.modelId,
 *   scope: awsScopeOf(context.invokedFunctionArn),
 *   sessionName: context.awsRequestId,
 *   durationSeconds: 900,
 * });
 * ```
 */
async function assumeOnDemandSession(
  sts: STSClient,
  options: {
    readonly roleArn: string;
    readonly modelId: string;
    readonly scope: AwsScope;
    readonly sessionName: string;
    readonly durationSeconds: number;
  },
): Promise<SessionCredentials> {
  const response = await sts.send(
    new AssumeRoleCommand({
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
      Policy: JSON.stringify(onDemandSessionPolicy(options.modelId, options.scope)),
      DurationSeconds: options.durationSeconds,
    }),
  );
  const credentials = response.Credentials;
  if (
    credentials?.AccessKeyId === undefined ||
    credentials.SecretAccessKey === undefined ||
    credentials.SessionToken === undefined
  ) {
    throw new Error(`AssumeRole of ${options.roleArn} returned no credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
  };
}

export type { AwsScope, PolicyDocument, PolicyStatement, SessionCredentials };
export { assumeOnDemandSession, awsScopeOf, onDemandSessionPolicy };
