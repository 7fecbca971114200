// Renders an overlay of deploy/kubernetes with `kubectl kustomize`, as an operator would: in a
// copy of the folder whose secret env files are made from the committed *.env.example files.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object (as parsed from YAML). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const KUBERNETES_DIR = fileURLToPath(new URL('../../../../deploy/kubernetes/', import.meta.url));
export const OVERLAYS = readdirSync(join(KUBERNETES_DIR, 'overlays')).sort();

/** Fails with a clear message when kubectl is not installed (CI and this machine have it). */
export function kubectlVersion(): string {
  const result = spawnSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`kubectl is needed to render deploy/kubernetes (kubectl kustomize) but could not run: ${result.error?.message ?? result.stderr}`);
  }
  const version = JSON.parse(result.stdout) as { clientVersion: { gitVersion: string } };
  return version.clientVersion.gitVersion;
}

/** Runs `kubectl kustomize` on `dir`; throws with kubectl's message when it fails. */
export function kustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`kubectl could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize printed invalid YAML: ${document.errors[0]?.message}`);
    return document.toJS() as KubeObject;
  });
}

/** A copy of deploy/kubernetes with each secrets/*.env.example copied to its *.env. */
export function workingCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-kubernetes-'));
  cpSync(KUBERNETES_DIR, dir, { recursive: true, filter: (source) => !source.endsWith('.env') });
  const secrets = join(dir, 'base', 'secrets');
  for (const file of readdirSync(secrets).filter((name) => name.endsWith('.env.example'))) {
    copyFileSync(join(secrets, file), join(secrets, file.replace(/\.example$/, '')));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every overlay's rendered objects, by overlay name. */
export function renderOverlays(): Map<string, KubeObject[]> {
  kubectlVersion();
  const copy = workingCopy();
  try {
    return new Map(OVERLAYS.map((overlay) => [overlay, kustomize(join(copy.dir, 'overlays', overlay))]));
  } finally {
    copy.remove();
  }
}
