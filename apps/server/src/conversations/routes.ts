// The agent HTTP API of the inbox: views and counts, search, one conversation with its visitor
// panel, actions, and transcript export (JSON or CSV, one conversation or a filtered set).
import type { ConversationDetails, Message } from '@parley/protocol';
import { conversationActionSchema, inboxQuerySchema } from '@parley/protocol/schemas';
import { type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { agentOf, idParam, route } from '../agents/route';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import { limited } from '../http/rate-limit';
import type { Services } from '../services';
import { agentActor } from './actions';
import { anonymousName } from './inbox';

/** Conversations in one filtered export; a longer one is cut and says so (`truncated`). */
const EXPORT_LIMIT = 500;
const formatSchema = z.enum(['json', 'csv']).default('json');

const byAgent = (_req: unknown, res: Response) => agentOf(res).id;

export function conversationRouter(services: Services, signedIn: RequestHandler): Router {
  const router = Router();
  // Searches and exports read many documents: each agent gets a budget of its own.
  const searchLimit = limited({ perSecond: 5, burst: 20, key: byAgent });
  const exportLimit = limited({ perSecond: 0.5, burst: 5, key: byAgent });

  router.get(
    '/api/inbox',
    signedIn,
    searchLimit,
    route(async (req, res) => {
      const query = parse(inboxQuerySchema, { ...req.query }, res);
      if (!query) return;
      res.json({ ok: true, items: await services.inbox.list(agentOf(res), query) });
    }),
  );

  router.get(
    '/api/inbox/counts',
    signedIn,
    searchLimit,
    route(async (_req, res) => {
      res.json({ ok: true, counts: await services.inbox.counts(agentOf(res)) });
    }),
  );

  router.get(
    '/api/conversations/:id',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const agent = agentOf(res);
      const conversation = await services.conversations.get(agentActor(agent), id);
      if (!conversation) return sendError(res, 'not_found', 'no such conversation');
      const [visitor, site, past] = await Promise.all([
        services.visitors.details(conversation.visitorId),
        services.siteAdmin.get(conversation.siteId),
        services.inbox.ofVisitor(agent, conversation.visitorId),
      ]);
      const details: ConversationDetails = {
        conversation,
        site: { id: conversation.siteId, name: site?.name ?? 'Unknown site' },
        visitor: {
          id: conversation.visitorId,
          name: visitor?.name || visitor?.email || anonymousName(conversation.visitorId),
          named: Boolean(visitor?.name),
          email: visitor?.email ?? null,
          emailVerified: visitor?.emailVerified ?? false,
          verified: Boolean(visitor?.userId),
          userId: visitor?.userId ?? null,
          context: visitor?.context ?? {
            url: null,
            title: null,
            referrer: null,
            language: null,
            timeZone: null,
            userAgent: null,
            screen: null,
          },
          pages: visitor?.pages ?? [],
          attributes: visitor?.attributes ?? {},
          fields: visitor?.fields ?? {},
        },
        past: past.filter((item) => item.conversation.id !== id),
      };
      res.json({ ok: true, ...details });
    }),
  );

  router.post(
    '/api/conversations/:id/actions',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      const action = id && parse(conversationActionSchema, req.body, res);
      if (!id || !action) return;
      const result = await services.actions.apply(agentOf(res), id, action);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.json(result);
    }),
  );

  router.get(
    '/api/conversations/:id/export',
    signedIn,
    exportLimit,
    route(async (req, res) => {
      const id = idParam(req, res);
      const format = id && parse(formatSchema, req.query.format, res);
      if (!id || !format) return;
      const agent = agentOf(res);
      const actor = { kind: 'agent' as const, agentId: agent.id, name: agent.name, siteIds: agent.siteIds };
      if (!(await services.conversations.get(actor, id))) {
        return sendError(res, 'not_found', 'no such conversation');
      }
      await sendTranscripts(res, services, [id], format, `conversation-${id}`);
    }),
  );

  router.get(
    '/api/export',
    signedIn,
    exportLimit,
    route(async (req, res) => {
      const { format: rawFormat, ...rest } = req.query;
      const format = parse(formatSchema, rawFormat, res);
      const query = format && parse(inboxQuerySchema, rest, res);
      if (!format || !query) return;
      // One more than the limit says whether the export was cut short.
      const ids = await services.inbox.ids(agentOf(res), query, EXPORT_LIMIT + 1);
      const truncated = ids.length > EXPORT_LIMIT;
      if (truncated) res.set('X-Parley-Export-Truncated', `first ${EXPORT_LIMIT} conversations`);
      await sendTranscripts(
        res,
        services,
        ids.slice(0, EXPORT_LIMIT),
        format,
        `conversations-${query.view}`,
        {
          truncated,
        },
      );
    }),
  );

  return router;
}

async function sendTranscripts(
  res: Response,
  services: Services,
  ids: string[],
  format: 'json' | 'csv',
  filename: string,
  extra: { truncated?: boolean } = {},
): Promise<void> {
  const transcripts = await Promise.all(
    ids.map(async (id) => ({ conversationId: id, messages: await services.conversations.timeline(id) })),
  );
  res.attachment(`${filename}.${format}`);
  if (format === 'json') {
    res.json({ ok: true, conversations: transcripts, ...extra });
    return;
  }
  const rows = [CSV_COLUMNS.join(',')];
  for (const { messages } of transcripts) for (const message of messages) rows.push(csvRow(message));
  res.type('text/csv; charset=utf-8').send(`${rows.join('\r\n')}\r\n`);
}

const CSV_COLUMNS = [
  'conversationId',
  'seq',
  'createdAt',
  'type',
  'visibility',
  'channel',
  'authorKind',
  'authorName',
  'body',
];

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a cell as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(message: Message): string {
  return [
    message.conversationId,
    message.seq,
    message.createdAt,
    message.type,
    message.visibility,
    message.channel,
    message.author.kind,
    message.author.name ?? '',
    message.body,
  ]
    .map(csvCell)
    .join(',');
}
