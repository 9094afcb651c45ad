import type { S3Client } from '@aws-sdk/client-s3';
import {
  type BatchQuotas,
  isTerminalJobStatus,
  JobStatus,
  type JobStatusValue,
} from '@bedrock-batch/schema';
import type { Clock, ClockTimer } from '../clock.js';
import {
  type EmulatorFaults,
  type ForcedJobOutcome,
  pickRecordError,
  recordErrorKinds,
} from './faults.js';
import { type JobInput, readJobInput } from './input-reader.js';
import type { JobRecord } from './job.js';
import { modelFamilyOf } from './models.js';
import { writeJobOutput } from './output-writer.js';
import { createRandom, hashString, type Random } from './random.js';
import { type RecordResult, type Responder, respond } from './responses.js';
import { ServiceException } from './service-exceptions.js';

/**
 * How long a job stays in each phase, in virtual milliseconds of the emulator's clock. Zero is
 * allowed (the job moves on as soon as its work is done).
 */
interface PhaseDurations {
  /** Time in `Submitted`. @default 30000 */
  readonly submitted: number;
  /** Time in `Validating` (at least the time to read the input). @default 120000 */
  readonly validating: number;
  /** Time in `Scheduled`. @default 300000 */
  readonly scheduled: number;
  /** Time in `InProgress` (counters move in steps across it). @default 1200000 */
  readonly inProgress: number;
  /** Time in `Stopping` after StopModelInvocationJob. @default 60000 */
  readonly stopping: number;
}

/** What the runner needs from the emulator. */
interface JobRunnerContext {
  readonly clock: Clock;
  readonly s3: S3Client;
  readonly faults: EmulatorFaults;
  readonly seed: number;
  readonly phaseDurations: PhaseDurations;
  readonly progressSteps: number;
  readonly responder: Responder;
  quotasFor(modelId: string): BatchQuotas;
  /** Called after every status change. */
  onStatusChange(job: JobRecord): void;
}

interface JobRun {
  readonly job: JobRecord;
  /** Bumped when a stop or an expiry overrides the normal flow; stale callbacks compare it. */
  epoch: number;
  phaseTimer?: ClockTimer;
  expiryTimer?: ClockTimer;
  input?: JobInput;
  lines: string[][];
  processed: number;
  random: Random;
  forced?: { outcome: ForcedJobOutcome; message?: string };
  forcedErrorsFrom: number;
}

const HOUR_MS = 3_600_000;

/**
 * Moves jobs through their statuses on the clock: Submitted, Validating (reads and checks the
 * input), Scheduled, InProgress (runs the records in steps, counters move), then Completed,
 * PartiallyCompleted or Failed; Stopping and Stopped on request; Expired after the timeout.
 */
class JobRunner {
  private readonly runs = new Map<string, JobRun>();

  public constructor(private readonly ctx: JobRunnerContext) {}

  /** Starts a newly created job (already in `Submitted`). */
  public start(job: JobRecord): void {
    const run: JobRun = {
      job,
      epoch: 0,
      lines: [],
      processed: 0,
      random: createRandom(hashString(`${this.ctx.seed}:${job.seq}:records`)),
      forcedErrorsFrom: Number.POSITIVE_INFINITY,
    };
    this.runs.set(job.jobId, run);
    this.ctx.onStatusChange(job);
    run.expiryTimer = this.ctx.clock.setTimer(job.timeoutDurationInHours * HOUR_MS, () =>
      this.expire(run),
    );
    this.after(run, this.ctx.phaseDurations.submitted, () => this.validate(run));
  }

  /**
   * Handles StopModelInvocationJob: a running job goes to `Stopping`, then `Stopped`; stopping a
   * job already stopping does nothing.
   *
   * @throws EmulatedServiceError ConflictException when the job already ended
   */
  public stop(jobId: string): void {
    const run = this.runs.get(jobId);
    if (run === undefined) return;
    const { job } = run;
    if (job.status === JobStatus.Stopping) return;
    if (isTerminalJobStatus(job.status)) {
      throw ServiceException.conflict(
        `The batch inference job ${job.jobArn} is ${job.status} and can no longer be stopped.`,
      );
    }
    run.epoch++;
    run.phaseTimer?.cancel();
    this.setStatus(run, JobStatus.Stopping);
    const epoch = run.epoch;
    run.phaseTimer = this.ctx.clock.setTimer(this.ctx.phaseDurations.stopping, () => {
      if (run.epoch !== epoch) return;
      void this.ctx.clock.track(this.finishStop(run, epoch));
    });
  }

