import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

/**
 * Synthesizes a CDK app into a new folder under the OS temporary directory and returns the folder
 * (a cloud assembly, as `cdk synth` writes it). The caller removes it; it is removed here when
 * `build` or synthesis throws.
 *
 * @param prefix - start of the folder's name
 * @param build - adds the app's stacks
 *
 * @example
 * ```ts
 * const outdir = synthesizeApp('bedrock-batch-smoke-', (app) => new SmokeStack(app, 'Smoke'));
 * try {
 *   await local.loadApp(outdir);
 * } finally {
 *   rmSync(outdir, { recursive: true, force: true });
 * }
 * ```
 */
function synthesizeApp(prefix: string, build: (app: App) => void): string {
  const outdir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const app = new App({ outdir });
    build(app);
    app.synth();
    return outdir;
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

export { synthesizeApp };
