import { Global, Module, type Provider } from '@nestjs/common';
import { RegistryModule, TAG_SCAN_SUMMARY } from '@drydock/registry';
import { VULNDB_IMAGE_STORE } from '@drydock/vulndb';
import { ScanStore } from './db/scan-store.js';
import { SCANNING_ENTITLEMENTS } from './entitlements.js';
import { entitlementsProvider } from './entitlements.provider.js';
import { ScanImageStore } from './image-store.js';
import { ScanResultsService } from './results.service.js';
import { ScanQueue } from './scan-queue.service.js';
import { ScanWorker } from './scan.worker.js';
import { ScanningController } from './scanning.controller.js';

const providers: Provider[] = [
  ScanStore,
  ScanQueue,
  ScanWorker,
  ScanResultsService,
  ScanImageStore,
  entitlementsProvider,
  // The registry's tag list asks for each tag's shield through this optional hook.
  { provide: TAG_SCAN_SUMMARY, useExisting: ScanResultsService },
  // vulndb's re-evaluation reads and updates stored images through this port.
  { provide: VULNDB_IMAGE_STORE, useExisting: ScanImageStore },
];

/**
 * The scanning add-on (issue 6) for the api and the worker: scan jobs, the on-push trigger, the
 * results API, and the stored images behind vulndb's re-evaluation. Global so that the registry's
 * tag list and vulndb's service find the hooks they declare as optional.
 */
@Global()
@Module({
  imports: [RegistryModule],
  controllers: [ScanningController],
  providers,
  exports: [TAG_SCAN_SUMMARY, VULNDB_IMAGE_STORE, SCANNING_ENTITLEMENTS, ScanResultsService, ScanWorker],
})
export class ScanningModule {}
