import { parseArgs } from 'node:util';
import { SmokeUsageError } from './errors.js';

/** Where the smoke test runs: the local runtime, or the AWS account of the environment. */
type TargetName = 'local' | 'aws';

/** The smoke test's command line, parsed. */
interface SmokeArgs {
  readonly target: TargetName;
  /** Whether `--target` was given, or the environment chose. */
  readonly targetFrom: 'argument' | 'environment';
  /** Deploy to AWS without asking. */
  readonly yes: boolean;
  readonly help: boolean;
}

/**
 * Environment variables any one of which means the AWS SDK and the CDK CLI have credentials to
 * use: keys, a named profile, a web identity (EKS, GitHub Actions OIDC), a container role (ECS,
 * CodeBuild). A `default` profile in `~/.aws` is not looked at.
 */
const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
] as const;

const TARGETS: readonly TargetName[] = ['local', 'aws'];

/**
 * The target when `--target` is not given: `aws` when any of {@link AWS_CREDENTIAL_VARIABLES} is
 * set to a non-empty value, `local` otherwise.
 *
 * @example
 * ```ts
 * defaultTarget({ AWS_PROFILE: 'sandbox' }); // 'aws'
 * defaultTarget({}); // 'local'
 * ```
 */
function defaultTarget(env: Readonly<Record<string, string | undefined>>): TargetName {
  return AWS_CREDENTIAL_VARIABLES.some((name) => (env[name] ?? '') !== '') ? 'aws' : 'local';
}

/**
 * Parses the smoke test's arguments: `--target local|aws` (default from the environment, see
 * {@link defaultTarget}), `--yes` (`-y`), `--help` (`-h`).
 *
 * @throws SmokeUsageError for an unknown option, a positional argument or an unknown target
 *
 * @example
 * ```ts
 * parseSmokeArgs(['--target', 'aws', '--yes'], process.env);
 * // { target: 'aws', targetFrom: 'argument', yes: true, help: false }
 * ```
 */
function parseSmokeArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SmokeArgs {
  let values: { target?: string; yes?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        target: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new SmokeUsageError(
      `${(error as Error).message}; usage: smoke [--target local|aws] [--yes]`,
      argv,
      { cause: error },
    );
  }
  const target = values.target;
  if (target !== undefined && !TARGETS.includes(target as TargetName)) {
    throw new SmokeUsageError('--target must be local or aws', target);
  }
  return {
    target: (target as TargetName | undefined) ?? defaultTarget(env),
    targetFrom: target === undefined ? 'environment' : 'argument',
    yes: values.yes ?? false,
    help: values.help ?? false,
  };
}

export type { SmokeArgs, TargetName };
export { AWS_CREDENTIAL_VARIABLES, defaultTarget, parseSmokeArgs };
