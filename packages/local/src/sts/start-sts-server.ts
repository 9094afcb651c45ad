/**
 * A local AWS STS endpoint for `AssumeRole`, the one STS call the handlers make (the on-demand
 * function assumes the invoker role with a session policy). It speaks the Query protocol the SDK
 * uses for STS (a form-encoded POST, an XML answer), checks the parameters as the service model
 * does, and remembers each session's policy so that tests can check what a call was allowed.
 *
 * Written here: no maintained library serves STS on loopback without Docker. It enforces no IAM:
 * the sessions it hands out are only recorded, and the Bedrock emulator records which session
 * signed each call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { attachClock } from '../http/attach-clock.js';

/** One session `AssumeRole` handed out. */
interface StsSession {
  /** The session's access key id (`ASIA...`); the Bedrock emulator records it per call. */
  readonly accessKeyId: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** The session policy, parsed; `undefined` when the call passed none. */
  readonly policy?: unknown;
  readonly durationSeconds: number;
  /** Epoch milliseconds, on the runtime's clock. */
  readonly expiration: number;
}

/** A running local STS endpoint, see {@link startStsServer}. */
interface StsServer {
  /** `http://127.0.0.1:<port>`: set it as `AWS_ENDPOINT_URL_STS`. */
  readonly endpoint: string;
  /** Every session handed out, in order. */
  readonly sessions: readonly StsSession[];
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Options of {@link startStsServer}. */
interface StsServerOptions {
  /** The clock session expirations are computed on. */
  readonly clock: Clock;
  /** The account of the assumed-role ARNs. @default the role ARN's account */
  readonly accountId?: string;
}

/** `AssumeRole`'s constraints, from the STS service model. */
const ROLE_ARN_LENGTH = { min: 20, max: 2048 };
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const DURATION = { min: 900, max: 43_200 };
const POLICY_LENGTH = { min: 1, max: 2048 };
const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

class StsError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

function send(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

function sendError(response: ServerResponse, error: StsError): void {
  send(
    response,
    400,
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function accessKeyId(): string {
  return `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** Checks `AssumeRole`'s parameters and records the session. */
function assumeRole(form: URLSearchParams, clock: Clock): StsSession {
  const roleArn = form.get('RoleArn') ?? '';
  const match = ROLE_ARN.exec(roleArn);
  if (roleArn.length < ROLE_ARN_LENGTH.min || roleArn.length > ROLE_ARN_LENGTH.max || !match) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: must be a role ARN of ${ROLE_ARN_LENGTH.min} to ${ROLE_ARN_LENGTH.max} characters`,
    );
  }
  const roleSessionName = form.get('RoleSessionName') ?? '';
  if (!SESSION_NAME.test(roleSessionName)) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${roleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2 to 64`,
    );
  }
  const durationText = form.get('DurationSeconds');
  const durationSeconds = durationText === null ? 3600 : Number(durationText);
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < DURATION.min ||
    durationSeconds > DURATION.max
  ) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${DURATION.min} and ${DURATION.max}`,
    );
  }
  const policyText = form.get('Policy');
  let policy: unknown;
  if (policyText !== null) {
    if (policyText.length < POLICY_LENGTH.min || policyText.length > POLICY_LENGTH.max) {
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length between ${POLICY_LENGTH.min} and ${POLICY_LENGTH.max}`,
      );
    }
    try {
      policy = JSON.parse(policyText);
    } catch {
      throw new StsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
  return {
    accessKeyId: accessKeyId(),
    roleArn,
    roleSessionName,
    ...(policy === undefined ? {} : { policy }),
    durationSeconds,
    expiration: clock.now() + durationSeconds * 1000,
  };
}

/**
 * Starts a local STS endpoint on 127.0.0.1 (a free port) that answers `AssumeRole`.
 *
 * @param options - the clock, and the account
 * @returns the endpoint, the sessions handed out, and `stop`
 *
 * @example
 * ```ts
 * const sts = await startStsServer({ clock });
 * process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
 * // ... new STSClient({}).send(new AssumeRoleCommand({ ... }))
 * console.log(sts.sessions[0]?.policy);
 * await sts.stop();
 * ```
 */
async function startStsServer(options: StsServerOptions): Promise<StsServer> {
  const sessions: StsSession[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const form = await readForm(request);
      const action = form.get('Action');
      if (request.method !== 'POST' || action !== 'AssumeRole') {
        sendError(
          response,
          new StsError('InvalidAction', `Could not find operation ${action ?? request.method}`),
        );
        return;
      }
      try {
        const session = assumeRole(form, options.clock);
        sessions.push(session);
        const [, account, roleName] = ROLE_ARN.exec(session.roleArn) as unknown as [
          string,
          string,
          string,
        ];
        const partition = session.roleArn.split(':')[1];
        const roleId = `AROA${randomBytes(8).toString('hex').toUpperCase()}`;
        send(
          response,
          200,
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey><SessionToken>${randomBytes(48).toString('base64')}</SessionToken><Expiration>${new Date(session.expiration).toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${roleId}:${escapeXml(session.roleSessionName)}</AssumedRoleId><Arn>arn:${partition}:sts::${options.accountId ?? account}:assumed-role/${escapeXml(roleName)}/${escapeXml(session.roleSessionName)}</Arn></AssumedRoleUser><PackedPolicySize>${session.policy === undefined ? 0 : 6}</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
      } catch (error) {
        if (error instanceof StsError) sendError(response, error);
        else {
          response.writeHead(500);
          response.end();
        }
      }
    })();
  });
  attachClock(server, options.clock);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sessions,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export type { StsServer, StsServerOptions, StsSession };
export { startStsServer };
