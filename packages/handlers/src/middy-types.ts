/**
 * The Middy types this package's signatures use. `@middy/core` is ESM only (its exports have only
 * an `import` condition), so a plain `import type` of it would not resolve from the CommonJS
 * declarations in dist/cjs. The `resolution-mode` attribute makes TypeScript (5.3 or later) read
 * it as an ES module from both builds' declarations.
 */

/** A handler wrapped by `middy()`, as `@middy/core` types it. */
type MiddyfiedHandler<TEvent, TResult> = import('@middy/core', { with: {
  'resolution-mode': 'import',
}}).MiddyfiedHandler<TEvent, TResult>;

/** A Middy middleware object: `{ name, before, after, onError }`. */
type MiddlewareObj = import('@middy/core', { with: { 'resolution-mode': 'import' }}).MiddlewareObj;

export type { MiddlewareObj, MiddyfiedHandler };
