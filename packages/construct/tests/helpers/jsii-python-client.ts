import type { Callback, JsiiKernelProcess, ObjRef, Override } from './jsii-kernel-process.js';
import type { JsiiType } from './jsii-packages.js';

/**
 * What the code `jsii-pacmak` generates for Python sends to the kernel, over a
 * {@link JsiiKernelProcess} (from `jsii/_kernel/__init__.py` and `jsii/_runtime.py`):
 *
 * - `SomeClass(scope, id, *, a=..., b=...)` is `create` with the class's fqn, the positional
 *   arguments and the keyword arguments gathered in the props struct, sent as
 *   `{"$jsii.struct": {fqn, data}}` with every property of the struct, `null` for those not given;
 *   `overrides` is `[]` and `interfaces` lists the interfaces the class and its bases implement
 *   (`@jsii.implements`);
 * - a Python `dict` is `{"$jsii.map": {...}}`, `None` is `null`, an object is `{"$jsii.byref"}`;
 * - a Python class implementing a jsii interface is created lazily, when first passed, as
 *   `create` of `Object` with its `overrides` (jsii method name and Python method name) and
 *   `interfaces`; the kernel calls its methods back;
 * - `isinstance(x, SomeClass)` is answered from the class named in the reference, no request.
 */

/** A value a Python program would hold: plain data, references, and wire-tagged values. */
type PyValue = unknown;

/** A struct value as the Python client sends it. */
interface WireStruct {
  readonly '$jsii.struct': { readonly fqn: string; readonly data: Record<string, unknown> };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isObjRef(value: unknown): value is ObjRef {
  return isRecord(value) && typeof value['$jsii.byref'] === 'string';
}

/** Python's `_make_reference_for_native` plus `jdefault`: a value as it goes on the wire. */
function toWire(value: PyValue): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(toWire);
  if (!isRecord(value)) return value;
  // References go as `$jsii.byref` alone (Python's `_unstructure_ref` drops the interfaces).
  if (isObjRef(value)) return { '$jsii.byref': value['$jsii.byref'] };
  if ('$jsii.struct' in value || '$jsii.enum' in value || '$jsii.date' in value) return value;
  return {
    '$jsii.map': Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)])),
  };
}

/** Python's `ohook`: `$jsii.map` becomes a dict; references and enums stay as they are. */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (!isRecord(value)) return value;
  if (isObjRef(value) || '$jsii.enum' in value) return value;
  if ('$jsii.date' in value) return new Date(String(value['$jsii.date']));
  const map = value['$jsii.map'];
  const entries = Object.entries(isRecord(map) ? map : value);
  return Object.fromEntries(entries.map(([k, v]) => [k, fromWire(v)]));
}

/** The class named by a reference (`aws-cdk-lib.aws_stepfunctions.Map@10042`). */
function fqnOf(ref: ObjRef): string {
  const id = ref['$jsii.byref'];
  return id.slice(0, id.lastIndexOf('@'));
}

class PythonStyleClient {
  private readonly kernel: JsiiKernelProcess;
  private readonly types: ReadonlyMap<string, JsiiType>;

  public constructor(kernel: JsiiKernelProcess, types: ReadonlyMap<string, JsiiType>) {
    this.kernel = kernel;
    this.types = types;
  }

  /** `load` of an assembly tarball (what `jsii.JSIIAssembly.load` sends). */
  public async load(
    name: string,
    version: string,
    tarball: string,
  ): Promise<{ assembly: string; types: number }> {
    return (await this.kernel.request({ api: 'load', name, version, tarball })) as {
      assembly: string;
      types: number;
    };
  }

  /** `SomeClass(*args)`: `create` with the class's interfaces and no overrides. */
  public async new(fqn: string, ...args: PyValue[]): Promise<ObjRef> {
    this.typeOf(fqn, 'class');
    return (await this.kernel.request({
      api: 'create',
      fqn,
      args: toWire(args),
      overrides: [],
      interfaces: this.classInterfaces(fqn),
    })) as ObjRef;
  }

