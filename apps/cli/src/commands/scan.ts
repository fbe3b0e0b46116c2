import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  ScanError,
  matchContext,
  toMatchComponents,
  openImageContainer,
  parsePlatform,
  platformString,
  render,
  scanImage,
  type ImageScanResult,
  type OutputFormat,
  type Platform,
} from '@drydock/scanner';

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'cyclonedx', 'spdx'];

interface ScanCliOptions {
  format: string;
  platform?: string;
  vulndata?: string;
  output?: string;
}

/** What `drydock scan --vulndata` needs of @drydock/vulndb, looked up at run time. */
interface VulnMatcher {
  loadVulnDataDirectory(paths: string | readonly string[]): Promise<unknown>;
  matchImage(
    components: readonly unknown[],
    context: { os: { id: string; versionId: string | null } | null },
    provider: unknown,
  ): Promise<unknown[]>;
}

class CliError extends Error {}

async function loadMatcher(): Promise<VulnMatcher> {
  let mod: Record<string, unknown>;
  try {
    mod = await import('@drydock/vulndb');
  } catch (err) {
    throw new CliError(
      `vulnerability matching is not available: cannot load @drydock/vulndb (${(err as Error).message})`,
    );
  }
  if (typeof mod['loadVulnDataDirectory'] !== 'function' || typeof mod['matchImage'] !== 'function') {
    throw new CliError(
      'vulnerability matching is not available: @drydock/vulndb does not export loadVulnDataDirectory and matchImage',
    );
  }
  return mod as unknown as VulnMatcher;
}

async function runScan(image: string, opts: ScanCliOptions): Promise<string> {
  const format = opts.format as OutputFormat;
  if (!FORMATS.includes(format))
    throw new CliError(`unknown format "${opts.format}" (expected ${FORMATS.join(', ')})`);
  let platform: Platform | undefined;
  if (opts.platform) {
    try {
      platform = parsePlatform(opts.platform);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  const matcher = opts.vulndata ? await loadMatcher() : null;
  const index = matcher && opts.vulndata ? await matcher.loadVulnDataDirectory(opts.vulndata) : null;

  const container = await openImageContainer(image, platform ? { platform } : {});
  const results: { result: ImageScanResult; findings?: unknown[] }[] = [];
  try {
    for (const source of container.images) {
      const result = await scanImage(source);
      if (matcher && index) {
        const findings = await matcher.matchImage(
          toMatchComponents(result.components),
          matchContext(result),
          index,
        );
        result.findings = findings;
        results.push({ result, findings });
      } else results.push({ result });
    }
  } finally {
    await container.close();
  }

  if (format === 'table') {
    return results
      .map(({ result, findings }) => {
        let out = render(result, 'table');
        if (findings) out += renderFindings(findings);
        return results.length > 1 ? `== ${platformString(result.image.platform)}\n${out}` : out;
      })
      .join('\n');
  }
  const docs = results.map(
    ({ result, findings }) => JSON.parse(render(result, format, findings ? { findings } : {})) as unknown,
  );
  // An index gives one document per platform.
  return JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n';
}

function renderFindings(findings: unknown[]): string {
  const lines = ['', `${findings.length} findings`];
  for (const f of findings as {
    id?: string;
    severity?: string;
    component?: { name?: string; version?: string | null };
    fixedVersion?: string | null;
  }[]) {
    lines.push(
      `${(f.severity ?? '').padEnd(9)} ${(f.id ?? '').padEnd(20)} ${f.component?.name ?? ''} ${f.component?.version ?? 'unknown'}${f.fixedVersion ? ` (fixed in ${f.fixedVersion})` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

// Owned by the scanner work (issue 4): `drydock scan <image>`.
export function registerScanCommand(program: Command): void {
  program
    .command('scan <image>')
    .description(
      'Scan a local image with no server: oci-archive:FILE, docker-archive:FILE, oci:DIR, dir:DIR, or a bare path (detected)',
    )
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option(
      '--platform <os/arch[/variant]>',
      'scan only this platform of an image index (default: every platform)',
    )
    .option(
      '--vulndata <dir>',
      'match the components against NVD/OSV records in this directory and list findings',
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .action(async (image: string, opts: ScanCliOptions) => {
      try {
        const out = await runScan(image, opts);
        if (opts.output) await writeFile(opts.output, out);
        else process.stdout.write(out);
      } catch (err) {
        const msg =
          err instanceof ScanError || err instanceof CliError
            ? err.message
            : `unexpected error: ${(err as Error).stack ?? String(err)}`;
        process.stderr.write(`drydock scan: ${msg}\n`);
        process.exitCode = err instanceof CliError ? 2 : 1;
      }
    });
}
