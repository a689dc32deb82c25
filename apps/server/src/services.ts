// The domain services a relay runs with, built over one database connection.
import type { Connection } from 'mongoose';
import { agentModel } from './agents/model';
import { AgentService } from './agents/service';
import type { Config } from './config';
import { ConversationService } from './conversations/service';
import { siteModel } from './sites/model';
import { SiteService } from './sites/service';
import { visitorModel } from './visitors/model';
import { VisitorService } from './visitors/service';

export interface Services {
  sites: SiteService;
  visitors: VisitorService;
  agents: AgentService;
  conversations: ConversationService;
}

export function createServices(connection: Connection, config: Config): Services {
  return {
    sites: new SiteService(connection),
    visitors: new VisitorService(connection),
    agents: new AgentService(connection),
    conversations: new ConversationService(connection, config.batchWindowMs),
  };
}

/** Builds every index the models declare; safe to run on every start. */
export async function syncIndexes(connection: Connection, services: Services): Promise<void> {
  await Promise.all([
    siteModel(connection).syncIndexes(),
    visitorModel(connection).syncIndexes(),
    agentModel(connection).syncIndexes(),
    services.conversations.syncIndexes(),
  ]);
}
