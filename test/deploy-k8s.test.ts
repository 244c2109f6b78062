import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { packageRoot } from '../src/paths.js';
import { deployTools } from './helpers/deploy-tools.js';

// deploy/k8s is validated offline, with npm packages only (kubectl is not a Debian package, so CI
// cannot install it): the kustomization is rendered here — it uses only namespace, resources and
// images, which this file applies exactly as kustomize does (compared with `kubectl kustomize`
// where kubectl is installed) — and every object is validated against the Kubernetes OpenAPI
// schemas that kubernetes-models compiles (types, required fields, enums, formats).
const root = packageRoot();
const dir = path.join(root, 'deploy/k8s');

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form until validated
type Manifest = Record<string, any>;
interface Kustomization {
  namespace: string;
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
const clusterScoped = new Set(['Namespace']);

function podSpecs(object: Manifest): Manifest[] {
  if (object.kind === 'Deployment' || object.kind === 'Job') return [object.spec.template.spec];
  return [];
}

/** kustomize's namespace and images transformers, for the kinds used here. */
function render(): Manifest[] {
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map((document) => document.toJS() as Manifest | null)
      .filter((object): object is Manifest => object !== null),
  );
  for (const object of objects) {
    if (!clusterScoped.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const spec of podSpecs(object)) {
      for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        const image = kustomization.images?.find((candidate) => candidate.name === container.image);
        if (image) container.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
      }
    }
  }
  return objects;
}

const models: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
};

function validate(object: Manifest): void {
  const Model = models[object.apiVersion]?.[object.kind] as (new (data: Manifest) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

const rendered = render();
const find = (kind: string, name = 'itbot'): Manifest => {
  const found = rendered.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return found;
};
const kubectl = deployTools.kubectl();

describe('deploy/k8s', () => {
  it('uses only the kustomize features this test renders', () => {
    const keys = Object.keys(kustomization).filter((key) => !['apiVersion', 'kind'].includes(key));
    expect(keys.sort()).toEqual(['images', 'namespace', 'resources']);
    const files = fs.readdirSync(dir).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('holds the objects a deployment needs, and no Secret values', () => {
    expect(rendered.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/itbot-config',
        'Deployment/itbot',
        'HorizontalPodAutoscaler/itbot',
        'Ingress/itbot',
        'Job/itbot-migrate',
        'Namespace/itbot',
        'NetworkPolicy/itbot',
        'PodDisruptionBudget/itbot',
        'Service/itbot',
        'ServiceAccount/itbot',
      ].sort(),
    );
    for (const spec of rendered.flatMap(podSpecs)) {
      for (const container of spec.containers) {
        for (const variable of container.env ?? []) {
          expect(variable.value, variable.name).toBeUndefined();
          if (variable.valueFrom?.secretKeyRef) expect(variable.valueFrom.secretKeyRef.name).toBe('itbot-secrets');
        }
      }
    }
  });

  it('validates every object against the Kubernetes schemas', () => {
    for (const object of rendered) {
      expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('has a validator that does reject a broken object', () => {
    const broken = structuredClone(find('Deployment'));
    broken.spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/replicas must be integer/);
    const noImage = structuredClone(find('Job', 'itbot-migrate'));
    delete noImage.spec.template;
    expect(() => validate(noImage)).toThrow(/template/);
  });

  it('probes /healthz for liveness and /readyz for readiness, with requests and limits', () => {
    const [container] = find('Deployment').spec.template.spec.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.args).toEqual(['itbot', 'serve', '--listen', '0.0.0.0:8080', '--public-metrics']);
    for (const spec of rendered.flatMap(podSpecs)) {
      for (const c of spec.containers) {
        expect(Object.keys(c.resources.requests).sort(), c.name).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort(), c.name).toEqual(['cpu', 'memory']);
      }
    }
  });

  it('runs non-root on a read-only root file system, writing only to emptyDir volumes', () => {
    for (const spec of rendered.flatMap(podSpecs)) {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      const emptyDirs = new Set(
        spec.volumes.filter((v: Manifest) => v.emptyDir).map((v: Manifest) => v.name as string),
      );
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        const mounts = Object.fromEntries(c.volumeMounts.map((m: Manifest) => [m.mountPath, m.name]));
        expect(Object.keys(mounts).sort()).toEqual(['/data', '/tmp']);
        for (const volume of Object.values(mounts)) expect(emptyDirs.has(volume)).toBe(true);
      }
    }
    expect(find('ConfigMap', 'itbot-config').data.ITBOT_DATA_DIR).toBe('/data');
  });

  it('wires Service, Ingress, HPA, PDB and NetworkPolicy to the Deployment', () => {
    const deployment = find('Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const matches = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => podLabels[key] === value);
    expect(deployment.spec.selector.matchLabels).toSatisfy(matches);
    expect(find('Service').spec.selector).toSatisfy(matches);
    expect(find('PodDisruptionBudget').spec.selector.matchLabels).toSatisfy(matches);
    expect(find('NetworkPolicy').spec.podSelector.matchLabels).toSatisfy(matches);
    const [port] = deployment.spec.template.spec.containers[0].ports;
    expect(find('Service').spec.ports[0].targetPort).toBe(port.name);
    const [rule] = find('Ingress').spec.rules;
    expect(rule.http.paths).toEqual([
      { path: '/mcp', pathType: 'Exact', backend: { service: { name: 'itbot', port: { name: 'http' } } } },
    ]);
    const hpa = find('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'itbot' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(find('PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(find('NetworkPolicy').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('migrates with a Job on a direct connection, with the same image', () => {
    const job = find('Job', 'itbot-migrate');
    const [container] = job.spec.template.spec.containers;
    expect(container.command).toEqual(['sh', '-c', 'itbot migrate && itbot reindex']);
    expect(container.env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'itbot-secrets', key: 'DATABASE_DIRECT_URL' } } },
    ]);
    expect(container.image).toBe(find('Deployment').spec.template.spec.containers[0].image);
    expect(container.image).toBe('registry.example.com/itbot:0.1.0');
  });

  it.skipIf(!kubectl.ok)('renders as kubectl kustomize does', () => {
    const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const theirs = parseAllDocuments(result.stdout).map((document) => document.toJS() as Manifest);
    const key = (object: Manifest) => `${object.kind}/${object.metadata.name}`;
    const sorted = (objects: Manifest[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(rendered)).toEqual(sorted(theirs));
  });
});
