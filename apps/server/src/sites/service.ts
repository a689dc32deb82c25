// Sites: lookup by public key (cached briefly, it runs on every handshake) and creation.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Result, SiteSettings } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { describeIssues, siteSettingsSchema } from '@parley/protocol/schemas';
import type { Connection } from 'mongoose';
import { originOf } from '../shared/origin';
import { type SiteDoc, siteModel } from './model';
import { Recent } from './recent';

const CACHE_MS = 5_000;

export interface Site {
  id: string;
  publicKey: string;
  name: string;
  allowedOrigins: string[];
  identitySecret: string;
  /** How the widget looks and behaves on this site. */
  widget: SiteSettings;
}

/** Stored settings with defaults filled in; a stored value that no longer parses falls back to defaults. */
function widgetSettings(stored: unknown): SiteSettings {
  const parsed = siteSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : siteSettingsSchema.parse({});
}

function toSite(doc: SiteDoc): Site {
  return {
    id: doc._id.toHexString(),
    publicKey: doc.publicKey,
    name: doc.name,
    allowedOrigins: doc.allowedOrigins,
    identitySecret: doc.identitySecret,
    widget: widgetSettings(doc.widgetSettings),
  };
}

/**
 * What a site's backend computes to vouch for a signed-in user: hex HMAC-SHA256(secret, userId)
 * for the user id alone, or over `userId + "\n" + email` (email trimmed, lower case) to vouch for
 * the email as well. The relay refuses user ids with a line break, and a site must never sign one:
 * "victim\nx@evil.example" signed as an id would pass for user "victim" with that email.
 * @example identityHash(secret, 'user-42', 'Maria@Shop.example') // HMAC of "user-42\nmaria@shop.example"
 */
export function identityHash(secret: string, userId: string, email?: string): string {
  const signed = email === undefined ? userId : `${userId}\n${email.trim().toLowerCase()}`;
  return createHmac('sha256', secret).update(signed).digest('hex');
}

/** What a verified identity's hash covers: the user id, or the user id and the email. */
export type IdentityProof = 'user' | 'user-and-email';

function sameHash(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class SiteService {
  private readonly model;
  private readonly cache = new Recent<Site | null>(CACHE_MS);

  constructor(connection: Connection) {
    this.model = siteModel(connection);
  }

  async create(input: { name: string; allowedOrigins: string[]; publicKey?: string }): Promise<Site> {
    const doc = await this.model.create({
      name: input.name,
      publicKey: input.publicKey ?? randomBytes(12).toString('base64url'),
      allowedOrigins: input.allowedOrigins.map((origin) => {
        const normalised = originOf(origin);
        if (!normalised) throw new Error(`not an origin: ${origin}`);
        return normalised;
      }),
      identitySecret: randomBytes(32).toString('base64url'),
    });
    return toSite(doc.toObject() as SiteDoc);
  }

  /** Asked on every handshake: kept for CACHE_MS, or until this node changes the site. */
  byPublicKey(publicKey: string): Promise<Site | null> {
    return this.cache.get(publicKey, async () => {
      const doc = await this.model.findOne({ publicKey }).lean<SiteDoc>();
      return doc ? toSite(doc) : null;
    });
  }

  /**
   * Replaces a site's widget settings after validating them; answers the site as stored.
   * @example await sites.updateSettings(site.id, { ...site.widget, theme: { ...site.widget.theme, color: '#0a7d3b' } })
   */
  async updateSettings(siteId: string, settings: unknown): Promise<Result<{ site: Site }>> {
    const parsed = siteSettingsSchema.safeParse(settings);
    if (!parsed.success) return failure('bad_request', describeIssues(parsed.error));
    const doc = await this.model
      .findByIdAndUpdate(siteId, { $set: { widgetSettings: parsed.data } }, { returnDocument: 'after' })
      .lean<SiteDoc>();
    if (!doc) return failure('not_found', 'no such site');
    const site = toSite(doc);
    this.cache.set(site.publicKey, site);
    return { ok: true, site };
  }

  /** Drops the cached copy of a site whose document was changed elsewhere (origins, secret). */
  forget(publicKey: string): void {
    this.cache.delete(publicKey);
  }

  /** A site by id, for domains that act on a conversation's site (email subjects, links). */
  async byId(siteId: string): Promise<Site | null> {
    const doc = await this.model.findById(siteId).lean<SiteDoc>();
    return doc ? toSite(doc) : null;
  }

  async count(): Promise<number> {
    return this.model.estimatedDocumentCount();
  }

  /**
   * Constant-time check of a user's identity hash against the site's secret: what it covers, or
   * null when it is not the site's. An email the hash does not cover is only the visitor's say.
   */
  verifyIdentity(
    site: Site,
    identity: { userId: string; hash: string; email?: string },
  ): IdentityProof | null {
    const { userId, hash, email } = identity;
    if (email !== undefined && sameHash(identityHash(site.identitySecret, userId, email), hash)) {
      return 'user-and-email';
    }
    return sameHash(identityHash(site.identitySecret, userId), hash) ? 'user' : null;
  }

  isOriginAllowed(site: Site, origin: string | undefined): boolean {
    const normalised = origin ? originOf(origin) : null;
    return normalised !== null && site.allowedOrigins.includes(normalised);
  }
}
