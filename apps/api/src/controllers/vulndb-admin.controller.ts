import { Body, Controller, Get, HttpCode, Post, Put, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import {
  VulndbSettingsRequest,
  type VulndbImportResult,
  type VulndbSettingsView,
  type VulndbStatusView,
  type VulndbSyncRequestedView,
} from '@drydock/contracts';
import { Access } from '@drydock/identity';
import { VulndbService } from '@drydock/vulndb';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/** Platform admins configure and watch the NVD/OSV sync, and import offline feeds (air-gapped installs). */
@ApiTags('admin')
@Controller('admin/vulndb')
export class VulndbAdminController {
  constructor(private readonly vulndb: VulndbService) {}

  @Get('settings')
  @Access.platformAdmin()
  settings(): Promise<VulndbSettingsView> {
    return this.vulndb.getSettings();
  }

  @Put('settings')
  @Access.platformAdmin()
  @ApiBodySchema(VulndbSettingsRequest)
  putSettings(
    @Body({ schema: VulndbSettingsRequest }) body: VulndbSettingsRequest,
  ): Promise<VulndbSettingsView> {
    return this.vulndb.putSettings(body);
  }

  @Post('sync')
  @HttpCode(202)
  @Access.platformAdmin()
  @ApiAcceptedResponse({ description: 'A sync job was queued; watch GET /admin/vulndb/status' })
  sync(): Promise<VulndbSyncRequestedView> {
    return this.vulndb.requestSync();
  }

  @Get('status')
  @Access.platformAdmin()
  status(): Promise<VulndbStatusView> {
    return this.vulndb.status();
  }

  @Post('import')
  @Access.platformAdmin()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: 'NVD CVE API 2.0 pages (JSON or .json.gz) and OSV records (JSON or all.zip), as `files`',
    schema: {
      type: 'object',
      properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } },
    },
  })
  @UseInterceptors(FilesInterceptor('files', 100, { limits: { fileSize: MAX_IMPORT_BYTES } }))
  importFiles(
    @UploadedFiles() files: { originalname: string; buffer: Buffer }[] | undefined,
  ): Promise<VulndbImportResult> {
    return this.vulndb.importFiles((files ?? []).map((f) => ({ name: f.originalname, data: f.buffer })));
  }
}
