// HTTP routes of meetings. `/api/meetings/...`: the console's (agent sign-in): schedules, site
// rules, offers, the upcoming list, reschedule, cancel, outcome. `/meetings/...`: the visitor's,
// authorised by the signed token of each link: slots, book, reschedule, cancel, and the small
// pages the links in emails open.
import type { Failure } from '@parley/protocol';
import { failure, HTTP_STATUS } from '@parley/protocol';
import {
  bookMeetingSchema,
  cancelMeetingSchema,
  describeIssues,
  idSchema,
  linkCancelMeetingSchema,
  linkRescheduleMeetingSchema,
  offerMeetingSchema,
  recordOutcomeSchema,
  rescheduleMeetingSchema,
  scheduleInputSchema,
  siteMeetingSettingsSchema,
  slotQuerySchema,
  timeZoneSchema,
  upcomingQuerySchema,
} from '@parley/protocol/schemas';
import express, { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import { requireAgent } from '../agents/http-auth';
import { agentOf, idParam, route } from '../agents/route';
import { canSeeSite } from '../agents/service';
import type { Config } from '../config';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import { byAddress, limited } from '../http/rate-limit';
import type { Services } from '../services';
import { invalidLink } from './link-keys';
import { linkPage, resultPage } from './page';

/** Answers a service result: ok as 200 (or `okStatus`), a failure with its status and any extra fields. */
function answer(res: Response, result: { ok: true } | Failure, okStatus = 200): void {
  if (result.ok) res.status(okStatus).json(result);
  else res.status(HTTP_STATUS[result.code]).json(result);
}

export function meetingRouter(services: Services, _config: Config): Router {
  const router = Router();
  const meetings = services.meetings;

  // The console's API.
  router.use('/api/meetings', requireAgent(services));
  // Offers, slots and lists work out agents' free time: each agent gets a budget of its own.
  router.use('/api/meetings', limited({ perSecond: 20, burst: 120, key: (_req, res) => agentOf(res).id }));

  router.get(
    '/api/meetings/schedule',
    route(async (_req, res) => {
      res.json({ ok: true, schedule: await meetings.schedule(agentOf(res).id) });
    }),
  );

  router.put(
    '/api/meetings/schedule',
    route(async (req, res) => {
      const input = parse(scheduleInputSchema, req.body, res);
      if (input) res.json({ ok: true, schedule: await meetings.saveSchedule(agentOf(res), input) });
    }),
  );

  router.get(
    '/api/meetings/settings/:siteId',
    route(async (req, res) => {
      const siteId = parse(idSchema, req.params.siteId, res);
      if (!siteId) return;
      if (!canSeeSite(agentOf(res), siteId)) return sendError(res, 'not_found', 'no such site');
      res.json({ ok: true, settings: await meetings.settings(siteId) });
    }),
  );

  router.put(
    '/api/meetings/settings/:siteId',
    route(async (req, res) => {
      const siteId = parse(idSchema, req.params.siteId, res);
      if (!siteId) return;
      if (agentOf(res).role !== 'admin')
        return sendError(res, 'forbidden', 'only admins change booking rules');
      const input = parse(siteMeetingSettingsSchema, req.body, res);
      if (input) res.json({ ok: true, settings: await meetings.saveSettings(siteId, input) });
    }),
  );

  router.get(
    '/api/meetings/agenda',
    route(async (req, res) => {
      const conversationId = parse(idSchema, req.query.conversationId, res);
      if (conversationId) answer(res, await meetings.draftAgenda(agentOf(res), conversationId));
    }),
  );

  router.post(
    '/api/meetings/offers',
    route(async (req, res) => {
      const input = parse(offerMeetingSchema, req.body, res);
      if (input) answer(res, await meetings.offer(agentOf(res), input), 201);
    }),
  );

  router.get(
    '/api/meetings/upcoming',
    route(async (req, res) => {
      const query = parse(upcomingQuerySchema, req.query, res);
      if (query) answer(res, await meetings.upcoming(agentOf(res), query));
    }),
  );

  router.get(
    '/api/meetings/conversation/:conversationId',
    route(async (req, res) => {
      const conversationId = parse(idSchema, req.params.conversationId, res);
      if (conversationId) answer(res, await meetings.forConversation(agentOf(res), conversationId));
    }),
  );

  router.get(
    '/api/meetings/:id/slots',
    route(async (req, res) => {
      const id = idParam(req, res);
      const timeZone = id && parse(timeZoneSchema, req.query.timeZone ?? 'UTC', res);
      if (id && timeZone) answer(res, await meetings.slotsForAgent(agentOf(res), id, timeZone));
    }),
  );

  router.post(
    '/api/meetings/:id/reschedule',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(rescheduleMeetingSchema, req.body, res);
      if (id && input)
        answer(res, await meetings.reschedule({ kind: 'agent', agent: agentOf(res) }, id, input));
    }),
  );

  router.post(
    '/api/meetings/:id/cancel',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(cancelMeetingSchema, req.body, res);
      if (id && input)
        answer(res, await meetings.cancel({ kind: 'agent', agent: agentOf(res) }, id, input.reason));
    }),
  );

  router.post(
    '/api/meetings/:id/outcome',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(recordOutcomeSchema, req.body, res);
      if (id && input) answer(res, await meetings.recordOutcome(agentOf(res), id, input));
    }),
  );

  // The visitor's API: the widget's slot picker and the pages below call these. Each request
  // works out free slots or books: a client address gets a budget of its own.
  router.use('/meetings/:id', limited({ perSecond: 20, burst: 120, key: byAddress }));
  router.get(
    '/meetings/:id/slots',
    route(async (req, res) => {
      const id = idParam(req, res);
      const query = id && parse(slotQuerySchema, req.query, res);
      if (id && query) answer(res, await meetings.slotsForLink(id, query.token, query.timeZone));
    }),
  );

  router.post(
    '/meetings/:id/book',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(bookMeetingSchema, req.body, res);
      if (id && input) answer(res, await meetings.book(id, input), 201);
    }),
  );

  router.post(
    '/meetings/:id/reschedule',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(linkRescheduleMeetingSchema, req.body, res);
      if (id && input)
        answer(res, await meetings.reschedule({ kind: 'link', token: input.token }, id, input));
    }),
  );

  router.post(
    '/meetings/:id/cancel',
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(linkCancelMeetingSchema, req.body, res);
      if (id && input)
        answer(res, await meetings.cancel({ kind: 'link', token: input.token }, id, input.reason));
    }),
  );

  // The pages the links in emails open: plain HTML forms over the same service calls.
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const fields = (req: Request) => req.body as Record<string, string | undefined>;
  for (const action of ['book', 'reschedule', 'cancel'] as const) {
    router.get(
      `/meetings/:id/${action}`,
      route(async (req, res) => {
        const id = idSchema.safeParse(req.params.id);
        if (!id.success) return page(res, resultPage(invalidLink()));
        const token = typeof req.query.t === 'string' ? req.query.t : '';
        const zone = timeZoneSchema.safeParse(req.query.tz);
        const timeZone = zone.success ? zone.data : null;
        const result =
          action === 'cancel'
            ? await meetings.linkView(id.data, 'cancel', token)
            : await meetings.slotsForLink(id.data, token, timeZone ?? 'UTC');
        page(res, result.ok ? linkPage(action, token, timeZone, result) : resultPage(result));
      }),
    );
  }
  router.post(
    '/meetings/:id/book/form',
    form,
    route(async (req, res) => {
      const body = fields(req);
      const input = bookMeetingSchema.safeParse({
        token: body.t,
        start: body.start,
        timeZone: body.tz,
        attendee: { name: body.name, email: body.email },
      });
      const id = idSchema.safeParse(req.params.id);
      if (!id.success || !input.success) return page(res, resultPage(formError(input.error)));
      page(res, resultPage(await meetings.book(id.data, input.data)));
    }),
  );
  router.post(
    '/meetings/:id/reschedule/form',
    form,
    route(async (req, res) => {
      const body = fields(req);
      const input = linkRescheduleMeetingSchema.safeParse({
        token: body.t,
        start: body.start,
        timeZone: body.tz,
      });
      const id = idSchema.safeParse(req.params.id);
      if (!id.success || !input.success) return page(res, resultPage(formError(input.error)));
      page(
        res,
        resultPage(await meetings.reschedule({ kind: 'link', token: input.data.token }, id.data, input.data)),
      );
    }),
  );
  router.post(
    '/meetings/:id/cancel/form',
    form,
    route(async (req, res) => {
      const body = fields(req);
      const input = linkCancelMeetingSchema.safeParse({
        token: body.t,
        ...(body.reason ? { reason: body.reason } : {}),
      });
      const id = idSchema.safeParse(req.params.id);
      if (!id.success || !input.success) return page(res, resultPage(formError(input.error)));
      page(
        res,
        resultPage(
          await meetings.cancel({ kind: 'link', token: input.data.token }, id.data, input.data.reason),
        ),
      );
    }),
  );

  return router;
}

function formError(error: z.ZodError | undefined): Failure {
  return error ? failure('bad_request', describeIssues(error)) : invalidLink();
}

/** A link page: its own scripts and styles only, and never inside another site's frame (clickjacking). */
function page(res: Response, html: { status: number; html: string }): void {
  res
    .status(html.status)
    .set({
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    })
    .type('html')
    .send(html.html);
}
