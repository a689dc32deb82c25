// Visitors: minting and checking bearer tokens, and finding signed-in users by their user id.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  PageView,
  Result,
  VisitorAttributes,
  VisitorContext,
  VisitorContextPayload,
} from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type Connection, Types, trusted } from 'mongoose';
import { hashToken } from '../shared/tokens';
import { type VisitorDoc, visitorModel } from './model';

/** How many pages of a visitor's trail are kept. */
const MAX_PAGE_TRAIL = 50;
/** How many attributes one visitor may carry in all. */
const MAX_STORED_ATTRIBUTES = 100;

/** A visitor with everything the widget reported: where they are, where they have been, what the site said. */
export interface VisitorDetails extends Visitor {
  context: VisitorContext;
  pages: PageView[];
  attributes: VisitorAttributes;
  fields: Record<string, string>;
  consentAt: string | null;
}

export interface Visitor {
  id: string;
  siteId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  /** The site signed `email` along with the user id; otherwise the address is only the visitor's say. */
  emailVerified: boolean;
  /** Mail to `email` bounced. */
  emailFailing: boolean;
}

function toVisitor(doc: VisitorDoc): Visitor {
  return {
    id: doc._id.toHexString(),
    siteId: doc.siteId.toHexString(),
    userId: doc.userId ?? null,
    name: doc.name ?? null,
    email: doc.email ?? null,
    emailVerified: Boolean(doc.email && doc.emailVerified),
    emailFailing: doc.emailFailing ?? false,
  };
}

const anonymous = (id: string, siteId: string): Visitor => ({
  id,
  siteId,
  userId: null,
  name: null,
  email: null,
  emailVerified: false,
  emailFailing: false,
});

export class VisitorService {
  private readonly model;

  /** @param secret signs the tokens of visitors not stored yet (see mint). */
  constructor(
    connection: Connection,
    private readonly secret: string,
  ) {
    this.model = visitorModel(connection);
  }

  /**
   * A new anonymous visitor and the token that will identify it from now on, not stored: a
   * handshake costs no write, and the record is made on the visitor's first real use (store).
   * Until then the token carries the visitor's id and a signature, so it keeps naming the same
   * visitor on every reconnect; once stored, it is found by its hash like any other.
   */
  newUnstored(siteId: string): { visitor: Visitor; token: string } {
    const id = new Types.ObjectId().toHexString();
    return { visitor: anonymous(id, siteId), token: `${id}${this.signature(siteId, id)}` };
  }

  /** A new anonymous visitor, stored at once, and its token. */
  async mint(siteId: string): Promise<{ visitor: Visitor; token: string }> {
    const minted = this.newUnstored(siteId);
    await this.store(minted.visitor, minted.token);
    return minted;
  }

  /** The visitor of a token from newUnstored that was never stored, when it was minted for this site. */
  unstoredByToken(siteId: string, token: string): Visitor | null {
    const id = token.slice(0, 24);
    if (token.length !== 24 + 43 || !/^[0-9a-f]{24}$/.test(id)) return null;
    const given = Buffer.from(token.slice(24));
    const expected = Buffer.from(this.signature(siteId, id));
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? anonymous(id, siteId)
      : null;
  }