  /** Cancels every timer; jobs stay in their current status. */
  public dispose(): void {
    for (const run of this.runs.values()) {
      run.epoch++;
      run.phaseTimer?.cancel();
      run.expiryTimer?.cancel();
    }
  }

  private after(run: JobRun, delayMs: number, next: () => void): void {
    const epoch = run.epoch;
    run.phaseTimer = this.ctx.clock.setTimer(delayMs, () => {
      if (run.epoch === epoch) next();
    });
  }

  private setStatus(run: JobRun, status: JobStatusValue, message?: string): void {
    const { job } = run;
    const now = this.ctx.clock.now();
    job.status = status;
    job.lastModifiedTime = now;
    job.statusHistory.push(status);
    if (message !== undefined) job.message = message;
    if (isTerminalJobStatus(status)) {
      job.endTime = now;
      run.phaseTimer?.cancel();
      run.expiryTimer?.cancel();
      run.input = undefined;
    }
    this.ctx.onStatusChange(job);
  }

  private validate(run: JobRun): void {
    this.setStatus(run, JobStatus.Validating);
    const epoch = run.epoch;
    const { job } = run;
    let timerDone = false;
    let result: Awaited<ReturnType<typeof readJobInput>> | undefined;
    const proceed = (): void => {
      if (run.epoch !== epoch || !timerDone || result === undefined) return;
      if (!result.ok) {
        this.setStatus(run, JobStatus.Failed, result.message);
        return;
      }
      run.input = result.input;
      run.lines = result.input.files.map(() => []);
      job.totalRecordCount = result.input.records.length;
      job.processedRecordCount = 0;
      job.successRecordCount = 0;
      job.errorRecordCount = 0;
      this.setStatus(run, JobStatus.Scheduled);
      this.after(run, this.ctx.phaseDurations.scheduled, () => this.runRecords(run));
    };
    const quotas = this.ctx.quotasFor(job.modelId);
    void this.ctx.clock.track(
      readJobInput(this.ctx.s3, job.inputDataConfig.s3InputDataConfig.s3Uri, quotas).then((r) => {
        result = r;
        proceed();
      }),
    );
    this.after(run, this.ctx.phaseDurations.validating, () => {
      timerDone = true;
      proceed();
    });
  }

  private pickForcedOutcome(run: JobRun): void {
    const { job } = run;
    const faults = this.ctx.faults.jobOutcomes;
    for (const fault of faults) {
      if (fault.remaining !== undefined && fault.remaining <= 0) continue;
      if (fault.modelId !== undefined && fault.modelId !== job.modelId) continue;
      if (fault.jobName !== undefined) {
        const matches =
          typeof fault.jobName === 'string'
            ? job.jobName.includes(fault.jobName)
            : fault.jobName.test(job.jobName);
        if (!matches) continue;
      }
      if (fault.remaining !== undefined) fault.remaining--;
      run.forced = {
        outcome: fault.outcome,
        ...(fault.message !== undefined ? { message: fault.message } : {}),
      };
      job.forcedOutcome = fault.outcome;
      if (fault.outcome === 'PartiallyCompleted') {
        const total = job.totalRecordCount ?? 0;
        run.forcedErrorsFrom = total - Math.max(1, Math.ceil(total / 10));
      }
      return;
    }
  }

  private runRecords(run: JobRun): void {
    this.setStatus(run, JobStatus.InProgress);
    this.pickForcedOutcome(run);
    const duration = this.ctx.phaseDurations.inProgress;
    const steps = duration > 0 ? this.ctx.progressSteps : 1;
    const total = run.job.totalRecordCount ?? 0;
    const step = (index: number): void => {
      this.processUpTo(run, Math.floor((total * index) / steps));
      if (index < steps) this.after(run, duration / steps, () => step(index + 1));
      else this.finish(run);
    };
    this.after(run, duration / steps, () => step(1));
  }

