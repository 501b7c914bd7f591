/**
 * Grafana's image tag: a hash of the grafana/ folder.
 *
 * Scenarios and expected outcomes:
 * 1. The same content gives the same tag, whatever the order files were written in.
 * 2. A changed byte, a renamed file or a new nested file gives a new tag.
 * 3. The tag is `g-` and 16 hex digits; the repository is `<app>-grafana`.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grafanaImageTag, grafanaRepositoryName } from './grafana.ts';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'grafana-tag-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('grafanaImageTag', () => {
  const files = { Dockerfile: 'FROM x\n', 'provisioning/a.yaml': 'a: 1\n' };

  it('is the same for the same content', () => {
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(grafanaImageTag(folder(files))).toBe(grafanaImageTag(folder(reversed)));
    expect(grafanaImageTag(folder(files))).toMatch(/^g-[0-9a-f]{16}$/);
  });

  it('changes with a byte, a name or a new file', () => {
    const tag = grafanaImageTag(folder(files));
    expect(grafanaImageTag(folder({ ...files, Dockerfile: 'FROM y\n' }))).not.toBe(tag);
    const renamed = folder(files);
    renameSync(join(renamed, 'provisioning/a.yaml'), join(renamed, 'provisioning/b.yaml'));
    expect(grafanaImageTag(renamed)).not.toBe(tag);
    expect(grafanaImageTag(folder({ ...files, 'dashboards/x/y.json': '{}' }))).not.toBe(tag);
  });

  it('names the repository <app>-grafana', () => {
    expect(grafanaRepositoryName('shop')).toBe('shop-grafana');
  });
});
