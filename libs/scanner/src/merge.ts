import { cpesFor, purlFor } from './ids.js';
import { dirname, toAbsolute } from './paths.js';
import type {
  Component,
  DetectedComponent,
  FileEntry,
  FlaggedEntry,
  HistoryReport,
  LayerAnalysis,
  LayerSource,
  LayerWarning,
  OsInfo,
} from './types.js';

export interface MergeLayerInput {
  index: number;
  digest: string;
  diffId: string;
  createdBy: string | null;
  /** null for layers that were not scanned (foreign layers): they contribute nothing. */
  analysis: LayerAnalysis | null;
}

export interface MergeResult {
  components: Component[];
  os: OsInfo | null;
  unownedElfFiles: string[];
  flagged: (FlaggedEntry & { layerIndex: number })[];
  warnings: (LayerWarning & { layerIndex: number })[];
  /** The final filesystem view: path → entry and the layer that wrote it. */
  files: Map<string, { layer: number; entry: FileEntry }>;
}

interface ConfigHistory {
  created_by?: string;
  created?: string;
  empty_layer?: boolean;
}

/**
 * Map history entries to layers: the non-empty entries, in order, are the layers
 * (image-spec config.md "history"). Returns per-layer historyIndex/createdBy and the history report.
 */
export function mapHistory(
  history: ConfigHistory[] | undefined,
  layerCount: number,
): { layers: { historyIndex: number | null; createdBy: string | null }[]; history: HistoryReport[] } {
  const layers: { historyIndex: number | null; createdBy: string | null }[] = [];
  const report: HistoryReport[] = [];
  let next = 0;
  (history ?? []).forEach((h, i) => {
    const empty = h.empty_layer === true;
    const layerIndex = !empty && next < layerCount ? next++ : null;
    if (layerIndex !== null) layers[layerIndex] = { historyIndex: i, createdBy: h.created_by ?? null };
    report.push({
      historyIndex: i,
      createdBy: h.created_by ?? null,
      created: h.created ?? null,
      emptyLayer: empty,
      layerIndex,
    });
  });
  for (let i = 0; i < layerCount; i++) layers[i] ??= { historyIndex: null, createdBy: null };
  return { layers, history: report };
}

/** Compare package-owned paths across merged-/usr layouts: dpkg says /bin/x, the image has /usr/bin/x. */
function canonical(path: string): string {
  return path.startsWith('usr/') ? path.slice(4) : path;
}

function isHidden(path: string, whiteouts: Set<string>, opaque: Set<string>): boolean {
  if (whiteouts.has(path)) return true;
  let p = path;
  for (;;) {
    const i = p.lastIndexOf('/');
    const parent = i < 0 ? '' : p.slice(0, i);
    if (whiteouts.has(parent) && parent !== '') return true;
    if (opaque.has(parent)) return true;
    if (i < 0) return false;
    p = parent;
  }
}

interface Visible<T> {
  layer: number;
  value: T;
}

function identity(c: DetectedComponent): string {
  // An OS package is one entry of its database wherever the database lives; others are per file.
  if (c.type === 'deb' || c.type === 'apk' || c.type === 'rpm')
    return `${c.type}|${c.name}|${c.arch ?? ''}|${c.version ?? ''}`;
  return `${c.type}|${c.name}|${c.version ?? ''}|${c.paths[0] ?? ''}`;
}

function componentsOf(s: LayerSource): DetectedComponent[] {
  switch (s.kind) {
    case 'dpkg-status':
    case 'apk-installed':
    case 'rpm-db':
    case 'java':
    case 'go':
    case 'binary':
      return s.components;
    case 'npm-package':
    case 'python':
      return [s.component];
    case 'dpkg-list':
    case 'dpkg-copyright':
    case 'os-release':
    case 'npm-project':
    case 'npm-lockfile':
      return [];
  }
}

/**
 * Apply the layers in order with whiteout semantics (image-spec layer.md "Whiteouts": an opaque
 * whiteout hides the lower contents of its directory and applies before the same layer's own
 * entries), then attribute each component of the final view to the layer from which it has been
 * present without interruption; components that disappear are reported with removedInLayer.
 */
