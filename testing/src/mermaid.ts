/*
 * Parses mermaid source with the mermaid release GitHub renders Markdown diagrams with, in Node:
 * mermaid's parser needs a DOM only for its sanitizer, so a jsdom window stands in for the browser.
 *
 * The version is pinned in testing/package.json: 11.12.0, what a ```mermaid info``` block showed on
 * github.com in November 2025 (stated in the pull request that moved the peek.nvim Markdown previewer to it).
 * Move both when GitHub moves.
 */
export const GITHUB_MERMAID_VERSION = '11.12.0';

interface Mermaid {
  initialize(config: { startOnLoad: boolean }): void;
  parse(text: string): Promise<{ diagramType: string }>;
}

let loaded: Promise<{ mermaid: Mermaid; version: string }> | undefined;

async function load(): Promise<{ mermaid: Mermaid; version: string }> {
  const missing = (error: unknown) =>
    new Error(
      `MERMAID CHECK CANNOT RUN: mermaid or jsdom is not installed (${(error as Error).message}); install them with \`npm ci\` at the repository root (devDependencies of @slipway/testing)`,
    );
  const jsdom = await import('jsdom').catch((error: unknown) => {
    throw missing(error);
  });
  // The window must exist before mermaid loads: its sanitizer (DOMPurify) looks for it once, on import.
  const dom = new jsdom.JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const module = (await import('mermaid').catch((error: unknown) => {
    throw missing(error);
  })) as unknown as { default: Mermaid };
  const { createRequire } = await import('node:module');
  const version = (createRequire(import.meta.url)('mermaid/package.json') as { version: string }).version;
  module.default.initialize({ startOnLoad: false });
  return { mermaid: module.default, version };
}

/** The diagram type mermaid parsed `text` as; throws mermaid's parse error for invalid source. */
export async function parseMermaid(text: string): Promise<{ diagramType: string; version: string }> {
  loaded ??= load();
  const { mermaid, version } = await loaded;
  const { diagramType } = await mermaid.parse(text);
  return { diagramType, version };
}
