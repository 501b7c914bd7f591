import type { AppInstance } from '../app.ts';
import type { Item } from '../schemas/item.ts';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const RECENT_ITEMS = 10;

function page(app: AppInstance, items: Item[] | undefined): string {
  const { config } = app;
  const list =
    items === undefined
      ? '<p class="warn">The database is unavailable; <a href="/ready">/ready</a> says why.</p>'
      : items.length === 0
        ? '<p>No items yet. Create one: <code>curl -X POST -H \'content-type: application/json\' -d \'{"name":"first"}\' /api/items</code></p>'
        : `<ul>${items
            .map(
              (item) =>
                `<li>${item.done ? '&#10003; ' : ''}${escapeHtml(item.name)}${item.tags.length ? ` <small>${item.tags.map(escapeHtml).join(', ')}</small>` : ''}</li>`,
            )
            .join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(config.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}dt{font-weight:600}dd{margin:0 0 .5rem}.warn{color:#a40}code{background:#eee;padding:0 .2rem}</style>
</head>
<body>
<h1>${escapeHtml(config.name)}</h1>
<dl>
<dt>Version</dt><dd>${escapeHtml(config.version)} (${escapeHtml(config.commit)})</dd>
<dt>Environment</dt><dd>${escapeHtml(config.environment)}${config.region ? ` &middot; ${escapeHtml(config.region)}` : ''}</dd>
</dl>
<h2>Recent items</h2>
${list}
<p><a href="/health">/health</a> &middot; <a href="/ready">/ready</a> &middot; <a href="/info">/info</a> &middot; <a href="/api/items">/api/items</a></p>
</body>
</html>
`;
}

/** `GET /`: a small human page. Renders (with a notice) even when the database is down. */
export default async function rootRoutes(app: AppInstance) {
  app.get('/', async (request, reply) => {
    let items: Item[] | undefined;
    try {
      items = await app.itemsRepository.recent(RECENT_ITEMS);
    } catch (error) {
      request.log.warn({ err: error }, 'home page: could not read items');
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page(app, items));
  });
}
