import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  ComponentsQuery,
  Permission,
  ReportQuery,
  SbomQuery,
  type ComponentPage,
  type LayersResponse,
  type ScanRequestedView,
  type ScanView,
} from '@drydock/contracts';
import { Access, CurrentOrg, CurrentPrincipal, type OrgContext, type Principal } from '@drydock/identity';
import { ScanResultsService } from './results.service.js';
import {
  COMPONENT_PAGE_SCHEMA,
  LAYERS_SCHEMA,
  SCAN_REQUESTED_SCHEMA,
  SCAN_SCHEMA,
  queryParams,
} from './openapi.js';

const NAME = {
  name: 'name',
  description: 'Repository path inside the organization (`web`, `payments%2Fapi`) or the full name',
};
const TAG = { name: 'tag', description: 'Tag name' };
const DIGEST = { name: 'digest', description: 'Manifest digest, `sha256:<hex>`' };
const NO_ADDON = ApiResponse({
  status: 402,
  description: 'problem+json `addon_required`: the organization has not enabled the scanning add-on',
});
const ONE_OF_THEM = ApiResponse({
  status: 404,
  description: 'No such repository/tag, or the caller cannot see it (another organization looks the same)',
});

const SbomPlatformQuery = SbomQuery.extend({ platform: z.string().max(100).optional() });

/**
 * The scanning add-on's REST surface (issue 6, "When scans run" and "Results API"): thin handlers,
 * each one service call. The same reads exist by tag and by digest.
 */
@ApiTags('scanning')
@Controller('orgs/:org/repositories')
export class ScanningController {
  constructor(private readonly results: ScanResultsService) {}

  @Post(':name/tags/:tag/scan')
  @HttpCode(202)
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({
    summary: 'Start a scan of the tag (an index: each platform). Needs read-write or admin on the repository',
  })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @ApiAcceptedResponse({ schema: SCAN_REQUESTED_SCHEMA })
  @ApiResponse({ status: 403, description: 'problem+json `write_access_required` for read-only users' })
  @NO_ADDON
  @ONE_OF_THEM
  scanTag(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<ScanRequestedView> {
    return this.results.start(org, p, name, { tag });
  }

  @Post(':name/manifests/:digest/scan')
  @HttpCode(202)
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Start a scan of a manifest by digest. Needs read-write or admin' })
  @ApiParam(NAME)
  @ApiParam(DIGEST)
  @ApiAcceptedResponse({ schema: SCAN_REQUESTED_SCHEMA })
  @ApiResponse({ status: 403, description: 'problem+json `write_access_required` for read-only users' })
  @NO_ADDON
  @ONE_OF_THEM
  scanDigest(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('digest') digest: string,
  ): Promise<ScanRequestedView> {
    return this.results.start(org, p, name, { digest });
  }

  @Get(':name/tags/:tag/scan')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Scan status, progress, severity counts and image metadata of a tag' })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @ApiOkResponse({ schema: SCAN_SCHEMA })
  @NO_ADDON
  @ONE_OF_THEM
  tagScan(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<ScanView> {
    return this.results.scan(org, p, name, { tag });
  }

  @Get(':name/manifests/:digest/scan')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Scan status of a manifest by digest' })
  @ApiParam(NAME)
  @ApiParam(DIGEST)
  @ApiOkResponse({ schema: SCAN_SCHEMA })
  @NO_ADDON
  @ONE_OF_THEM
  digestScan(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('digest') digest: string,
  ): Promise<ScanView> {
    return this.results.scan(org, p, name, { digest });
  }

  @Get(':name/tags/:tag/layers')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({
    summary: 'The Layers view: layers in build order with createdBy, size, components introduced and removed',
  })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @ApiOkResponse({ schema: LAYERS_SCHEMA })
  @NO_ADDON
  @ONE_OF_THEM
  layers(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<LayersResponse> {
    return this.results.layers(org, p, name, { tag });
  }

  @Get(':name/tags/:tag/components')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({
    summary:
      'The Components view: highest severity first, then most vulnerabilities; filters and pagination (limit ≤ 1000, cursor or offset)',
  })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @queryParams(ComponentsQuery)
  @ApiOkResponse({ schema: COMPONENT_PAGE_SCHEMA })
  @NO_ADDON
  @ONE_OF_THEM
  components(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query({ schema: ComponentsQuery }) q: ComponentsQuery,
  ): Promise<ComponentPage> {
    return this.results.components(org, p, name, { tag }, q);
  }

  @Get(':name/tags/:tag/sbom')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'SBOM of the tag: CycloneDX 1.6 or SPDX 2.3 JSON (an index: `platform=os/arch`)' })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @ApiQuery({ name: 'format', required: false, enum: ['cyclonedx', 'spdx'] })
  @ApiQuery({ name: 'platform', required: false, description: 'os/arch[/variant] of an index platform' })
  @ApiProduces('application/vnd.cyclonedx+json', 'application/spdx+json')
  @ApiOkResponse({ schema: { type: 'object' } })
  @NO_ADDON
  @ONE_OF_THEM
  async sbom(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query({ schema: SbomPlatformQuery }) q: z.infer<typeof SbomPlatformQuery>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const out = await this.results.sbom(org, p, name, { tag }, q.format, q.platform);
    res.setHeader('content-type', out.contentType);
    res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
    return out.body;
  }

  @Get(':name/tags/:tag/report')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Vulnerability report of the tag as JSON or CSV' })
  @ApiParam(NAME)
  @ApiParam(TAG)
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ schema: { type: 'object' } })
  @NO_ADDON
  @ONE_OF_THEM
  async report(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query({ schema: ReportQuery }) q: z.infer<typeof ReportQuery>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const out = await this.results.report(org, p, name, { tag }, q.format);
    res.setHeader('content-type', out.contentType);
    res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
    return out.body;
  }
}
