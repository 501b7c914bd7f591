import type { AppInstance } from '../app.ts';
import type { Item } from '../schemas/item.ts';
import { CONTENT_SECURITY_POLICY, renderRootPage, requestOrigin } from './root-page.ts';

/** Items shown on the page, newest first. */
const RECENT_ITEMS = 10;

/** `GET /`: a small human page. Renders (with a notice) even when the database is down. */
export default async function rootRoutes(app: AppInstance) {
  app.get('/', async (request, reply) => {
    let items: Item[] | undefined;
    try {
      items = await app.itemsRepository.recent(RECENT_ITEMS);
    } catch (error) {
      request.log.warn({ err: error }, 'home page: could not read items');
    }
    // `protocol` is the socket's own (https only when the service terminates TLS): no proxy is trusted.
    const encrypted = request.protocol === 'https';
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .send(renderRootPage(app.config, items, requestOrigin(request.headers, encrypted, app.config)));
  });
}
