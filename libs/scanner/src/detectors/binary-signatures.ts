/* eslint-disable no-control-regex -- version strings in binaries are NUL-delimited */
/**
 * Version signatures of well-known software, read from the bytes of ELF files. Each anchor is a
 * literal searched in the file; on a hit the text around it is matched by `pattern`, whose first
 * group is the version. The component name is known from the anchor alone, so a hit without a
 * version still reports the component (with an unknown version).
 */
export interface BinarySignature {
  /** Component name as reported (and used for purl/CPE). */
  name: string;
  anchor: string;
  /** Applied to the latin1 text window around the anchor; group 1 = version. */
  pattern: RegExp | null;
  /** Whether a hit without a version still identifies the component. */
  nameOnly: boolean;
}

export const BINARY_SIGNATURES: readonly BinarySignature[] = [
  {
    name: 'busybox',
    anchor: 'BusyBox v',
    pattern: /BusyBox v(\d+\.\d+(?:\.\d+)?)[^\x00\n]*/,
    nameOnly: true,
  },
  {
    name: 'openssl',
    anchor: 'OpenSSL ',
    pattern: /OpenSSL (\d+\.\d+\.\d+[a-z]{0,2})(?:-[A-Za-z0-9]+)? +\d{1,2} [A-Z][a-z]{2} \d{4}/,
    nameOnly: false,
  },
  { name: 'curl', anchor: 'libcurl/', pattern: /libcurl\/(\d+\.\d+\.\d+)/, nameOnly: false },
  { name: 'curl', anchor: 'curl ', pattern: /curl (\d+\.\d+\.\d+)(?:-DEV)? \([^)\x00]*\)/, nameOnly: false },
  {
    name: 'zlib',
    anchor: ' deflate ',
    pattern: / deflate (\d+\.\d+(?:\.\d+){0,2}) Copyright/,
    nameOnly: false,
  },
  {
    name: 'zlib',
    anchor: ' inflate ',
    pattern: / inflate (\d+\.\d+(?:\.\d+){0,2}) Copyright/,
    nameOnly: false,
  },
  { name: 'sqlite', anchor: 'SQLite format 3', pattern: null, nameOnly: true },
  { name: 'openssh', anchor: 'OpenSSH_', pattern: /OpenSSH_(\d+\.\d+(?:p\d+)?)/, nameOnly: false },
  {
    name: 'nginx',
    anchor: 'nginx version: ',
    pattern: /nginx version: nginx\/(\d+\.\d+\.\d+)/,
    nameOnly: true,
  },
  {
    name: 'node.js',
    anchor: '/download/release/v',
    pattern: /nodejs\.org\/download\/release\/v(\d+\.\d+\.\d+)\//,
    nameOnly: false,
  },
  { name: 'python', anchor: 'Py_GetBuildInfo', pattern: null, nameOnly: true },
  {
    name: 'glibc',
    anchor: 'GNU C Library',
    pattern: /GNU C Library[^\x00]{0,80}? release version (\d+\.\d+(?:\.\d+)?)/,
    nameOnly: false,
  },
];

/** Magic of the Go build info blob (src/debug/buildinfo/buildinfo.go). */
export const GO_BUILDINFO_MAGIC = '\xff Go buildinf:';

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
