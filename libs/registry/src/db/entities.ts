import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Platform } from '../oci/manifest.js';

/*
 * Registry tables. Like identity, no TypeORM relations: ids and explicit queries keep every
 * tenant-owned read inside TenantDb.withTenant with the organization as an argument.
 */

export type Visibility = 'private' | 'public';
export type ScanMode = 'on_push' | 'manual';

@Entity('repositories')
export class Repository {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  /** Full name including the organization slug, e.g. `acme/payments/api`. */
  @Column('text') name!: string;
  @Column('text') visibility!: Visibility;
  @Column('text', { name: 'scan_mode' }) scanMode!: ScanMode;
  @Column('text', { nullable: true }) description!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** Content-addressed and shared by every repository and tenant: no organization_id, no RLS. */
@Entity('blobs')
export class Blob {
  @PrimaryColumn('text') digest!: string;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) size!: number;
  @Column('text', { name: 'media_type', nullable: true }) mediaType!: string | null;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('repository_blobs')
export class RepositoryBlob {
  @PrimaryColumn('uuid', { name: 'repository_id' }) repositoryId!: string;
  @PrimaryColumn('text') digest!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export interface UploadPartRow {
  offset: number;
  size: number;
}

@Entity('upload_sessions')
export class UploadSession {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('uuid', { name: 'repository_id' }) repositoryId!: string;
  @Column('bigint', {
    name: 'uploaded_bytes',
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  uploadedBytes!: number;
  @Column('jsonb') parts!: UploadPartRow[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('manifests')
export class Manifest {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('uuid', { name: 'repository_id' }) repositoryId!: string;
  @Column('text') digest!: string;
  @Column('text', { name: 'media_type' }) mediaType!: string;
  @Column('integer') size!: number;
  /** The exact bytes received; the digest is over these (distribution-spec, "Pushing manifests"). */
  @Column('bytea') content!: Buffer;
  @Column('text', { name: 'config_digest', nullable: true }) configDigest!: string | null;
  @Column('text', { name: 'subject_digest', nullable: true }) subjectDigest!: string | null;
  @Column('text', { name: 'artifact_type', nullable: true }) artifactType!: string | null;
  @Column('jsonb', { nullable: true }) annotations!: Record<string, string> | null;
  @Column('bigint', {
    name: 'total_size',
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  totalSize!: number;
  @Column('jsonb', { nullable: true }) platforms!: Platform[] | null;
  @Column('timestamptz', { name: 'pushed_at' }) pushedAt!: Date;
  @Column('text', { name: 'pushed_by', nullable: true }) pushedBy!: string | null;
}

@Entity('tags')
export class Tag {
  @PrimaryColumn('uuid', { name: 'repository_id' }) repositoryId!: string;
  @PrimaryColumn('text') name!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('uuid', { name: 'manifest_id' }) manifestId!: string;
  @Column('timestamptz', { name: 'pushed_at' }) pushedAt!: Date;
  @Column('text', { name: 'pushed_by', nullable: true }) pushedBy!: string | null;
}

/** What a manifest points at: blobs (config, layers), child manifests, its subject. */
@Entity('manifest_references')
export class ManifestReferenceRow {
  @PrimaryColumn('uuid', { name: 'manifest_id' }) manifestId!: string;
  @PrimaryColumn('text') digest!: string;
  @PrimaryColumn('text') kind!: 'config' | 'layer' | 'manifest' | 'subject';
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
}

export const registryEntities = [
  Repository,
  Blob,
  RepositoryBlob,
  UploadSession,
  Manifest,
  Tag,
  ManifestReferenceRow,
];
