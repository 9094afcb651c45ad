// Helpers of the packed-tarball tests of the packages (schema, handlers): pack with the pinned
// pnpm, unpack into a consumer project, link dependencies from the workspace, run commands.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** What a command printed, and its exit code. */
interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The tarball `pnpm pack` wrote, and the paths of the files in it. */
interface PackedPackage {
  readonly tarball: string;
  readonly files: readonly string[];
}

/** The pnpm the workspace pins (package.json `packageManager`). */
const PNPM = 'pnpm@10.34.9';

/**
 * Node binaries the packed package is loaded with, as `[version, path]`: the one running the
 * tests, plus the paths in `PACKAGE_TEST_NODES` (separated by `:`), e.g.
 * `PACKAGE_TEST_NODES=/usr/bin/node`.
 *
 * @example
 * ```ts
 * it.each(testNodes())('loads on Node %s', async (_version, node) => { ... });
 * ```
 */
function testNodes(): Array<[string, string]> {
  const extra = (process.env.PACKAGE_TEST_NODES ?? '').split(':').filter((path) => path !== '');
  return [process.execPath, ...extra].map((node) => [
    execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(),
    node,
  ]);
}

/**
 * Runs a command to its end; never rejects, so a test can await the result long after it started.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCommand(process.execPath, ['main.js'], projectDir);
 * ```
 */
function runCommand(file: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  // Plain text whatever runs the tests: nx sets FORCE_COLOR, which colours a nested jest's output.
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({
          code,
          stdout: stripVTControlCharacters(stdout),
          stderr: stripVTControlCharacters(
            error !== null && stderr === '' ? error.message : stderr,
          ),
        });
      },
    );
  });
}

/**
 * Packs the package with the workspace's pnpm (as `pnpm publish` would) into `destination`.
 *
 * @example
 * ```ts
 * const { tarball, files } = packPackage(packageDir, workDir);
 * ```
 */
function packPackage(packageDir: string, destination: string): PackedPackage {
  const output = execFileSync(
    'npx',
    ['-y', PNPM, 'pack', '--json', '--pack-destination', destination],
    { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const packed = JSON.parse(output) as { filename: string; files: Array<{ path: string }> };
  return { tarball: packed.filename, files: packed.files.map((file) => file.path) };
}

/**
 * Extracts a packed tarball to `node_modules/<name>`, as an install would.
 *
 * @returns the package's folder
 *
 * @example
 * ```ts
 * extractPackage(tarball, join(projectDir, 'node_modules'), '@bedrock-batch/schema');
 * ```
 */
function extractPackage(tarball: string, nodeModules: string, name: string): string {
  const target = join(nodeModules, name);
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  return target;
}

/**
 * Links the package `name`, as Node would find it from `fromDir` (the nearest
 * `node_modules/<name>` up the tree), into `nodeModules`: an offline install of a dependency.
 *
 * @example
 * ```ts
 * linkPackage(join(projectDir, 'node_modules'), 'zod', packageDir);
 * ```
 */
function linkPackage(nodeModules: string, name: string, fromDir: string): void {
  let directory = fromDir;
  while (!existsSync(join(directory, 'node_modules', name))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`${name} is not installed above ${fromDir}`);
    directory = parent;
  }
  const link = join(nodeModules, name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(realpathSync(join(directory, 'node_modules', name)), link, 'dir');
}

/**
 * The JavaScript file of a dev tool's command (`tsc`, `attw`, `jest`), resolved from `fromDir`,
 * to run with `process.execPath`.
 *
 * @example
 * ```ts
 * await runCommand(process.execPath, [toolBin(packageDir, 'typescript', 'tsc'), '-p', dir], dir);
 * ```
 */
function toolBin(fromDir: string, packageName: string, command: string): string {
  const manifest = createRequire(join(fromDir, 'package.json')).resolve(
    `${packageName}/package.json`,
  );
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const file = typeof bin === 'string' ? bin : bin[command];
  if (file === undefined) throw new Error(`${packageName} has no "${command}" command`);
  return join(dirname(manifest), file);
}

/**
 * Copies files of tests/consumers into a consumer project, optionally under other names.
 *
 * @example
 * ```ts
 * copyConsumerFiles(consumersDir, projectDir, { 'types.ts': 'consumer.cts' });
 * ```
 */
function copyConsumerFiles(
  consumersDir: string,
  projectDir: string,
  files: Readonly<Record<string, string>>,
): void {
  mkdirSync(projectDir, { recursive: true });
  for (const [from, to] of Object.entries(files)) {
    cpSync(join(consumersDir, from), join(projectDir, to));
  }
}

export type { CommandResult, PackedPackage };

/**
 * Runs the workspace's jest in a consumer project, with its cache in `cacheDir`.
 *
 * @example
 * ```ts
 * const { code, stderr } = await runConsumerJest(packageDir, join(projectDir, 'jest'), cacheDir);
 * ```
 */
function runConsumerJest(
  fromDir: string,
  projectDir: string,
  cacheDir: string,
): Promise<CommandResult> {
  return runCommand(
    process.execPath,
    [toolBin(fromDir, 'jest', 'jest'), '--ci', '--no-watchman', '--cacheDirectory', cacheDir],
    projectDir,
  );
}

export {
  copyConsumerFiles,
  extractPackage,
  linkPackage,
  packPackage,
  runCommand,
  runConsumerJest,
  testNodes,
  toolBin,
};
