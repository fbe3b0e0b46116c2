/** File names for the exports (issue 6: SBOM in CycloneDX/SPDX, report in JSON/CSV). */
export type ExportKind = 'sbom-cyclonedx' | 'sbom-spdx' | 'report-json' | 'report-csv';

export function exportRequest(kind: ExportKind): { path: string; format: string; ext: string } {
  switch (kind) {
    case 'sbom-cyclonedx':
      return { path: 'sbom', format: 'cyclonedx', ext: 'cdx.json' };
    case 'sbom-spdx':
      return { path: 'sbom', format: 'spdx', ext: 'spdx.json' };
    case 'report-json':
      return { path: 'report', format: 'json', ext: 'json' };
    case 'report-csv':
      return { path: 'report', format: 'csv', ext: 'csv' };
  }
}

export function exportFileName(repoName: string, tag: string, kind: ExportKind): string {
  const base = `${repoName}-${tag}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  const { path, ext } = exportRequest(kind);
  return `${base}.${path}.${ext}`;
}
