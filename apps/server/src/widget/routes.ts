// HTTP routes the widget needs: the loader script, the iframe app and its assets.
import { Router } from 'express';
import type { Config } from '../config';
import type { Services } from '../services';

export function widgetRouter(_services: Services, _config: Config): Router {
  return Router();
}
