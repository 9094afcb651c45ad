import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aws_lambda as lambda } from 'aws-cdk-lib';
import { HandlerBundleNotFoundError } from './errors.js';

/** The prebuilt bundles of `@bedrock-batch/handlers` this package ships, one folder each. */
type HandlerBundleName =
  | 'create-job'
  | 'job-event'
  | 'reconcile'
  | 'prepare-dataset'
  | 'collect-results'
  | 'on-demand';

/** Lambda `handler` setting of every bundle: `index.mjs` exports `handler`. */
const BUNDLE_HANDLER = 'index.handler';

/**
 * Folder of this package: the compiled code runs from `dist/` (CommonJS, so `__dirname` is the
 * folder of this file), and the bundles are copied into `dist/lambda/<name>` at build.
 */
function constructPackageDirectory(): string {
  return join(__dirname, '..');
}

/**
 * The folder that holds one prebuilt handler bundle, checked to contain its `index.mjs`.
 *
 * @param name - which bundle
 * @param packageDirectory - the folder whose `dist/lambda` holds the bundles (tests pass another)
 * @throws HandlerBundleNotFoundError naming the missing file
 *
 * @example
 * ```ts
 * const dir = handlerBundleDirectory('create-job');
 * ```
 */
function handlerBundleDirectory(
  name: HandlerBundleName,
  packageDirectory: string = constructPackageDirectory(),
): string {
  const directory = join(packageDirectory, 'dist', 'lambda', name);
  const entry = join(directory, 'index.mjs');
  if (!existsSync(entry)) throw new HandlerBundleNotFoundError(entry);
  return directory;
}

/**
 * Lambda code for one prebuilt handler bundle: an asset of its folder (the bundle alone; its
 * source maps are not shipped), no Docker and no bundling at synth.
 *
 * @param name - which bundle
 * @throws HandlerBundleNotFoundError when the bundle was not built
 *
 * @example
 * ```ts
 * new lambda.Function(this, 'Fn', { code: handlerCode('reconcile'), handler: BUNDLE_HANDLER, ... });
 * ```
 */
function handlerCode(name: HandlerBundleName): lambda.Code {
  return lambda.Code.fromAsset(handlerBundleDirectory(name));
}

export type { HandlerBundleName };
export { BUNDLE_HANDLER, constructPackageDirectory, handlerBundleDirectory, handlerCode };
