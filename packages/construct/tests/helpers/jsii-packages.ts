import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The parts of a jsii type the Python client's generated code depends on. */
interface JsiiType {
  readonly fqn: string;
  readonly kind: 'class' | 'interface' | 'enum';
  /** Classes: the base class. */
  readonly base?: string;
  /** Classes: the interfaces they implement; structs: the structs they extend. */
  readonly interfaces?: readonly string[];
  /** Structs (`interface` with `datatype`): their own properties. */
  readonly datatype?: boolean;
  readonly properties?: ReadonlyArray<{ readonly name: string }>;
}

/** A `.jsii` assembly, reduced to what the tests read. */
interface JsiiAssembly {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly types?: Readonly<Record<string, JsiiType>>;
}

/** An installed jsii package: its folder and its assembly. */
interface JsiiPackage {
  readonly name: string;
  readonly version: string;
  /** Real path of the installed folder (inside `node_modules/.pnpm` for dependencies). */
  readonly directory: string;
  readonly assembly: JsiiAssembly;
}

/**
 * The assembly of an installed jsii package. Large ones (aws-cdk-lib) ship `.jsii` as a redirect
 * to a gzipped `.jsii.gz`.
 */
function readAssembly(packageDirectory: string): JsiiAssembly {
  const parsed = JSON.parse(readFileSync(join(packageDirectory, '.jsii'), 'utf8')) as
    | JsiiAssembly
    | { schema: 'jsii/file-redirect'; compression?: 'gzip'; filename: string };
  if (!('schema' in parsed) || parsed.schema !== 'jsii/file-redirect') {
    return parsed as JsiiAssembly;
  }
  const raw = readFileSync(join(packageDirectory, parsed.filename));
  const text = (parsed.compression === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  return JSON.parse(text) as JsiiAssembly;
}

/**
 * The real folder of package `name` as Node resolves it from `fromDirectory` (each ancestor's
 * `node_modules`, bundled dependencies first), ignoring `exports` maps.
 */
function installedPackageDirectory(name: string, fromDirectory: string): string {
  let directory = fromDirectory;
  for (;;) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`Package ${name} is not installed where ${fromDirectory} can see it.`);
    }
    directory = parent;
  }
}

/**
 * The jsii packages an application of `rootDirectory`'s package loads, dependencies first and
 * the package itself last: the order the Python client loads them in (a generated module imports
 * its dependencies' `_jsii` modules before it loads its own assembly).
 */
function jsiiLoadOrder(rootDirectory: string): JsiiPackage[] {
  const ordered: JsiiPackage[] = [];
  const visit = (directory: string, path: readonly string[]): void => {
    const assembly = readAssembly(directory);
    if (ordered.some((p) => p.name === assembly.name)) return;
    if (path.includes(assembly.name)) {
      throw new Error(`jsii dependency cycle: ${[...path, assembly.name].join(' -> ')}`);
    }
    for (const dependency of Object.keys(assembly.dependencies ?? {}).sort()) {
      visit(installedPackageDirectory(dependency, directory), [...path, assembly.name]);
    }
    ordered.push({ name: assembly.name, version: assembly.version, directory, assembly });
  };
  visit(realpathSync(rootDirectory), []);
  return ordered;
}

/** The environment npm runs with: no update check, cache and logs in `workDirectory`. */
function npmEnvironment(workDirectory: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_cache: join(workDirectory, 'npm-cache'),
    npm_config_logs_dir: join(workDirectory, 'npm-logs'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/**
 * Packs the package in `packageDirectory` with `npm pack` (scripts off) into `destination` and
 * returns the tarball's path.
 */
function npmPack(packageDirectory: string, destination: string, workDirectory: string): string {
  mkdirSync(destination, { recursive: true });
  const result = spawnSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    {
      cwd: packageDirectory,
      encoding: 'utf8',
      env: npmEnvironment(workDirectory),
      maxBuffer: 64 * 1024 * 1024,
      timeout: 5 * 60_000,
    },
  );
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(
      `npm pack in ${packageDirectory} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`,
    );
  }
  const [packed] = JSON.parse(result.stdout) as Array<{ filename: string }>;
  if (packed === undefined) throw new Error(`npm pack in ${packageDirectory} printed no tarball.`);
  // npm names scoped tarballs `scope-name-version.tgz` in --json but writes the same name.
  return join(destination, packed.filename.replace(/^@/, '').replace('/', '-'));
}

/**
 * The npm tarball of an installed dependency, packed once and kept in `cacheDirectory` as
 * `<name>@<version>.tgz` (a version's published content never changes).
 *
 * The package is copied out of `node_modules` before packing: npm 11 crashes ("Exit handler
 * never called!") packing aws-cdk-lib where pnpm installed it, next to its dependencies'
 * symlinks, and packs the copy fine.
 */
function cachedDependencyTarball(
  pkg: JsiiPackage,
  cacheDirectory: string,
  workDirectory: string,
): string {
  const cached = join(cacheDirectory, `${pkg.name}@${pkg.version}.tgz`);
  if (existsSync(cached)) return cached;
  const staging = mkdtempSync(join(workDirectory, 'stage-'));
  try {
    const copy = join(staging, 'package');
    cpSync(pkg.directory, copy, { recursive: true });
    const tarball = npmPack(copy, join(staging, 'out'), workDirectory);
    mkdirSync(dirname(cached), { recursive: true });
    // Copy next to the cache entry, then rename: a concurrent or interrupted run never sees a
    // partial tarball under the final name.
    const partial = `${cached}.${process.pid}.partial`;
    copyFileSync(tarball, partial);
    renameSync(partial, cached);
    return cached;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** All types of the given assemblies by fully qualified name. */
function typeIndex(packages: readonly JsiiPackage[]): ReadonlyMap<string, JsiiType> {
  const index = new Map<string, JsiiType>();
  for (const pkg of packages) {
    for (const [fqn, type] of Object.entries(pkg.assembly.types ?? {})) index.set(fqn, type);
  }
  return index;
}

export type { JsiiAssembly, JsiiPackage, JsiiType };
export {
  cachedDependencyTarball,
  installedPackageDirectory,
  jsiiLoadOrder,
  npmPack,
  readAssembly,
  typeIndex,
};
