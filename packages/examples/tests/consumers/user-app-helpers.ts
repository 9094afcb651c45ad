import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** How a command ended, what it printed and how long it took. */
interface CommandResult {
  /** The command line, for messages. */
  readonly command: string;
  /** The exit code; `null` when a signal ended it (a timeout, say). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** A Node.js binary the user apps run on. */
interface AppNode {
  /** `process.version` of the binary, e.g. `v20.20.2`. */
  readonly version: string;
  /** The folder of the binary, put first in the PATH of the app's commands. */
  readonly binDir: string;
}

/**
 * Environment variables a test runner (nx, pnpm, npx, jest) sets for its own processes: a user's
 * shell has none of them. `NODE_PATH` in particular comes from pnpm's `node` shim and would let an
 * app find the workspace's packages instead of its own; nx's `FORCE_COLOR` would color what the
 * app's commands print into a pipe.
 */
const RUNNER_VARIABLES =
  /^(npm_.*|pnpm_.*|NX_.*|NODE|NODE_PATH|NODE_OPTIONS|NODE_ENV|INIT_CWD|JEST_WORKER_ID|FORCE_COLOR)$/i;

/**
 * Runs a command to its end and never rejects. The command gets a process group of its own: at
 * `timeoutMs` the whole group (npx, the shell it starts, tsx, jest workers) is killed.
 *
 * @example
 * ```ts
 * const result = await runCommand('npm', ['test'], { cwd: appDir, env, timeoutMs: 600_000 });
 * ```
 */
function runCommand(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group has ended already
      }
    }, options.timeoutMs);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      resolve({ command, code, stdout, stderr, seconds });
    };
    child.on('error', (error) => {
      stderr += error.message;
      finish(-1);
    });
    child.on('close', (code) => finish(code));
  });
}

/**
 * `<command>: exit 0` when the command succeeded; otherwise its exit code and the end of what it
 * printed, so that `expect(outcome(result)).toBe(...)` shows why it failed.
 *
 * @example
 * ```ts
 * expect(outcome(result)).toBe(`${result.command}: exit 0`);
 * ```
 */
function outcome(result: CommandResult): string {
  if (result.code === 0) return `${result.command}: exit 0`;
  const tail = (text: string): string => text.slice(-6000);
  return [
    `${result.command}: exit ${result.code ?? 'by signal'} after ${result.seconds.toFixed(1)} s`,
    '--- stdout (end)',
    tail(result.stdout),
    '--- stderr (end)',
    tail(result.stderr),
  ].join('\n');
}

/** Whether `file` is an executable file. */
function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The PATH of the test runner without the folders of a workspace (`node_modules/.bin` of
 * pnpm, npx's cache): the PATH of a user's shell.
 */
function userPath(): string[] {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.includes('node_modules'));
}

/**
 * The Node.js binaries to run the apps on: the one running the tests (the workspace's, when the
 * tests run through pnpm), then the first `node` of the user's PATH (the system's) when it is
 * another version.
 *
 * @example
 * ```ts
 * describe.each(appNodes().map((node) => [node.version, node]))('on Node %s', (_v, node) => {});
 * ```
 */
function appNodes(): AppNode[] {
  const binaries = [realpathSync(process.execPath)];
  const systemNode = userPath()
    .map((dir) => join(dir, 'node'))
    .find(isExecutable);
  if (systemNode !== undefined) binaries.push(realpathSync(systemNode));
  const nodes: AppNode[] = [];
  for (const binary of binaries) {
    const version = nodeVersion(binary);
    if (nodes.some((node) => node.version === version)) continue;
    nodes.push({ version, binDir: dirname(binary) });
  }
  return nodes;
}

/** `node --version` of a binary (run while the tests are collected). */
function nodeVersion(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${binary} --version failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * The environment of a user's shell whose `node` is `node.binDir/node`: the test runner's
 * variables removed, no workspace folder on the PATH, npm's cache in `npmCache`, and the CDK CLI
 * told not to look for new versions or send telemetry (npm alone uses the network). No Docker
 * daemon can be reached: the construct's Lambda bundles are prebuilt and must never need one.
 *
 * @example
 * ```ts
 * const env = userEnv(node, join(repoDir, 'node_modules', '.cache', 'npm-consumer-apps'));
 * ```
 */
function userEnv(node: AppNode, npmCache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!RUNNER_VARIABLES.test(name)) env[name] = value;
  }
  env.PATH = [node.binDir, ...userPath()].join(delimiter);
  env.npm_config_cache = npmCache;
  env.npm_config_update_notifier = 'false';
  env.CDK_DISABLE_VERSION_CHECK = 'true';
  env.CDK_DISABLE_CLI_TELEMETRY = 'true';
  env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  return env;
}

