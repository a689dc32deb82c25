// Site administration for the console: list, create, rename, origins, routing mode,
// first-response target, widget settings, and the identity secret (shown once, rotatable).
import { randomBytes } from 'node:crypto';
import type { Result, SiteAdminUpdate, SiteAdminView, SiteRedaction } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { siteSettingsSchema } from '@parley/protocol/schemas';
import { type Connection, trusted } from 'mongoose';
import { type SiteDoc, siteModel } from './model';
import { Recent } from './recent';
import type { SiteService } from './service';

export interface SiteRouting {
  assignment: 'manual' | 'balanced';
  firstResponseTargetSec: number;
}

const ROUTING_CACHE_MS = 5_000;

const redactionOf = (doc: Pick<SiteDoc, 'settings'> | null): SiteRedaction => ({
  iban: doc?.settings?.redaction?.iban ?? false,
  nationalIds: doc?.settings?.redaction?.nationalIds ?? false,
});

export class SiteAdmin {
  private readonly routingCache = new Recent<SiteRouting>(ROUTING_CACHE_MS);
  private readonly redactionCache = new Recent<SiteRedaction>(ROUTING_CACHE_MS);
  private readonly model;

  constructor(
    connection: Connection,
    private readonly sites: SiteService,
    private readonly publicUrl: string,
  ) {
    this.model = siteModel(connection);
  }

  private view(doc: SiteDoc): SiteAdminView {
    const widget = siteSettingsSchema.safeParse(doc.widgetSettings ?? {});
    return {
      id: doc._id.toHexString(),
      name: doc.name,
      publicKey: doc.publicKey,
      allowedOrigins: doc.allowedOrigins,
      assignment: doc.settings?.assignment ?? 'manual',
      firstResponseTargetSec: doc.settings?.firstResponseTargetSec ?? 300,
      widget: widget.success ? widget.data : siteSettingsSchema.parse({}),
      redaction: redactionOf(doc),
      embedSnippet: `<script async src="${this.publicUrl}/widget/loader.js" data-site="${doc.publicKey}"></script>`,
    };
  }

  /** The sites in `siteIds` (null: all), by name. */
  async list(siteIds: string[] | null): Promise<SiteAdminView[]> {
    const docs = await this.model
      .find(siteIds === null ? {} : { _id: trusted({ $in: siteIds }) })
      .sort({ name: 1 })
      .lean<SiteDoc[]>();
    return docs.map((doc) => this.view(doc));
  }

  async get(siteId: string): Promise<SiteAdminView | null> {
    const doc = await this.model.findById(siteId).lean<SiteDoc>();
    return doc ? this.view(doc) : null;
  }

  /** Routing settings; manual for a site that does not exist. */
  routing(siteId: string): Promise<SiteRouting> {
    // Asked on every visitor message: kept briefly; this node forgets it on update, others within ROUTING_CACHE_MS.
    return this.routingCache.get(siteId, async () => {
      const doc = await this.model.findById(siteId, { settings: 1 }).lean<SiteDoc>();
      return {
        assignment: doc?.settings?.assignment ?? 'manual',
        firstResponseTargetSec: doc?.settings?.firstResponseTargetSec ?? 300,
      };
    });
  }

  /**
   * What the site masks in messages besides card numbers; none for a site that does not exist.
   * Asked for messages that hold an IBAN or a national id: kept briefly, like routing.
   */
  redaction(siteId: string): Promise<SiteRedaction> {
    return this.redactionCache.get(siteId, async () =>
      redactionOf(await this.model.findById(siteId, { settings: 1 }).lean<SiteDoc>()),
    );
  }

  /** A new site; its identity secret is answered this once. */
  async create(input: {
    name: string;
    allowedOrigins: string[];
  }): Promise<{ site: SiteAdminView; identitySecret: string }> {
    const created = await this.sites.create(input);
    const doc = await this.model.findById(created.id).lean<SiteDoc>();
    return { site: this.view(doc!), identitySecret: created.identitySecret };
  }

  async update(siteId: string, changes: SiteAdminUpdate): Promise<Result<{ site: SiteAdminView }>> {
    this.routingCache.delete(siteId);
    this.redactionCache.delete(siteId);
    const set: Record<string, unknown> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.allowedOrigins !== undefined) set.allowedOrigins = [...new Set(changes.allowedOrigins)];
    if (changes.assignment !== undefined) set['settings.assignment'] = changes.assignment;
    if (changes.firstResponseTargetSec !== undefined) {
      set['settings.firstResponseTargetSec'] = changes.firstResponseTargetSec;
    }
    if (changes.redaction !== undefined) {
      set['settings.redaction.iban'] = changes.redaction.iban;
      set['settings.redaction.nationalIds'] = changes.redaction.nationalIds;
    }
    if (changes.widget !== undefined) {
      const saved = await this.sites.updateSettings(siteId, changes.widget);
      if (!saved.ok) return saved;
    }
    const doc = await this.model
      .findByIdAndUpdate(siteId, { $set: set }, { returnDocument: 'after' })
      .lean<SiteDoc>();
    if (!doc) return failure('not_found', 'no such site');
    this.sites.forget(doc.publicKey);
    return { ok: true, site: this.view(doc) };
  }

  /** Replaces the identity secret; the old one stops verifying users. Answered this once. */
  async rotateSecret(siteId: string): Promise<Result<{ identitySecret: string }>> {
    const identitySecret = randomBytes(32).toString('base64url');
    const doc = await this.model.findByIdAndUpdate(siteId, { $set: { identitySecret } }).lean<SiteDoc>();
    if (!doc) return failure('not_found', 'no such site');
    this.sites.forget(doc.publicKey);
    return { ok: true, identitySecret };
  }
}
