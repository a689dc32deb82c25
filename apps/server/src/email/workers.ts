// Background work of the email channel that runs beside a relay: the built-in SMTP server, the
// outbound transport, and the worker that sends due emails (replies, fallbacks, transcripts).
import type { AddressInfo } from 'node:net';
import type { Message } from '@parley/protocol';
import { createTransport } from 'nodemailer';
import type { Config } from '../config';
import type { Route } from '../conversations/writer';
import type { Services } from '../services';
import { inboundSmtpServer } from './inbound-smtp';

export async function startEmailWorkers(
  services: Services,
  config: Config,
): Promise<{ close(): Promise<void> }> {
  const { email, conversations } = services;
  const smtp =
    config.inboundSmtpPort === null
      ? null
      : inboundSmtpServer(email, config.inboundDomain, config.inboundTls);
  if (smtp) {
    await new Promise<void>((resolve, reject) => {
      smtp.server.once('error', reject);
      smtp.listen(config.inboundSmtpPort!, config.host, () => resolve());
    });
    email.inboundPort = (smtp.server.address() as AddressInfo).port;
  }
  // Without SMTP_URL, the development Mailbox is the outbound server too.
  const smtpUrl =
    config.smtpUrl ??
    (config.devMailbox && email.inboundPort ? `smtp://${config.host}:${email.inboundPort}` : null);
  const transport = smtpUrl ? createTransport(smtpUrl) : null;
  if (!transport) {
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    return { close: async () => {} };
  }
  email.useSender((mail) => transport.sendMail(mail));
  email.oweReplies();

  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const dispatch = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await email.dispatchDue().catch((error) => console.error('parley: email dispatch failed', error));
      } while (again && !closed);
      running = null;
    })();
  };
  const onMessage = (message: Message, route: Route) => {
    email.onMessage(message, route).catch((error) => console.error('parley: email scheduling failed', error));
  };
  conversations.events.on('message', onMessage);
  email.due.on('due', dispatch);
  // Each tick also picks up replies a stopped relay stored but did not schedule.
  let recovering: Promise<void> | null = null;
  const tick = () => {
    if (closed || recovering) return;
    recovering = email
      .recoverOwed()
      .then(
        () => {},
        (error) => console.error('parley: email recovery failed', error),
      )
      .finally(() => {
        recovering = null;
        dispatch();
      });
  };
  const timer = setInterval(tick, config.emailTickMs);
  tick();

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      conversations.events.off('message', onMessage);
      email.due.off('due', dispatch);
      await recovering;
      await running;
      await email.flushSettled();
      email.useSender(null);
      transport.close();
      if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
