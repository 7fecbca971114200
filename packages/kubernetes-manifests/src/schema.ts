// Validates rendered objects against the Kubernetes API's OpenAPI schemas, as compiled by the
// kubernetes-models package (one model class per apiVersion and kind).
import * as models from 'kubernetes-models';
import type { KubeObject } from './render.js';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

// `networking.k8s.io/v1` is the module `networkingK8sIo`, version `v1`; the core group is `v1`.
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupKey = group === '' ? undefined : group!.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  const root = models as unknown as Record<string, Record<string, Record<string, ModelClass>>>;
  const versions = groupKey === undefined ? { [version!]: root[version!] as unknown as Record<string, ModelClass> } : root[groupKey];
  return versions?.[version!]?.[kind];
}

// kustomize folds a Secret's long base64 values over lines; the API server's base64 decoding skips
// line breaks, so the schema's "byte" format is checked without them.
function asTheApiReadsIt(object: KubeObject): KubeObject {
  const data = object['data'] as Record<string, string> | undefined;
  if (object.kind !== 'Secret' || data === undefined) return object;
  return { ...object, data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')])) };
}

/** The schema errors of one object: empty when it is valid. */
export function schemaErrors(object: KubeObject): string[] {
  const Model = modelFor(object.apiVersion, object.kind);
  if (Model === undefined) return [`no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(asTheApiReadsIt(object)).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
