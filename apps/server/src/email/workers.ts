// Background work of the email channel that runs beside a relay: the built-in SMTP server, the
// outbound transport, and two jobs: sending due emails (replies, fallbacks, transcripts), run
// whenever one comes due, and picking up replies a stopped relay stored but did not schedule.
import type { AddressInfo } from 'node:net';
import type { Message } from '@parley/protocol';
import { createTransport } from 'nodemailer';
import type { Config } from '../config';
import type { Route } from '../conversations/service';
import type { Services } from '../services';
import { periodic } from '../shared/worker';
import { inboundSmtpServer } from './inbound-smtp';

export async function startEmailWorkers(
  services: Services,
  config: Config,
): Promise<{ stop(): Promise<void> }> {
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
    return {
      stop: async () => {
        if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
      },
    };
  }
  email.useSender((mail) => transport.sendMail(mail));
  email.oweReplies();

  const dispatch = periodic({
    name: 'email dispatch',
    everyMs: config.emailTickMs,
    pass: () => email.dispatchDue(),
  });
  const recovery = periodic({
    name: 'email recovery',
    everyMs: config.emailTickMs,
    pass: async () => {
      await email.recoverOwed();
      void dispatch.tick();
    },
  });
  const onMessage = (message: Message, route: Route) => {
    email.onMessage(message, route).catch((error) => console.error('parley: email scheduling failed', error));
  };
  const onDue = () => void dispatch.tick();
  conversations.events.on('message', onMessage);
  email.due.on('due', onDue);
  recovery.start();

  return {
    async stop() {
      conversations.events.off('message', onMessage);
      email.due.off('due', onDue);
      await recovery.stop();
      await dispatch.stop();
      await email.flushSettled();
      email.useSender(null);
      transport.close();
      if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
