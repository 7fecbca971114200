// Reading the rendered objects: workloads, their pod templates and containers, and what those
// refer to (Secrets, ConfigMaps, ports).
import type { KubeObject } from './render.js';
import type { LabelSelector } from './selectors.js';

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  /** Kubernetes' defaults: 10 s and 3 failures. */
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: object; secret?: { secretName: string }; configMap?: { name: string } }[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

/** Deployments and Jobs: what runs pods. */
export interface Workload {
  object: KubeObject;
  name: string;
  kind: string;
  selector: LabelSelector | undefined;
  replicas: number;
  template: PodTemplate;
}

export const ofKind = (objects: KubeObject[], kind: string): KubeObject[] => objects.filter((object) => object.kind === kind);

export function spec<T>(object: KubeObject): T {
  return object['spec'] as T;
}

export function workloads(objects: KubeObject[]): Workload[] {
  return objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
    .map((object) => {
      const body = spec<{ selector?: LabelSelector; replicas?: number; template: PodTemplate }>(object);
      return { object, name: object.metadata.name, kind: object.kind, selector: body.selector, replicas: body.replicas ?? 1, template: body.template };
    });
}

export const deployments = (objects: KubeObject[]): Workload[] => workloads(objects).filter((workload) => workload.kind === 'Deployment');

export function containersOf(workload: Workload): Container[] {
  return [...(workload.template.spec.initContainers ?? []), ...workload.template.spec.containers];
}

/** The ConfigMaps and Secrets a workload refers to, with the keys it reads from them. */
export function references(workload: Workload): { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; optional: boolean }[] {
  const found: { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; optional: boolean }[] = [];
  for (const container of containersOf(workload)) {
    for (const variable of container.env ?? []) {
      const secret = variable.valueFrom?.secretKeyRef;
      const configMap = variable.valueFrom?.configMapKeyRef;
      if (secret) found.push({ kind: 'Secret', name: secret.name, key: secret.key, optional: secret.optional === true });
      if (configMap) found.push({ kind: 'ConfigMap', name: configMap.name, key: configMap.key, optional: configMap.optional === true });
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef) found.push({ kind: 'Secret', name: source.secretRef.name, optional: false });
      if (source.configMapRef) found.push({ kind: 'ConfigMap', name: source.configMapRef.name, optional: false });
    }
  }
  for (const volume of workload.template.spec.volumes ?? []) {
    if (volume.secret) found.push({ kind: 'Secret', name: volume.secret.secretName, optional: false });
    if (volume.configMap) found.push({ kind: 'ConfigMap', name: volume.configMap.name, optional: false });
  }
  return found;
}

/** The keys of a Secret or ConfigMap (data and stringData). */
export function keysOf(object: KubeObject): string[] {
  return [...Object.keys((object['data'] as object | undefined) ?? {}), ...Object.keys((object['stringData'] as object | undefined) ?? {})];
}

/** A Secret's or ConfigMap's value, decoded. */
export function valueOf(object: KubeObject, key: string): string | undefined {
  const stringData = object['stringData'] as Record<string, string> | undefined;
  if (stringData?.[key] !== undefined) return stringData[key];
  const data = object['data'] as Record<string, string> | undefined;
  if (data?.[key] === undefined) return undefined;
  return object.kind === 'Secret' ? Buffer.from(data[key], 'base64').toString('utf8') : data[key];
}
