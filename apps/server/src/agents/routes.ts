// HTTP routes for agents and the console: sign-in, the inbox API, administration.
import { Router } from 'express';
import type { Config } from '../config';
import type { Services } from '../services';

export function agentRouter(_services: Services, _config: Config): Router {
  return Router();
}