/**
 * The seed's usage code split into its import declarations and the statements after them.
 *
 * @example
 * ```ts
 * const { imports, body } = splitSeedUsage(readFileSync(seedUsageFile, 'utf8'));
 * ```
 */
function splitSeedUsage(seed: string): { imports: string; body: string } {
  const imports = /^(?:import[^;]*;\s*)+/.exec(seed)?.[0];
  if (imports === undefined) throw new Error('the seed usage code starts with no import');
  return { imports: `${imports.trim()}\n`, body: seed.slice(imports.length).trim() };
}

/** The line of the CDK CLI's TypeScript template where a stack's code goes. */
const STACK_CODE_MARKER = '// The code that defines your stack goes here';

/**
 * The generated stack file with the seed's usage code put in, as a user does: the seed's imports
 * above the template's, its statements in the constructor where the template says the stack's
 * code goes, after `const stack = this;` (the seed calls its stack `stack`).
 *
 * @example
 * ```ts
 * writeFileSync(stackFile, stackWithSeedUsage(readFileSync(stackFile, 'utf8'), seed));
 * ```
 */
function stackWithSeedUsage(generated: string, seed: string): string {
  const markerLine = generated.split('\n').find((line) => line.trim() === STACK_CODE_MARKER);
  if (markerLine === undefined) {
    throw new Error(`the generated stack file has no "${STACK_CODE_MARKER}" line:\n${generated}`);
  }
  const indent = markerLine.slice(0, markerLine.indexOf('//'));
  const { imports, body } = splitSeedUsage(seed);
  const statements = ['const stack = this;', '', ...body.split('\n')]
    .map((line) => (line === '' ? line : `${indent}${line}`))
    .join('\n');
  return `${imports}${generated.replace(markerLine, () => statements)}`;
}

/**
 * The plain ESM app: the fixture with the seed's usage code, unchanged, where it says
 * `// SEED USAGE` (an ES module may declare imports after statements).
 *
 * @example
 * ```ts
 * writeFileSync(join(esmDir, 'app.mjs'), esmAppWithSeedUsage(fixture, seed));
 * ```
 */
function esmAppWithSeedUsage(fixture: string, seed: string): string {
  if (!fixture.includes('// SEED USAGE\n')) throw new Error('the ESM app fixture has no marker');
  return fixture.replace('// SEED USAGE\n', () => seed);
}

/** The resource types of a synthesized template, counted. */
function resourceCounts(templateFile: string): Record<string, number> {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  const counts: Record<string, number> = {};
  for (const { Type } of Object.values(template.Resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return counts;
}

/**
 * Whether the code asset of each Lambda function of a synthesized stack is in `outDir` with its
 * handler file (`index.handler`: `index.mjs` or `index.js`). A function's `Code.S3Key` is
 * `<hash>.zip`; the stack's asset manifest (`<stack>.assets.json`) gives the folder of `<hash>`.
 */
function lambdaAssets(outDir: string, stackName: string): Record<string, boolean> {
  const read = (file: string): unknown => JSON.parse(readFileSync(join(outDir, file), 'utf8'));
  const template = read(`${stackName}.template.json`) as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: unknown } } }>;
  };
  const manifest = read(`${stackName}.assets.json`) as {
    files: Record<string, { source: { path: string } }>;
  };
  const assets: Record<string, boolean> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const hash = String(resource.Properties.Code?.S3Key).replace(/\.zip$/, '');
    const folder = manifest.files[hash]?.source.path;
    assets[id] =
      folder !== undefined &&
      ['index.mjs', 'index.js'].some((file) => existsSync(join(outDir, folder, file)));
  }
  return assets;
}

/**
 * The `type`s of the CDK metadata entries of a synthesized stack (`aws:cdk:error`, ...).
 */
function metadataTypes(metadataFile: string): string[] {
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<
    string,
    Array<{ type: string }>
  >;
  return [...new Set(Object.values(metadata).flatMap((entries) => entries.map((e) => e.type)))];
}

export type { AppNode, CommandResult };
export {
  appNodes,
  esmAppWithSeedUsage,
  lambdaAssets,
  metadataTypes,
  outcome,
  resourceCounts,
  runCommand,
  stackWithSeedUsage,
  userEnv,
};
