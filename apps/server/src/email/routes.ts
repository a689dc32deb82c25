// HTTP routes of the email channel: the agent API (continue by email, transcripts, stored mail,
// held mail), the signed inbound door for raw MIME, "continue in the browser" links, and the
// development Mailbox.
import type { ErrorCode } from '@parley/protocol';
import {
  continueLinkSchema,
  emailSiteSettingsSchema,
  escalateSchema,
  idSchema,
  mailboxReplySchema,
  transcriptSchema,
} from '@parley/protocol/schemas';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAgent } from '../agents/http-auth';
import { agentOf, idParam, requireAdmin, route } from '../agents/route';
import type { Config } from '../config';
import { agentActor } from '../conversations/actions';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import { byAddress, limited } from '../http/rate-limit';
import type { Services } from '../services';
import { hashToken } from '../shared/tokens';
import { MAX_EMAIL_BYTES } from './inbound';
import { verifyContinueLink, verifyInbound } from './signatures';

function fail(res: Response, result: { code: ErrorCode; message: string }): void {
  sendError(res, result.code, result.message);
}

export function emailRouter(services: Services, config: Config): Router {
  const router = Router();
  const { email } = services;
  const signedIn = requireAgent(services);
  // Continue links are public: each client address gets a budget of its own.
  const continueLimit = limited({ perSecond: 1, burst: 10, key: byAddress });
  const mailboxOn = (_req: Request, res: Response, next: NextFunction) => {
    if (!config.devMailbox) return sendError(res, 'not_found', 'the development Mailbox is off');
    next();
  };

  // Raw MIME from a relay or provider, signed with the shared secret. Answers what became of it.
  router.post(
    '/api/email/inbound',
    express.raw({ type: () => true, limit: MAX_EMAIL_BYTES }),
    route(async (req, res) => {
      if (!config.inboundSecret) return sendError(res, 'not_found', 'the inbound HTTP door is closed');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signed = verifyInbound(
        config.inboundSecret,
        body,
        req.get('x-parley-timestamp'),
        req.get('x-parley-signature'),
      );
      if (!signed) return sendError(res, 'unauthorized', 'missing or wrong signature');
      if (body.length === 0) return sendError(res, 'bad_request', 'empty message');
      const outcome = await email.receive(body, { envelopeFrom: null, recipients: null });
      if (outcome.disposition === 'refused') return sendError(res, 'too_large', outcome.message);
      res.json({ ok: true, ...outcome });
    }),
  );

  router.get(
    '/api/email/conversations/:id',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const actor = agentActor(agentOf(res));
      // No thread yet answers null; a conversation the agent may not see answers 404.
      if (!(await services.conversations.get(actor, id)))
        return sendError(res, 'not_found', 'no such conversation');
      res.json({ ok: true, thread: await email.thread(actor, id) });
    }),
  );

  router.post(
    '/api/email/conversations/:id/escalate',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      const body = id && parse(escalateSchema, req.body, res);
      if (!id || !body) return;
      const result = await email.continueByEmail(agentActor(agentOf(res)), id, body.address);
      if (!result.ok) return fail(res, result);
      res.json(result);
    }),
  );

  router.post(
    '/api/email/conversations/:id/chat',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const result = await email.continueInChat(agentActor(agentOf(res)), id);
      if (!result.ok) return fail(res, result);
      res.json(result);
    }),
  );

  router.post(
    '/api/email/conversations/:id/transcript',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      const body = id && parse(transcriptSchema, req.body, res);
      if (!id || !body) return;
      const result = await email.sendTranscript(agentActor(agentOf(res)), id, body.address);
      if (!result.ok) return fail(res, result);
      res.json(result);
    }),
  );

  router.get(
    '/api/email/messages/:id',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const found = await email.email(agentActor(agentOf(res)), id);
      if (!found) return sendError(res, 'not_found', 'no such email');
      res.json({ ok: true, email: found });
    }),
  );

  // Attachments download as opaque files: never rendered in the console's origin.
  router.get(
    '/api/email/attachments/:id',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const found = await email.attachment(agentActor(agentOf(res)), id);
      if (!found) return sendError(res, 'not_found', 'no such attachment');
      res.set('content-security-policy', "default-src 'none'; sandbox");
      res.set('x-content-type-options', 'nosniff');
      res.attachment(found.filename);
      res.type(found.contentType);
      res.send(found.content);
    }),
  );

  router.get(
    '/api/email/held',
    signedIn,
    requireAdmin,
    route(async (_req, res) => {
      res.json({ ok: true, held: await email.held() });
    }),
  );

  router.post(
    '/api/email/held/:id/release',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const result = await email.releaseHeld(id);
      if (!result.ok) return fail(res, result);
      res.json(result);
    }),
  );

  router.delete(
    '/api/email/held/:id',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      if (!(await email.discardHeld(id))) return sendError(res, 'not_found', 'no such held email');
      res.json({ ok: true });
    }),
  );

  router.get(
    '/api/email/sites/:siteId/settings',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const siteId = parse(idSchema, req.params.siteId, res);
      if (!siteId) return;
      res.json({ ok: true, settings: await email.siteSettings(siteId) });
    }),
  );

  router.put(
    '/api/email/sites/:siteId/settings',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const siteId = parse(idSchema, req.params.siteId, res);
      const settings = siteId && parse(emailSiteSettingsSchema, req.body, res);
      if (!siteId || !settings) return;
      if (!(await services.sites.byId(siteId))) return sendError(res, 'not_found', 'no such site');
      res.json({ ok: true, settings: await email.updateSiteSettings(siteId, settings) });
    }),
  );

  // The link in every email: back to the site the conversation belongs to, where the widget
  // takes the token over (POST /api/email/continue) and reopens the conversation.
  router.get(
    '/continue/:token',
    continueLimit,
    route(async (req, res) => {
      const token = String(req.params.token);
      const signed = token.length <= 512 ? verifyContinueLink(config.linkSecret, token) : null;
      const link = signed && (await email.openLink(signed)) ? signed : null;
      const conversation = link ? await services.conversations.byId(link.conversationId) : null;
      const site = conversation ? await services.sites.byId(conversation.siteId) : null;
      const origin = site?.allowedOrigins[0];
      if (!link || !origin) {
        res.status(404).type('text/plain').send('This link is not valid (or has expired).');
        return;
      }
      res.redirect(302, `${origin}/#parley-continue=${encodeURIComponent(token)}`);
    }),
  );

  // A "continue in the browser" link: checked here, then the widget on the site takes it over.
  // A browser that is not yet the visitor's asks with `device` and gets a token of its own, once
  // per link: a forwarded or leaked email cannot be replayed into more sessions.
  router.post(
    '/api/email/continue',
    continueLimit,
    route(async (req, res) => {
      const body = parse(continueLinkSchema, req.body, res);
      if (!body) return;
      const signed = verifyContinueLink(config.linkSecret, body.token);
      const link = signed && (await email.openLink(signed)) ? signed : null;
      if (!link) return sendError(res, 'unauthorized', 'this link is not valid (or has expired)');
      const conversation = await services.conversations.byId(link.conversationId);
      const site = conversation && (await services.sites.byId(conversation.siteId));
      if (!conversation || !site || conversation.visitorId !== link.visitorId) {
        return sendError(res, 'not_found', 'no such conversation');
      }
      const found = {
        ok: true,
        conversationId: conversation.id,
        visitorId: link.visitorId,
        siteKey: site.publicKey,
      };
      if (!body.device) return void res.json(found);
      const linkHash = hashToken(body.token);
      const visitorToken = await services.visitors.addDevice(link.visitorId, linkHash, link.conversationId);
      if (!visitorToken)
        return sendError(
          res,
          'forbidden',
          'this link was used already: open it in that browser, or reply to the email',
        );
      res.json({ ...found, visitorToken });
    }),
  );

  router.get(
    '/api/email/mailbox',
    signedIn,
    mailboxOn,
    route(async (_req, res) => {
      res.json({ ok: true, emails: await email.mailbox(agentActor(agentOf(res))) });
    }),
  );

  router.post(
    '/api/email/mailbox/:id/reply',
    signedIn,
    mailboxOn,
    route(async (req, res) => {
      const id = idParam(req, res);
      const body = id && parse(mailboxReplySchema, req.body, res);
      if (!id || !body) return;
      const result = await email.replyAsVisitor(agentActor(agentOf(res)), id, body.body);
      if (!result.ok) return fail(res, result);
      res.json(result);
    }),
  );

  return router;
}
