import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/*
 * TypeORM mappings of the vulndb tables (the schema itself comes only from the migration). The store
 * uses set-based SQL for bulk upserts; these entities serve simple reads and admin code.
 */

@Entity('vulnerabilities')
export class VulnerabilityEntity {
  @PrimaryColumn('text') source!: 'nvd' | 'osv';
  @PrimaryColumn('text') id!: string;
  @Column('timestamptz') modified!: Date;
  @Column('timestamptz', { nullable: true }) published!: Date | null;
  @Column('text', { nullable: true }) status!: string | null;
  @Column('boolean', { default: false }) withdrawn!: boolean;
  @Column('text', { nullable: true }) summary!: string | null;
  @Column('text', { array: true, default: '{}' }) aliases!: string[];
  @Column('text', { name: 'group_ids', array: true, default: '{}' }) groupIds!: string[];
  @Column('text', { default: 'unknown' }) severity!: string;
  @Column('real', { nullable: true }) score!: number | null;
  @Column('jsonb') record!: unknown;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity('affected_packages')
export class AffectedPackageEntity {
  @PrimaryColumn('text', { name: 'package_key' }) packageKey!: string;
  @PrimaryColumn('text') source!: 'nvd' | 'osv';
  @PrimaryColumn('text', { name: 'vuln_id' }) vulnId!: string;
}

@Entity('vulndb_changes')
export class VulndbChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') source!: string;
  @Column('uuid', { name: 'run_id', nullable: true }) runId!: string | null;
  @Column('text', { name: 'package_keys', array: true }) packageKeys!: string[];
  @Column('integer', { default: 0 }) records!: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'reevaluated_at', nullable: true }) reevaluatedAt!: Date | null;
}

@Entity('vulndb_sync_runs')
export class VulndbSyncRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') kind!: 'sync' | 'import';
  @Column('text') state!: 'running' | 'succeeded' | 'failed';
  @Column('jsonb', { default: {} }) progress!: Record<string, unknown>;
  @Column('integer', { default: 0 }) records!: number;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}

@Entity('vulndb_sync_cursors')
export class VulndbSyncCursorEntity {
  @PrimaryColumn('text') source!: string;
  @Column('jsonb') cursor!: unknown;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity('vulndb_settings')
export class VulndbSettingsEntity {
  @PrimaryColumn('smallint') id!: number;
  @Column('boolean', { name: 'nvd_enabled', default: true }) nvdEnabled!: boolean;
  @Column('text', { name: 'nvd_url', nullable: true }) nvdUrl!: string | null;
  @Column('text', { name: 'nvd_api_key_enc', nullable: true }) nvdApiKeyEnc!: string | null;
  @Column('integer', { name: 'interval_minutes', default: 120 }) intervalMinutes!: number;
  @Column('jsonb', { name: 'osv_sources', default: [] }) osvSources!: { ecosystem: string; url: string }[];
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

export const vulndbEntities = [
  VulnerabilityEntity,
  AffectedPackageEntity,
  VulndbChangeEntity,
  VulndbSyncRunEntity,
  VulndbSyncCursorEntity,
  VulndbSettingsEntity,
];
