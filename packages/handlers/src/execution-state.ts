import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/**
 * What Step Functions says about an execution: its `status` (`RUNNING`, `SUCCEEDED`, `FAILED`,
 * `TIMED_OUT`, `ABORTED`, `PENDING_REDRIVE`, or a status added later), or `DOES_NOT_EXIST` when
 * it answers `ExecutionDoesNotExist` or `InvalidArn`.
 */
type ExecutionState = string;

/** The state {@link describeExecutionState} returns for an execution Step Functions does not know. */
const EXECUTION_DOES_NOT_EXIST = 'DOES_NOT_EXIST';

/**
 * Statuses of an execution that may still claim a job: `RUNNING`, and `PENDING_REDRIVE` (a
 * redrive was accepted and restarts the failed iterations, whose retried create-job replays the
 * same job).
 */
const LIVE_EXECUTION_STATUSES: ReadonlySet<string> = new Set(['RUNNING', 'PENDING_REDRIVE']);

/** Answers meaning that no execution has this ARN (`InvalidArn`: a tag that is not one). */
const NO_SUCH_EXECUTION_ERRORS: ReadonlySet<string> = new Set([
  'ExecutionDoesNotExist',
  'InvalidArn',
]);

/**
 * Asks Step Functions (`DescribeExecution`) for the status of an execution. An execution it
 * does not know (`ExecutionDoesNotExist`: deleted, expired from history, or never there; or
 * `InvalidArn`: the value is no execution ARN) gives {@link EXECUTION_DOES_NOT_EXIST}. Every
 * other error (throttling, access denied, ...) is thrown unchanged, so the caller decides
 * nothing on a guess.
 *
 * @param sfn - the Step Functions client
 * @param executionArn - the execution's ARN (the job's `bedrock-batch:execution-arn` tag)
 * @returns the execution's status, or `DOES_NOT_EXIST`
 *
 * @example
 * ```ts
 * const state = await describeExecutionState(clients.sfn, executionArn);
 * if (isLiveExecutionState(state)) return; // a retried task may still claim the job
 * ```
 */
async function describeExecutionState(
  sfn: SFNClient,
  executionArn: string,
): Promise<ExecutionState> {
  try {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status ?? 'UNKNOWN';
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && NO_SUCH_EXECUTION_ERRORS.has(name)) {
      return EXECUTION_DOES_NOT_EXIST;
    }
    throw error;
  }
}

/**
 * Whether an execution in this state may still claim its jobs (`RUNNING`, `PENDING_REDRIVE`).
 *
 * @example
 * ```ts
 * isLiveExecutionState('RUNNING'); // true
 * isLiveExecutionState('ABORTED'); // false
 * ```
 */
function isLiveExecutionState(state: ExecutionState): boolean {
  return LIVE_EXECUTION_STATUSES.has(state);
}

export type { ExecutionState };
export { describeExecutionState, EXECUTION_DOES_NOT_EXIST, isLiveExecutionState };