  private processUpTo(run: JobRun, end: number): void {
    const { job, input } = run;
    if (input === undefined) return;
    const errorKinds = recordErrorKinds(this.ctx.faults);
    const family = modelFamilyOf(job.modelId);
    const modelInvocationType = job.modelInvocationType ?? 'InvokeModel';
    let success = job.successRecordCount ?? 0;
    let errors = job.errorRecordCount ?? 0;
    for (let i = run.processed; i < end; i++) {
      const record = input.records[i];
      if (record === undefined) break;
      const injected =
        pickRecordError(errorKinds, run.random()) ??
        (i >= run.forcedErrorsFrom ? this.ctx.faults.recordError : undefined);
      const result: RecordResult = injected
        ? { ok: false, errorCode: injected.errorCode, errorMessage: injected.errorMessage }
        : respond(
            {
              recordId: record.recordId,
              modelInput: record.modelInput,
              modelId: job.modelId,
              family,
              modelInvocationType,
              jobName: job.jobName,
            },
            this.ctx.responder,
          );
      let line: string;
      if (result.ok) {
        success++;
        job.inputTokenCount += result.inputTokens;
        job.outputTokenCount += result.outputTokens;
        line = JSON.stringify({
          recordId: record.recordId,
          modelInput: record.modelInput,
          modelOutput: result.modelOutput,
        });
      } else {
        errors++;
        line = JSON.stringify({
          recordId: record.recordId,
          modelInput: record.modelInput,
          error: { errorCode: result.errorCode, errorMessage: result.errorMessage },
        });
      }
      (run.lines[record.fileIndex] as string[]).push(line);
    }
    run.processed = Math.max(run.processed, Math.min(end, input.records.length));
    job.processedRecordCount = run.processed;
    job.successRecordCount = success;
    job.errorRecordCount = errors;
    job.lastModifiedTime = this.ctx.clock.now();
  }

  private finish(run: JobRun): void {
    const { job } = run;
    const forced = run.forced;
    if (forced?.outcome === 'Failed') {
      this.setStatus(
        run,
        JobStatus.Failed,
        forced.message ?? 'Internal server error. Please retry the job.',
      );
      return;
    }
    if (forced?.outcome === 'Expired') {
      this.setStatus(run, JobStatus.Expired, forced.message ?? this.expiryMessage(job));
      return;
    }
    const epoch = run.epoch;
    void this.ctx.clock.track(
      this.write(run, true).then((failure) => {
        if (run.epoch !== epoch) return;
        if (failure !== undefined) this.setStatus(run, JobStatus.Failed, failure);
        else
          this.setStatus(
            run,
            (job.errorRecordCount ?? 0) > 0 ? JobStatus.PartiallyCompleted : JobStatus.Completed,
          );
      }),
    );
  }

  private async finishStop(run: JobRun, epoch: number): Promise<void> {
    const failure = run.processed > 0 ? await this.write(run, false) : undefined;
    if (run.epoch !== epoch) return;
    this.setStatus(run, JobStatus.Stopped, failure ?? 'The job was stopped by a user.');
  }

  private expiryMessage(job: JobRecord): string {
    return `The job did not complete within its timeout of ${job.timeoutDurationInHours} hours and has expired.`;
  }

  private expire(run: JobRun): void {
    const { job } = run;
    if (isTerminalJobStatus(job.status) || job.status === JobStatus.Stopping) return;
    run.epoch++;
    this.setStatus(run, JobStatus.Expired, this.expiryMessage(job));
  }

  /** Writes the output; returns a failure message, or undefined when written. */
  private async write(run: JobRun, complete: boolean): Promise<string | undefined> {
    const { job, input } = run;
    if (input === undefined) return undefined;
    try {
      const uris = await writeJobOutput(this.ctx.s3, {
        jobId: job.jobId,
        outputUri: job.outputDataConfig.s3OutputDataConfig.s3Uri,
        files: input.files,
        lines: run.lines,
        manifest: {
          totalRecordCount: job.totalRecordCount ?? 0,
          processedRecordCount: job.processedRecordCount ?? 0,
          successRecordCount: job.successRecordCount ?? 0,
          errorRecordCount: job.errorRecordCount ?? 0,
          inputTokenCount: job.inputTokenCount,
          outputTokenCount: job.outputTokenCount,
        },
        shuffleSeed: hashString(`${this.ctx.seed}:${job.seq}:shuffle`),
        writeEmptyFiles: complete,
      });
      job.outputUris = uris;
      return undefined;
    } catch (error) {
      const e = error as Error;
      return `Unable to write the output to ${job.outputDataConfig.s3OutputDataConfig.s3Uri}: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
    }
  }
}

export type { JobRunnerContext, PhaseDurations };
export { JobRunner };
