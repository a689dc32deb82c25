// The relay's email API as the console calls it: continue by email, stored and held mail, the
// site setting, and the development Mailbox. Failures arrive as the console's ApiError.
import type {
  Conversation,
  EmailSiteSettings,
  EmailThreadView,
  EmailView,
  HeldEmailView,
  MailboxEntry,
} from '@parley/protocol';
import { call } from '../api';

const conversationPath = (id: string) => `/api/email/conversations/${encodeURIComponent(id)}`;

export const emailApi = {
  thread: (conversationId: string) =>
    call<{ thread: EmailThreadView | null }>('GET', conversationPath(conversationId)),
  escalate: (conversationId: string, address?: string) =>
    call<{ conversation: Conversation; thread: EmailThreadView }>(
      'POST',
      `${conversationPath(conversationId)}/escalate`,
      address ? { address } : {},
    ),
  backToChat: (conversationId: string) =>
    call<{ conversation: Conversation }>('POST', `${conversationPath(conversationId)}/chat`, {}),
  transcript: (conversationId: string) =>
    call<object>('POST', `${conversationPath(conversationId)}/transcript`, {}),
  email: (emailId: string) =>
    call<{ email: EmailView }>('GET', `/api/email/messages/${encodeURIComponent(emailId)}`),
  attachmentUrl: (attachmentId: string) => `/api/email/attachments/${encodeURIComponent(attachmentId)}`,
  held: () => call<{ held: HeldEmailView[] }>('GET', '/api/email/held'),
  release: (id: string) => call<object>('POST', `/api/email/held/${encodeURIComponent(id)}/release`, {}),
  discard: (id: string) => call<object>('DELETE', `/api/email/held/${encodeURIComponent(id)}`),
  siteSettings: (siteId: string) =>
    call<{ settings: EmailSiteSettings }>('GET', `/api/email/sites/${encodeURIComponent(siteId)}/settings`),
  saveSiteSettings: (siteId: string, settings: EmailSiteSettings) =>
    call<{ settings: EmailSiteSettings }>(
      'PUT',
      `/api/email/sites/${encodeURIComponent(siteId)}/settings`,
      settings,
    ),
  mailbox: () => call<{ emails: MailboxEntry[] }>('GET', '/api/email/mailbox'),
  replyAsVisitor: (id: string, body: string) =>
    call<object>('POST', `/api/email/mailbox/${encodeURIComponent(id)}/reply`, { body }),
};
