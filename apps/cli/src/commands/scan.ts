import type { Command } from 'commander';

// Owned by the scanner work (issue 4): `drydock scan <image>`.
export function registerScanCommand(program: Command): void {
  program
    .command('scan <image>')
    .description('Scan a local image archive (oci-archive, docker save tarball or OCI layout) with no server')
    .action(() => {
      throw new Error('not implemented yet');
    });
}