export function mergeLayers(inputs: MergeLayerInput[]): MergeResult {
  const view = new Map<string, { layer: number; entry: FileEntry }>();
  const sources = new Map<string, Visible<LayerSource>>();
  const snapshots: Map<string, { c: DetectedComponent; sourceLayer: number }>[] = [];
  const ownedEver = new Set<string>();
  const copyrightEver = new Map<string, string[]>();
  const flagged: (FlaggedEntry & { layerIndex: number })[] = [];
  const warnings: (LayerWarning & { layerIndex: number })[] = [];

  for (const input of inputs) {
    const a = input.analysis;
    if (a) {
      const wh = new Set(a.whiteouts);
      const op = new Set(a.opaqueDirs);
      // A non-directory replacing a directory hides the directory's lower contents too.
      const replaced = new Set<string>();
      if (view.size > 0) {
        for (const f of a.files) {
          if (f.type !== 'dir' && view.get(f.path)?.entry.type === 'dir') replaced.add(f.path);
        }
      }
      for (const r of replaced) wh.add(r);
      if (wh.size > 0 || op.size > 0) {
        for (const p of [...view.keys()]) if (isHidden(p, wh, op)) view.delete(p);
        for (const [k, s] of [...sources]) if (isHidden(s.value.path, wh, op)) sources.delete(k);
      }
      // A rewritten file replaces what its older version contributed, even when the new one
      // yields nothing; look the (few) source paths up while walking the (many) files.
      const sourcePaths = new Map<string, string[]>();
      for (const [k, s] of sources) {
        const list = sourcePaths.get(s.value.path);
        if (list) list.push(k);
        else sourcePaths.set(s.value.path, [k]);
      }
      const layerIndex = input.index;
      for (const f of a.files) {
        view.set(f.path, { layer: layerIndex, entry: f });
        const keys = sourcePaths.size > 0 ? sourcePaths.get(f.path) : undefined;
        if (keys) for (const k of keys) sources.delete(k);
      }
      for (const s of a.sources) {
        sources.set(`${s.kind}\0${s.path}`, { layer: input.index, value: s });
        if (s.kind === 'dpkg-list') for (const f of s.files) ownedEver.add(canonical(f));
        if (s.kind === 'apk-installed' || s.kind === 'rpm-db') {
          for (const files of Object.values(s.owned)) for (const f of files) ownedEver.add(canonical(f));
        }
        if (s.kind === 'dpkg-copyright') copyrightEver.set(s.package, s.licenses);
      }
      for (const f of a.flagged) flagged.push({ ...f, layerIndex: input.index });
      for (const w of a.warnings) warnings.push({ ...w, layerIndex: input.index });
    }
    const snap = new Map<string, { c: DetectedComponent; sourceLayer: number }>();
    for (const s of sources.values()) {
      for (const c of componentsOf(s.value)) {
        if (c.type === 'binary' && c.paths[0] && ownedEver.has(canonical(c.paths[0].slice(1)))) continue;
        const id = identity(c);
        if (!snap.has(id)) snap.set(id, { c, sourceLayer: s.layer });
      }
    }
    snapshots.push(snap);
  }

  // Ownership learnt from later layers still applies to binaries seen earlier.
  const owned = (abs: string) => ownedEver.has(canonical(abs.slice(1)));
  const last = snapshots.length - 1;
  const final = snapshots[last] ?? new Map<string, { c: DetectedComponent; sourceLayer: number }>();
  const finalSources = [...sources.values()];

  let os: OsInfo | null = null;
  const osSources = finalSources.filter((s) => s.value.kind === 'os-release');
  const osPick = osSources.find((s) => s.value.path === 'etc/os-release') ?? osSources[0];
  if (osPick && osPick.value.kind === 'os-release') {
    os = { ...osPick.value.os };
    // Debian's /etc/os-release is a symlink to ../usr/lib/os-release: report the path users know.
    if (osPick.value.path === 'usr/lib/os-release' && view.get('etc/os-release')?.entry.type === 'symlink')
      os.path = '/etc/os-release';
  }

  const layerInfo = (i: number) => inputs[i] ?? inputs[0];
  const build = (c: DetectedComponent, layerIndex: number): Component => {
    const li = layerInfo(layerIndex);
    const out: Component = {
      ...c,
      purl: purlFor(c, os),
      cpes: cpesFor(c),
      path: c.paths[0] ?? '',
      layerIndex: li.index,
      layerDigest: li.digest,
      layerDiffId: li.diffId,
      createdBy: li.createdBy,
    };
    return out;
  };

  const startOfRun = (id: string, end: number) => {
    let j = end;
    while (j > 0 && snapshots[j - 1].has(id)) j--;
    return j;
  };

  const exists = (p: string) => view.has(p) || view.has(p.startsWith('usr/') ? p.slice(4) : `usr/${p}`);

  const present: Component[] = [];
  const dpkgLists = new Map<string, string[]>();
  const copyrightFinal = new Map<string, string[]>();
  const projects = new Map<string, string[]>();
  const lockfiles: Visible<Extract<LayerSource, { kind: 'npm-lockfile' }>>[] = [];
  for (const s of finalSources) {
    const v = s.value;
    if (v.kind === 'dpkg-list') dpkgLists.set(v.package, v.files);
    else if (v.kind === 'dpkg-copyright') copyrightFinal.set(v.package, v.licenses);
    else if (v.kind === 'npm-project') projects.set(dirname(v.path), v.dependencies);
    else if (v.kind === 'npm-lockfile') lockfiles.push({ layer: s.layer, value: v });
  }

  for (const [id, { c }] of final) {
    const comp = build(c, startOfRun(id, last));
    decorate(comp, dpkgLists, copyrightFinal, copyrightEver, projects, exists);
    present.push(comp);
  }

  // npm packages a lockfile declares but the final view does not have installed there.
  const installedNpm = new Set(present.filter((c) => c.type === 'npm').map((c) => c.path));
  for (const lf of lockfiles) {
    const li = layerInfo(lf.layer);
    for (const e of lf.value.entries) {
      if (installedNpm.has(toAbsolute(`${e.declaredAt}/package.json`))) continue;
      const c: DetectedComponent = {
        type: 'npm',
        name: e.name,
        version: e.version,
        licenses: [],
        paths: [toAbsolute(lf.value.path)],
        foundBy: 'npm-lockfile',
      };
      const comp = build(c, li.index);
      comp.lockfileOnly = true;
      comp.declaredAt = toAbsolute(e.declaredAt);
      present.push(comp);
    }
  }

  const removed: Component[] = [];
  const reported = new Set(final.keys());
  for (let k = last - 1; k >= 0; k--) {
    for (const [id, { c }] of snapshots[k]) {
      if (reported.has(id)) continue;
      if (c.type === 'binary' && c.paths[0] && owned(c.paths[0])) continue;
      reported.add(id);
      const comp = build(c, startOfRun(id, k));
      const by = layerInfo(k + 1);
      comp.removedInLayer = by.index;
      comp.removedBy = by.createdBy;
      decorate(comp, new Map(), new Map(), copyrightEver, projects, () => true);
      removed.push(comp);
    }
  }

  const withBinary = new Set(
    present.filter((c) => c.type === 'binary' || c.type === 'golang').map((c) => c.path),
  );
  const unownedElfFiles: string[] = [];
  for (const [p, { entry }] of view) {
    if (!entry.elf) continue;
    const abs = toAbsolute(p);
    if (!owned(abs) && !withBinary.has(abs)) unownedElfFiles.push(abs);
  }
  unownedElfFiles.sort();

  const order = (a: Component, b: Component) =>
    a.type.localeCompare(b.type) ||
    a.name.localeCompare(b.name) ||
    a.path.localeCompare(b.path) ||
    (a.version ?? '').localeCompare(b.version ?? '');
  present.sort(order);
  removed.sort(order);
  return { components: [...present, ...removed], os, unownedElfFiles, flagged, warnings, files: view };
}

function decorate(
  comp: Component,
  dpkgLists: Map<string, string[]>,
  copyrightFinal: Map<string, string[]>,
  copyrightEver: Map<string, string[]>,
  projects: Map<string, string[]>,
  exists: (p: string) => boolean,
): void {
  if (comp.type === 'deb') {
    // The copyright file is the package's own statement; it stays true after `rm -rf /usr/share/doc`.
    const lic = copyrightFinal.get(comp.name) ?? copyrightEver.get(comp.name);
    if (lic && comp.licenses.length === 0) comp.licenses = [...lic];
    const list = dpkgLists.get(comp.name);
    if (list) {
      const missing = list.filter((p) => !p.startsWith('usr/share/doc/') && !exists(p));
      if (missing.length > 0) comp.missingFiles = missing.map(toAbsolute);
    }
  } else if (comp.type === 'npm' && !comp.lockfileOnly) {
    const m = /^\/(.*?)\/?node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(comp.path);
    if (m) {
      const projectDir = m[1];
      const deps = projects.get(projectDir);
      comp.direct = !!deps && !projectDir.includes('node_modules') && deps.includes(comp.name);
    }
  }
}