  /** Stores a minted visitor on first use; nothing happens when it is stored already. */
  async store(visitor: Visitor, token: string): Promise<void> {
    try {
      await this.model.updateOne(
        { _id: visitor.id },
        { $setOnInsert: { siteId: visitor.siteId, tokenHash: hashToken(token), lastSeenAt: new Date() } },
        { upsert: true },
      );
    } catch (error) {
      // Two first uses at once: the one that lost the race finds the record there.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }

  private signature(siteId: string, visitorId: string): string {
    return createHmac('sha256', this.secret)
      .update(`visitor-token\n${siteId}\n${visitorId}`)
      .digest('base64url');
  }

  /**
   * The visitor a token belongs to, only if it belongs to this site. A token a continue link
   * gave another browser reaches only that link's conversation: `conversationId` says which.
   */
  async byToken(
    siteId: string,
    token: string,
  ): Promise<{ visitor: Visitor; conversationId: string | null } | null> {
    const hash = hashToken(token);
    const seen = { $set: { lastSeenAt: new Date() } };
    const own = await this.model
      .findOneAndUpdate({ tokenHash: hash, siteId }, seen, { returnDocument: 'after' })
      .lean<VisitorDoc>();
    if (own) return { visitor: toVisitor(own), conversationId: null };
    const device = await this.model
      .findOneAndUpdate({ deviceTokenHashes: hash, siteId }, seen, { returnDocument: 'after' })
      .lean<VisitorDoc>();
    if (!device) return null;
    const link = device.deviceLinks?.find((entry) => entry.tokenHash === hash);
    // A device token always has its link entry; without one it reaches nothing.
    return link?.conversationId ? { visitor: toVisitor(device), conversationId: link.conversationId } : null;
  }

  /**
   * A token for another browser of this visitor, in exchange for a "continue in the browser" link
   * (named by its hash). Each link works once, atomically; null when it was used already. The
   * visitor's first browser keeps its own token. The token lasts until the link's conversation
   * moves to another email address (revokeDevices).
   */
  async addDevice(visitorId: string, linkHash: string, conversationId: string): Promise<string | null> {
    const token = randomBytes(24).toString('base64url');
    const tokenHash = hashToken(token);
    const updated = await this.model.updateOne(
      { _id: visitorId, usedLinkHashes: trusted({ $ne: linkHash }) },
      {
        $push: {
          deviceTokenHashes: { $each: [tokenHash], $slice: -20 },
          deviceLinks: { $each: [{ tokenHash, conversationId }], $slice: -20 },
          usedLinkHashes: { $each: [linkHash], $slice: -200 },
        },
      },
    );
    return updated.modifiedCount === 1 ? token : null;
  }

  /** Ends the sessions that continue links of this conversation minted for other browsers. */
  async revokeDevices(visitorId: string, conversationId: string): Promise<void> {
    const doc = await this.model.findById(visitorId, { deviceLinks: 1 }).lean<VisitorDoc>();
    const hashes = (doc?.deviceLinks ?? [])
      .filter((device) => device.conversationId === conversationId)
      .map((device) => device.tokenHash);
    if (hashes.length === 0) return;
    await this.model.updateOne(
      { _id: visitorId },
      { $pull: { deviceTokenHashes: { $in: hashes }, deviceLinks: { conversationId } } },
    );
  }

  /**
   * The visitor record of a verified shop user, created on first sight. `emailSigned` says the
   * site's hash covered the email too; the name never is.
   */
  async identified(
    siteId: string,
    userId: string,
    profile: { name?: string | undefined; email?: string | undefined; emailSigned: boolean },
  ): Promise<Visitor> {
    const { name, email, emailSigned } = profile;
    const set: Record<string, unknown> = { lastSeenAt: new Date() };
    if (name) set.name = name;
    if (email && emailSigned) Object.assign(set, { email, emailVerified: true });
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.model
          .findOneAndUpdate({ siteId, userId }, { $set: set }, { upsert: true, returnDocument: 'after' })
          .lean<VisitorDoc>();
        if (!doc) throw new Error('upsert returned no visitor');
        if (!email || emailSigned || doc.email === email) return toVisitor(doc);
        return toVisitor((await this.setUnsignedEmail(doc._id.toHexString(), email, {})) ?? doc);
      } catch (error) {
        // Two first connections at once: the unique index lets one insert, the other retries.
        if ((error as { code?: number }).code !== 11000 || attempt > 2) throw error;
      }
    }
  }

  async byId(visitorId: string): Promise<Visitor | null> {
    const doc = await this.model.findById(visitorId).lean<VisitorDoc>();
    return doc ? toVisitor(doc) : null;
  }

  /** Records the email a visitor gave (validated by the caller); a new address is not failing. */
  async setEmail(visitorId: string, email: string): Promise<void> {
    await this.setUnsignedEmail(visitorId, email, { emailFailing: false });
  }

  /**
   * Stores an address the site did not sign, with `set`: the address the site signed before stays
   * marked verified only when it is this same one. Checked in the filter, not read first, so a
   * signed handshake in between can only leave the address unmarked, never mark another one.
   */
  private async setUnsignedEmail(
    visitorId: string,
    email: string,
    set: Record<string, unknown>,
  ): Promise<VisitorDoc | null> {
    const after = { returnDocument: 'after' } as const;
    return (
      (await this.model
        .findOneAndUpdate({ _id: visitorId, email }, { $set: { ...set, email } }, after)
        .lean<VisitorDoc>()) ??
      (await this.model
        .findOneAndUpdate({ _id: visitorId }, { $set: { ...set, email, emailVerified: false } }, after)
        .lean<VisitorDoc>())
    );
  }

