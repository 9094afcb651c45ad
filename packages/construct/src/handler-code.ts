import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { aws_lambda as lambda } from 'aws-cdk-lib';
import { HandlerBundleNotFoundError } from './errors.js';

/** The prebuilt bundles `@bedrock-batch/handlers` ships, one folder each. */
type HandlerBundleName = 'create-job' | 'job-event' | 'reconcile';

/** Lambda `handler` setting of every bundle: `index.mjs` exports `handler`. */
const BUNDLE_HANDLER = 'index.handler';

/** Folder of the installed `@bedrock-batch/handlers` package. */
function handlersPackageDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@bedrock-batch/handlers/package.json'));
}

/**
 * The folder that holds one prebuilt handler bundle, checked to contain its `index.mjs`.
 *
 * @param name - which bundle
 * @param packageDirectory - the handlers package folder (tests pass another one)
 * @throws HandlerBundleNotFoundError naming the missing file
 *
 * @example
 * ```ts
 * const dir = handlerBundleDirectory('create-job');
 * ```
 */
function handlerBundleDirectory(
  name: HandlerBundleName,
  packageDirectory: string = handlersPackageDirectory(),
): string {
  const directory = join(packageDirectory, 'dist', 'lambda', name);
  const entry = join(directory, 'index.mjs');
  if (!existsSync(entry)) throw new HandlerBundleNotFoundError(entry);
  return directory;
}

/**
 * Files of a bundle folder left out of the deployed asset: the source maps (about 3 MB each)
 * serve debugging of the package, not the function.
 */
const BUNDLE_ASSET_EXCLUDES: readonly string[] = ['*.map'];

/**
 * Lambda code for one prebuilt handler bundle: an asset of its folder without its source maps,
 * no Docker and no bundling at synth.
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
  return lambda.Code.fromAsset(handlerBundleDirectory(name), {
    exclude: [...BUNDLE_ASSET_EXCLUDES],
  });
}

export type { HandlerBundleName };
export {
  BUNDLE_ASSET_EXCLUDES,
  BUNDLE_HANDLER,
  handlerBundleDirectory,
  handlerCode,
  handlersPackageDirectory,
};
