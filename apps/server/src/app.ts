// Assembles a relay: the Express app, the HTTP server and Socket.IO over one database connection.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Server as IoServer } from 'socket.io';
import { agentRouter } from './agents/routes';
import { cannedRouter } from './canned/routes';
import type { Config } from './config';
import { connectDatabase } from './db/connect';
import { emailRouter } from './email/routes';
import { startEmailWorkers } from './email/workers';
import { errorHandler } from './http/errors';
import { meetingRouter } from './meetings/routes';
import { startMeetingWorkers } from './meetings/workers';
import { attachRealtime } from './realtime';
import { createServices, type Services, syncIndexes } from './services';
import { periodic } from './shared/worker';
import { siteRouter } from './sites/routes';
import { widgetRouter } from './widget/routes';

export interface Relay {
  url: string;
  port: number;
  services: Services;
  connection: Connection;
  io: IoServer;
  http: HttpServer;
  /** The Express app, so tests can walk every route it serves. */
  app: Express;
  close(): Promise<void>;
}

/**
 * Connects to the database and starts listening on `config.host:config.port` (0 picks a port).
 * @example const relay = await startRelay({ ...loadConfig(), port: 0 });
 */
export async function startRelay(config: Config): Promise<Relay> {
  const connection = await connectDatabase(config.mongodbUri, config.dbName);
  const services = createServices(connection, config);
  await syncIndexes(connection, services);

  const app = express();
  app.disable('x-powered-by');
  // Behind proxies named in PARLEY_TRUST_PROXY, req.ip is the client X-Forwarded-For names.
  app.set('trust proxy', config.trustProxy);
  app.use(express.json({ limit: '64kb' }));
  app.get('/health', async (_req, res) => {
    const ping = await connection.db
      ?.admin()
      .ping()
      .then(
        () => true,
        () => false,
      );
    res.status(ping ? 200 : 503).json({ ok: ping });
  });
  app.use(widgetRouter(services, config));
  app.use(agentRouter(services, config));
  app.use(cannedRouter(services));
  app.use(siteRouter(services));
  app.use(emailRouter(services, config));
  app.use(meetingRouter(services, config));
  app.use(errorHandler);

  const http = createServer(app);
  const realtime = await attachRealtime(http, services, config);
  const io = realtime.io;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const workers = [
    await startEmailWorkers(services, config),
    await startMeetingWorkers(services, config),
    periodic({
      name: 'snoozes',
      everyMs: config.snoozeTickMs,
      pass: () => services.actions.wakeSnoozed(),
    }).start(),
  ];

  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host}:${port}`,
    port,
    services,
    connection,
    io,
    http,
    app,
    close() {
      closing ??= (async () => {
        for (const worker of workers) await worker.stop();
        await realtime.close();
        await services.routing.settled();
        await connection.close();
      })();
      return closing;
    },
  };
}
