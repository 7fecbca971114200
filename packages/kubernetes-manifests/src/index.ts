export { KUBERNETES_DIR, OVERLAYS, kubectlVersion, kustomize, renderOverlays, workingCopy, type KubeObject } from './render.js';
export { schemaErrors } from './schema.js';
export { NetworkModel, inCidr, type Endpoint, type Protocol } from './network.js';
export { selects, type LabelSelector } from './selectors.js';
export { containersOf, deployments, keysOf, ofKind, references, spec, valueOf, workloads, type Container, type PodSpec, type Workload } from './objects.js';
export { containerEnvironment } from './environment.js';
