import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '@drydock/platform';
import type { AuditEventResponse, Page } from '@drydock/contracts';
import { AuditEvent } from '../entities/entities.js';
import { principalId, principalLabel, type Principal } from './principal.js';

export interface AuditEntry {
  organizationId: string | null;
  actor: Principal | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly db: TenantDb) {}

  /** Records within the caller's transaction when given one, so the event and the change commit together. */
  async record(entry: AuditEntry, m?: EntityManager): Promise<void> {
    const row: Partial<AuditEvent> = {
      organizationId: entry.organizationId,
      actorType: entry.actor ? entry.actor.kind : 'system',
      actorId: entry.actor ? principalId(entry.actor) : null,
      actorLabel: entry.actor ? principalLabel(entry.actor) : null,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
      requestId: entry.requestId ?? null,
    };
    if (m) await m.insert(AuditEvent, row as never);
    else if (entry.organizationId)
      await this.db.withTenant(entry.organizationId, (tm) => tm.insert(AuditEvent, row as never));
    // Platform-level events (no organization): system context by design.
    else await this.db.withSystem((sm) => sm.insert(AuditEvent, row as never));
  }

  async list(
    organizationId: string,
    limit: number,
    offset: number,
    action?: string,
  ): Promise<Page<AuditEventResponse>> {
    return this.db.withTenant(organizationId, async (m) => {
      const [rows, total] = await m.findAndCount(AuditEvent, {
        where: { organizationId, ...(action ? { action } : {}) },
        order: { createdAt: 'DESC', id: 'DESC' },
        take: limit,
        skip: offset,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          action: r.action,
          actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
          target: r.target,
          details: r.details,
          createdAt: r.createdAt.toISOString(),
        })),
        total,
        limit,
        offset,
      };
    });
  }
}
