// A container's environment as the kubelet would give it: plain values, and values from the
// rendered Secrets and ConfigMaps (an optional reference that does not resolve is left unset).
import type { Container } from './objects.js';
import { valueOf } from './objects.js';
import type { KubeObject } from './render.js';

export function containerEnvironment(objects: KubeObject[], container: Container): Record<string, string> {
  const environment: Record<string, string> = {};
  const lookup = (kind: string, name: string, key: string, optional: boolean | undefined): string | undefined => {
    const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
    const value = object === undefined ? undefined : valueOf(object, key);
    if (value === undefined && optional !== true) throw new Error(`${container.name}: ${kind} ${name} has no key ${key}`);
    return value;
  };
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    const configMap = variable.valueFrom?.configMapKeyRef;
    const value = secret ? lookup('Secret', secret.name, secret.key, secret.optional) : configMap ? lookup('ConfigMap', configMap.name, configMap.key, configMap.optional) : variable.value;
    if (value !== undefined) environment[variable.name] = value;
  }
  return environment;
}
