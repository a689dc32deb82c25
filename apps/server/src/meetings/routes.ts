// HTTP routes of meetings: slots, booking, and the signed reschedule/cancel links.
import { Router } from 'express';
import type { Config } from '../config';
import type { Services } from '../services';

export function meetingRouter(_services: Services, _config: Config): Router {
  return Router();
}