  /**
   * A Python class decorated with `@jsii.implements(*interfaces)`, instantiated and passed to
   * the kernel: `create` of `Object` with one override per method (cookie = Python name). The
   * kernel's callbacks to it run `methods`.
   */
  public async implement(
    interfaces: readonly string[],
    methods: Readonly<Record<string, (...args: unknown[]) => PyValue>>,
  ): Promise<ObjRef> {
    for (const fqn of interfaces) this.typeOf(fqn, 'interface');
    const overrides: Override[] = Object.keys(methods).map((name) => ({
      method: name,
      property: null,
      cookie: name,
    }));
    const ref = (await this.kernel.request({
      api: 'create',
      fqn: 'Object',
      args: [],
      overrides,
      interfaces: [...interfaces],
    })) as ObjRef;
    this.kernel.onCallback(ref, (callback: Callback) => {
      const cookie = callback.cookie ?? '';
      const method = methods[cookie];
      if (callback.invoke === undefined || method === undefined) {
        throw new Error(`unexpected callback ${JSON.stringify(callback)}`);
      }
      return toWire(method(...(callback.invoke.args ?? []).map(fromWire)));
    });
    return ref;
  }

  /** `obj.method(*args)`. */
  public async invoke(objref: ObjRef, method: string, ...args: PyValue[]): Promise<unknown> {
    const ok = (await this.kernel.request({
      api: 'invoke',
      objref: toWire(objref),
      method,
      args: toWire(args),
    })) as { result?: unknown };
    return fromWire(ok.result ?? null);
  }

  /** `SomeClass.method(*args)` (a static method). */
  public async sinvoke(fqn: string, method: string, ...args: PyValue[]): Promise<unknown> {
    this.typeOf(fqn, 'class');
    const ok = (await this.kernel.request({
      api: 'sinvoke',
      fqn,
      method,
      args: toWire(args),
    })) as { result?: unknown };
    return fromWire(ok.result ?? null);
  }

  /** `obj.property`. */
  public async get(objref: ObjRef, property: string): Promise<unknown> {
    const ok = (await this.kernel.request({ api: 'get', objref: toWire(objref), property })) as {
      value?: unknown;
    };
    return fromWire(ok.value ?? null);
  }

  /** `SomeClass.PROPERTY` (a static property). */
  public async sget(fqn: string, property: string): Promise<unknown> {
    const ok = (await this.kernel.request({ api: 'sget', fqn, property })) as { value?: unknown };
    return fromWire(ok.value ?? null);
  }

  /**
   * A struct built from keyword arguments (`SomeProps(a=1)`, or the `props` a generated
   * constructor gathers): every property of the struct and of the structs it extends, `null`
   * when not given. An unknown keyword fails, as it does in Python.
   */
  public struct(fqn: string, kwargs: Readonly<Record<string, PyValue>> = {}): WireStruct {
    const names = this.structProperties(fqn);
    for (const key of Object.keys(kwargs)) {
      if (!names.includes(key)) throw new Error(`${fqn} has no property ${key}`);
    }
    const data = Object.fromEntries(names.map((name) => [name, toWire(kwargs[name])]));
    return { '$jsii.struct': { fqn, data } };
  }

  /** `SomeEnum.MEMBER`. */
  public enumMember(fqn: string, member: string): { readonly '$jsii.enum': string } {
    this.typeOf(fqn, 'enum');
    return { '$jsii.enum': `${fqn}/${member}` };
  }

  /** `isinstance(obj, SomeClass)`: the class of the reference is `fqn` or extends it. */
  public isinstance(objref: ObjRef, fqn: string): boolean {
    let current: string | undefined = fqnOf(objref);
    while (current !== undefined) {
      if (current === fqn) return true;
      current = this.types.get(current)?.base;
    }
    return false;
  }

  /** Python's `klass.__jsii_ifaces__`: the interfaces of the class's bases, then its own. */
  private classInterfaces(fqn: string): string[] {
    const type = this.types.get(fqn);
    if (type === undefined) return [];
    const inherited = type.base === undefined ? [] : this.classInterfaces(type.base);
    return [...inherited, ...(type.interfaces ?? [])];
  }

  private structProperties(fqn: string): string[] {
    const type = this.typeOf(fqn, 'interface');
    if (type.datatype !== true) throw new Error(`${fqn} is not a struct`);
    const inherited = (type.interfaces ?? []).flatMap((base) => this.structProperties(base));
    const own = (type.properties ?? []).map((p) => p.name);
    return [...new Set([...inherited, ...own])];
  }

  private typeOf(fqn: string, kind: JsiiType['kind']): JsiiType {
    const type = this.types.get(fqn);
    if (type === undefined || type.kind !== kind) {
      throw new Error(`${fqn} is not a ${kind} of the loaded assemblies`);
    }
    return type;
  }
}

export { fqnOf, fromWire, PythonStyleClient, toWire };
