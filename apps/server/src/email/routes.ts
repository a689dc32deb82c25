// HTTP routes of the email channel: inbound MIME, escalation, and the development mailbox.
import { Router } from 'express';
import type { Config } from '../config';
import type { Services } from '../services';

export function emailRouter(_services: Services, _config: Config): Router {
  return Router();
}
