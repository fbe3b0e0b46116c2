import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { CONFIG_VARIABLES, parseConfig } from '@drydock/platform';

/**
 * No container engine or cluster runs here, so the deploy files are rendered and checked instead: the
 * Kubernetes manifests render with kustomize, every variable they set is one Drydock reads and its value
 * passes the same validation as at boot, and every command points at an entry point the build produces.
 */
const root = new URL('..', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function renderK8s(): Record<string, any>[] {
  const text = hasKubectl
    ? execFileSync('kubectl', ['kustomize', join(root, 'deploy/k8s')], { encoding: 'utf8' })
    : (parse(read('deploy/k8s/kustomization.yaml')) as { resources: string[] }).resources
        .map((f) => read(`deploy/k8s/${f}`))
        .join('\n---\n');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, any>)
    .filter(Boolean);
}

function entryFromArgs(args: string[]): string {
  const js = args.find((a) => a.startsWith('dist/'));
  if (!js) throw new Error(`no dist/ entry in ${args.join(' ')}`);
  return js.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

describe('deploy/', () => {
  const docs = renderK8s();

  it('renders the Kubernetes manifests with the objects production needs', () => {
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/drydock-api',
        'Deployment/drydock-worker',
        'Service/drydock-api',
        'ConfigMap/drydock-config',
        'Secret/drydock-secrets',
      ]),
    );
    if (hasKubectl)
      for (const d of docs.filter((x) => x.kind !== 'Namespace'))
        expect(d.metadata.namespace).toBe('drydock');
  });

  it('sets only variables Drydock reads, with values that pass its validation', () => {
    const vars: Record<string, string> = {};
    for (const d of docs) {
      if (d.kind === 'ConfigMap') Object.assign(vars, d.data);
      if (d.kind === 'Secret') Object.assign(vars, d.stringData);
      for (const c of d.spec?.template?.spec?.containers ?? [])
        for (const e of c.env ?? []) vars[e.name] = e.value;
    }
    const compose = parse(read('deploy/compose.yaml')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    for (const s of Object.values(compose.services)) {
      for (const [k, v] of Object.entries(s.environment ?? {}))
        if (!['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'].includes(k))
          vars[k] = String(v).replace(/\$\{[^}]+\}/g, '');
    }
    const unknown = Object.keys(vars).filter((k) => !CONFIG_VARIABLES.includes(k));
    expect(unknown).toEqual([]);
    expect(() => parseConfig({ ...vars, DATA_DIR: mkdtempSync(join(tmpdir(), 'dd-deploy-')) })).not.toThrow();
  });

  it('points every container and the image at entry points that exist', () => {
    for (const d of docs.filter((x) => x.kind === 'Deployment')) {
      for (const c of d.spec.template.spec.containers)
        expect(existsSync(join(root, entryFromArgs(c.args)))).toBe(true);
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    const dockerfile = read('deploy/Dockerfile');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(existsSync(join(root, entryFromArgs(cmd)))).toBe(true);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    const compose = parse(read('deploy/compose.yaml')) as {
      services: Record<string, { command?: string[] }>;
    };
    expect(existsSync(join(root, entryFromArgs(compose.services.worker.command!)))).toBe(true);
  });
});
