import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AssemblyError } from '../errors.js';

/** A CloudFormation resource as it stands in a synthesized template. */
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** A synthesized CloudFormation template. */
interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  readonly Outputs?: Record<string, unknown>;
}

/** One stack of a cloud assembly: its template and where its file assets are on disk. */
interface AssemblyStack {
  /** The artifact id (usually the stack's construct path, `MyStack`). */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The account of the stack's environment, when the app pinned one. */
  readonly account?: string;
  /** The Region of the stack's environment, when the app pinned one. */
  readonly region?: string;
  readonly template: Template;
  /**
   * Absolute paths of the stack's file assets, keyed by the S3 object key the template refers to
   * (`<hash>.zip`) and by the asset hash.
   */
  readonly assets: ReadonlyMap<string, string>;
  /** Construct path of each resource (`Stack/Pipeline`), by logical id, when the assembly records it. */
  readonly constructPaths: ReadonlyMap<string, string>;
}

/** A cloud assembly (the `cdk.out` folder `cdk synth` writes). */
interface CloudAssembly {
  readonly directory: string;
  readonly stacks: readonly AssemblyStack[];
}

interface ManifestArtifact {
  type?: string;
  environment?: string;
  displayName?: string;
  properties?: { templateFile?: string; stackName?: string; file?: string };
  dependencies?: string[];
  additionalMetadataFile?: string;
  metadata?: Record<string, Array<{ type?: string; data?: unknown }>>;
}

/** Logical id -> construct path, from the stack's metadata (`/Stack/Fn/Resource` -> `Stack/Fn`). */
function readConstructPaths(directory: string, artifact: ManifestArtifact): Map<string, string> {
  const metadata =
    artifact.additionalMetadataFile !== undefined &&
    existsSync(join(directory, artifact.additionalMetadataFile))
      ? readJson<Record<string, Array<{ type?: string; data?: unknown }>>>(
          join(directory, artifact.additionalMetadataFile),
          'stack metadata',
        )
      : (artifact.metadata ?? {});
  const paths = new Map<string, string>();
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') {
        paths.set(entry.data, path.replace(/^\//, '').replace(/\/Resource$/, ''));
      }
    }
  }
  return paths;
}

interface AssetManifest {
  files?: Record<
    string,
    { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }
  >;
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new AssemblyError(`Cannot read ${what} at ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function parseEnvironment(environment: string | undefined): { account?: string; region?: string } {
  const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(environment ?? '');
  if (!match) return {};
  const [, account, region] = match;
  return {
    ...(account && !account.startsWith('unknown-') ? { account } : {}),
    ...(region && !region.startsWith('unknown-') ? { region } : {}),
  };
}

function readAssets(directory: string, manifestFile: string): Map<string, string> {
  const assets = new Map<string, string>();
  const manifest = readJson<AssetManifest>(join(directory, manifestFile), 'asset manifest');
  for (const [hash, file] of Object.entries(manifest.files ?? {})) {
    const sourcePath = file.source?.path;
    if (sourcePath === undefined) continue;
    const absolute = isAbsolute(sourcePath) ? sourcePath : join(directory, sourcePath);
    assets.set(hash, absolute);
    for (const destination of Object.values(file.destinations ?? {})) {
      if (destination.objectKey !== undefined) assets.set(destination.objectKey, absolute);
    }
  }
  return assets;
}

/**
 * Reads a cloud assembly folder: every CloudFormation stack with its template and file assets.
 *
 * @param directory - the `cdk.out` folder (or the `outdir` an app synthesized to)
 * @throws AssemblyError when the folder has no manifest, or a template or asset manifest cannot be read
 *
 * @example
 * ```ts
 * const assembly = loadCloudAssembly('cdk.out');
 * console.log(assembly.stacks.map((stack) => stack.stackName));
 * ```
 */
function loadCloudAssembly(directory: string): CloudAssembly {
  const root = resolve(directory);
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new AssemblyError(
      `No cloud assembly at ${root}: manifest.json is missing (run \`cdk synth\` first).`,
    );
  }
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(
    manifestPath,
    'assembly manifest',
  );
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile;
    if (templateFile === undefined) {
      throw new AssemblyError(`Stack ${id} in ${manifestPath} names no templateFile.`);
    }
    const assets = new Map<string, string>();
    for (const dependency of artifact.dependencies ?? []) {
      const file = artifacts[dependency];
      if (file?.type === 'cdk:asset-manifest' && file.properties?.file !== undefined) {
        for (const [key, path] of readAssets(root, file.properties.file)) assets.set(key, path);
      }
    }
    stacks.push({
      id,
      stackName: artifact.properties?.stackName ?? id,
      ...parseEnvironment(artifact.environment),
      template: readJson<Template>(join(root, templateFile), `template of stack ${id}`),
      assets,
      constructPaths: readConstructPaths(root, artifact),
    });
  }
  if (stacks.length === 0) throw new AssemblyError(`The cloud assembly at ${root} holds no stack.`);
  return { directory: root, stacks };
}

export type { AssemblyStack, CloudAssembly, Template, TemplateResource };
export { loadCloudAssembly };
