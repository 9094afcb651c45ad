// Orchestration benchmark: 20 manifests, an emulator quota of 5 jobs per model, equal job
// durations on the virtual clock. Prints the makespan divided by the ideal (4 waves of one job
// duration), and the state transitions and Lambda invocations per job, for two set-ups: the
// fragment's maxConcurrency equal to the quota (as the construct's docs advise), and the default
// maxConcurrency (10), where creates over the quota are retried.
// Run: pnpm --filter @bedrock-batch/examples run bench
import { batchInput, startE2e } from '../tests/helpers/e2e-harness.js';

const MANIFESTS = 20;
const QUOTA = 5;
const PHASES = {
  submitted: 0,
  validating: 0,
  scheduled: 0,
  inProgress: 3_600_000,
  stopping: 60_000,
};
const JOB_MS = PHASES.submitted + PHASES.validating + PHASES.scheduled + PHASES.inProgress;
const IDEAL_MS = Math.ceil(MANIFESTS / QUOTA) * JOB_MS;

async function scenario(label: string, maxConcurrency?: number): Promise<void> {
  const e2e = await startE2e({
    ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
    bedrock: { quotas: { maxJobsInFlightPerModel: QUOTA }, phaseDurations: PHASES },
  });
  try {
    const keys: string[] = [];
    for (let n = 1; n <= MANIFESTS; n += 1) keys.push(await e2e.manifest(n));
    const realStart = performance.now();
    const result = await e2e.run(e2e.start(batchInput(keys)));
    const realMs = performance.now() - realStart;
    if (result.status !== 'SUCCEEDED')
      throw new Error(`execution ${result.status}: ${result.error} ${result.cause}`);
    const makespan = (result.history.at(-1)?.timestamp ?? 0) - (result.history[0]?.timestamp ?? 0);
    const entered = result.history.filter((event) => event.type === 'StateEntered').length;
    const retries = result.history.filter((event) => event.type === 'TaskRetryScheduled').length;
    const byFunction = [...e2e.app.functions.values()].map(
      (fn) =>
        `${fn.name.replace(/^E2e-BedrockBatchSfnShared/, '').replace(/[0-9A-F]{8}$/, '')} ${fn.invocations}`,
    );
    const perJob = [...e2e.app.functions.values()]
      .filter((fn) => !fn.name.includes('Reconcile'))
      .reduce((sum, fn) => sum + fn.invocations, 0);
    const reconcileRuns =
      [...e2e.app.functions.values()].find((fn) => fn.name.includes('Reconcile'))?.invocations ?? 0;
    console.log(`\n${label}`);
    console.log(
      `  jobs created ${e2e.local.bedrock.jobs.size}; quota rejections ${e2e.local.bedrock.calls.filter((c) => c.errorType === 'ServiceQuotaExceededException').length}`,
    );
    console.log(
      `  makespan ${(makespan / 60_000).toFixed(1)} virtual min, ideal ${IDEAL_MS / 60_000}: ratio ${(makespan / IDEAL_MS).toFixed(3)} (target <= 1.10)`,
    );
    console.log(
      `  state transitions per job ${((entered + retries) / MANIFESTS).toFixed(2)} (${entered} states entered + ${retries} retries)`,
    );
    console.log(
      `  Lambda invocations per job ${(perJob / MANIFESTS).toFixed(2)} (create-job + job-event), plus ${reconcileRuns} reconcile runs for the whole stack`,
    );
    console.log(
      `  by function: ${byFunction.join(', ')}; wall time ${(realMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await e2e.stop();
  }
}

console.log(
  `${MANIFESTS} manifests, quota ${QUOTA} jobs per model, jobs of ${JOB_MS / 60_000} virtual minutes`,
);
await scenario(`maxConcurrency ${QUOTA} (= the quota)`, QUOTA);
await scenario('maxConcurrency 10 (the default; creates over the quota are retried)');
