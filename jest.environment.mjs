/**
 * The test environment of every package: jest's node environment, with a temporary folder of its
 * own for each test file. Tests, the libraries they call (a CDK `App` without `outdir` synthesizes
 * into `mkdtemp(os.tmpdir()/cdk.out…)`) and the processes they start (tsx, the cdk CLI) create
 * folders under the OS temporary directory. TMPDIR points at the file's folder while it runs and
 * the folder is removed after its last hook, so a test run leaves nothing there, even when a test
 * fails before its own clean-up.
 *
 * An environment, not a setup file: a test file's `process.env` is a copy, so a setup file that
 * changed TMPDIR would reach neither `os.tmpdir()` nor the child processes tests start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestEnvironment } from 'jest-environment-node';

export default class TempDirEnvironment extends TestEnvironment {
  /** The test file's temporary folder, until it is removed. */
  #directory;
  /** TMPDIR before the test file ran. */
  #previousTmpdir;

  async setup() {
    await super.setup();
    this.#previousTmpdir = process.env.TMPDIR;
    this.#directory = mkdtempSync(join(tmpdir(), 'jest-test-'));
    process.env.TMPDIR = this.#directory;
    this.global.process.env.TMPDIR = this.#directory;
  }

  /** After the file's last hook; a failed removal fails the file next to its tests' results. */
  handleTestEvent(event, state) {
    if (event.name !== 'run_finish') return;
    try {
      this.#removeDirectory();
    } catch (error) {
      state.unhandledErrors.push(error);
    }
  }

  /**
   * Removes the folder when the file's tests never finished (it failed to load, say). The file has
   * failed already: its error is the one to report, so a removal error is printed, not thrown.
   */
  async teardown() {
    try {
      this.#removeDirectory();
    } catch (error) {
      process.stderr.write(`jest.environment.mjs: ${error.stack ?? error}\n`);
    } finally {
      await super.teardown();
    }
  }

  /** Restores TMPDIR and removes the folder (once; a folder already gone is fine). */
  #removeDirectory() {
    const directory = this.#directory;
    if (directory === undefined) return;
    this.#directory = undefined;
    if (this.#previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.#previousTmpdir;
    rmSync(directory, { recursive: true, force: true, maxRetries: 3 });
  }
}
