import type { AnswerMode, DatasetResult, TokenCounts } from '@bedrock-batch/schema';

type ModeCounts = DatasetResult['mode_counts']['batch'];

/** Counters of one answer mode, all zero. */
function emptyModeCounts(): ModeCounts {
  return { records: 0, success: 0, error: 0, input_tokens: 0, output_tokens: 0 };
}

/**
 * The counters of a dataset's result while a round is collected: records by outcome and by how
 * their last attempt was made, and tokens by mode. A retry round starts from the result before
 * it; each retried record's previous line is taken out ({@link DatasetTally.remove}) before its
 * new line is counted in ({@link DatasetTally.add}), so the totals stay one per record.
 *
 * @example
 * ```ts
 * const tally = new DatasetTally(previous);
 * tally.remove(previousLineText);
 * tally.add('on_demand', true);
 * tally.addTokens('on_demand', { input: 120, output: 8 });
 * ```
 */
class DatasetTally {
  /** Records in all, answered and failed. */
  public readonly counts: DatasetResult['record_counts'];
  /** Tokens of every attempt. */
  public readonly tokens: TokenCounts;
  /** The same per mode. */
  public readonly modes: DatasetResult['mode_counts'];

  /** @param previous - the result before this round, or `null` for the first round */
  public constructor(previous: DatasetResult | null) {
    this.counts = { ...(previous?.record_counts ?? { total: 0, success: 0, error: 0 }) };
    this.tokens = { ...(previous?.token_counts ?? { input: 0, output: 0 }) };
    this.modes = {
      batch: { ...(previous?.mode_counts.batch ?? emptyModeCounts()) },
      on_demand: { ...(previous?.mode_counts.on_demand ?? emptyModeCounts()) },
    };
  }

  /** Counts one record's line in. */
  public add(mode: AnswerMode, success: boolean): void {
    const counted = this.modes[mode];
    this.counts.total += 1;
    counted.records += 1;
    if (success) {
      this.counts.success += 1;
      counted.success += 1;
    } else {
      this.counts.error += 1;
      counted.error += 1;
    }
  }

  /**
   * Takes a record's previous line out of the counts (its `mode`, and whether it has a
   * `modelOutput`), before the record's new line is added.
   *
   * @param line - the previous `results.jsonl` line of the record
   */
  public remove(line: string): void {
    const parsed = JSON.parse(line) as { modelOutput?: unknown; mode?: unknown };
    const counted = this.modes[parsed.mode === 'on_demand' ? 'on_demand' : 'batch'];
    this.counts.total -= 1;
    counted.records -= 1;
    if (parsed.modelOutput !== undefined) {
      this.counts.success -= 1;
      counted.success -= 1;
    } else {
      this.counts.error -= 1;
      counted.error -= 1;
    }
  }

  /** Adds the tokens a job or an on-demand run used. */
  public addTokens(mode: AnswerMode, tokens: TokenCounts | undefined): void {
    const input = tokens?.input ?? 0;
    const output = tokens?.output ?? 0;
    this.tokens.input += input;
    this.tokens.output += output;
    this.modes[mode].input_tokens += input;
    this.modes[mode].output_tokens += output;
  }
}

export { DatasetTally };
