import { SmokeRefusedError } from './errors.js';

/** Options of {@link confirmDeploy}. */
interface ConfirmDeployOptions {
  /** `--yes`: deploy without asking. */
  readonly yes: boolean;
  /** Whether there is a terminal to ask on (standard input and output are TTYs). */
  readonly interactive: boolean;
  /** The question, e.g. "Deploy BedrockBatchSmoke to us-east-1? [y/N] ". */
  readonly question: string;
  /** Asks the question on the terminal and resolves to the answer typed. */
  readonly ask: (question: string) => Promise<string>;
}

/**
 * Decides whether the smoke test may deploy to AWS: yes with `--yes`; otherwise it asks on the
 * terminal, and only `y` or `yes` (any case) says yes.
 *
 * @throws SmokeRefusedError without `--yes` and without a terminal to ask on
 *
 * @example
 * ```ts
 * if (!(await confirmDeploy({ yes: args.yes, interactive: process.stdin.isTTY, question, ask }))) return 1;
 * ```
 */
async function confirmDeploy(options: ConfirmDeployOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!options.interactive) {
    throw new SmokeRefusedError(
      'Refusing to deploy to AWS without confirmation: there is no terminal to ask on. Run it on a terminal, or pass --yes.',
    );
  }
  const answer = await options.ask(options.question);
  return /^y(es)?$/i.test(answer.trim());
}

export type { ConfirmDeployOptions };
export { confirmDeploy };