  /** Marks the visitor's address as failing after a bounce, unless they gave another one since. */
  async markEmailFailing(visitorId: string, email: string): Promise<void> {
    await this.model.updateOne({ _id: visitorId, email }, { $set: { emailFailing: true } });
  }
  /**
   * Records where the visitor is now (the widget sends this on load and on every page change)
   * and adds the page to their trail. Answers whether it did (a view sent again changes nothing).
   * @example await visitors.recordContext(id, { url: 'https://shop.example/cart', title: 'Cart' })
   */
  async recordContext(
    visitorId: string,
    context: VisitorContextPayload & { userAgent?: string },
  ): Promise<boolean> {
    const at = new Date();
    const { viewId, ...current } = context;
    const page = { url: context.url, title: context.title ?? '', at, ...(viewId ? { viewId } : {}) };
    // A view the widget sends again (its ack was lost) is already in the trail: it changes
    // nothing, not even the current page, which a later view may have moved on.
    const { modifiedCount } = await this.model.updateOne(
      { _id: visitorId, ...(viewId ? { 'pages.viewId': trusted({ $ne: viewId }) } : {}) },
      {
        $set: { context: current, lastSeenAt: at },
        $push: { pages: { $each: [page], $slice: -MAX_PAGE_TRAIL } },
      },
    );
    return modifiedCount > 0;
  }

  /**
   * Merges attributes the site passed (null removes one). Refused, changing nothing, when the
   * visitor would end up with more than MAX_STORED_ATTRIBUTES.
   */
  async setAttributes(visitorId: string, attributes: VisitorAttributes): Promise<Result> {
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (value === null) unset[`attributes.${key}`] = '';
      else set[`attributes.${key}`] = value;
    }
    const added = Object.keys(set).length;
    // The driver's collection: mongoose's sanitizeFilter refuses $expr, and this filter is built
    // here from validated keys, never taken from the wire.
    const result = await this.model.collection.updateOne(
      {
        _id: new Types.ObjectId(visitorId),
        $expr: {
          $lte: [
            { $size: { $objectToArray: { $ifNull: ['$attributes', {}] } } },
            MAX_STORED_ATTRIBUTES - added,
          ],
        },
      },
      { ...(added ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    );
    if (result.matchedCount === 0) {
      return failure('too_large', `a visitor keeps at most ${MAX_STORED_ATTRIBUTES} attributes`);
    }
    return { ok: true };
  }

  /** Stores what the visitor typed into the pre-chat or offline form. Never identity: just a profile (unverified). */
  async updateProfile(
    visitorId: string,
    profile: {
      name?: string | undefined;
      email?: string | undefined;
      fields?: Record<string, string> | undefined;
      consent?: boolean | undefined;
    },
  ): Promise<void> {
    const set: Record<string, unknown> = {};
    if (profile.name) set.name = profile.name;
    for (const [key, value] of Object.entries(profile.fields ?? {})) set[`fields.${key}`] = value;
    if (profile.consent) set.consentAt = new Date();
    if (profile.email) await this.setUnsignedEmail(visitorId, profile.email, { ...set, emailFailing: false });
    else if (Object.keys(set).length > 0) await this.model.updateOne({ _id: visitorId }, { $set: set });
  }

  /** Everything the widget reported about a visitor, for the console's visitor panel. */
  async details(visitorId: string): Promise<VisitorDetails | null> {
    const doc = await this.model.findById(visitorId).lean<VisitorDoc>();
    if (!doc) return null;
    const context = doc.context ?? {};
    return {
      ...toVisitor(doc),
      context: {
        url: context.url ?? null,
        title: context.title ?? null,
        referrer: context.referrer ?? null,
        language: context.language ?? null,
        timeZone: context.timeZone ?? null,
        userAgent: context.userAgent ?? null,
        screen: context.screen?.width
          ? { width: context.screen.width, height: context.screen.height ?? 0 }
          : null,
      },
      pages: (doc.pages ?? []).map((page) => ({
        url: page.url ?? '',
        title: page.title ?? '',
        at: (page.at ?? new Date(0)).toISOString(),
      })),
      attributes: (doc.attributes ?? {}) as VisitorAttributes,
      fields: (doc.fields ?? {}) as Record<string, string>,
      consentAt: doc.consentAt ? doc.consentAt.toISOString() : null,
    };
  }
}
