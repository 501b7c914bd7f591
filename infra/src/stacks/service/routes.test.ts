/*
 * Rule priorities of routed web services: after the tools (10, 20), before the catch-all (1000);
 * hosts and paths first, then paths, then hosts, in declaration order within each.
 */
import type { ResolvedService } from '@slipway/config';
import { describe, expect, it } from 'vitest';
import { routePriorities } from './routes.ts';

const web = (name: string, route?: { paths?: string[]; hosts?: string[] }) =>
  ({ name, type: 'web', route }) as unknown as ResolvedService;

describe('routePriorities', () => {
  it('puts hosts and paths first, then paths, then hosts, each in declaration order', () => {
    const priorities = routePriorities([
      web('site'),
      web('admin', { hosts: ['admin.example.com'] }),
      web('api', { paths: ['/api/*'] }),
      web('v2', { hosts: ['api.example.com'], paths: ['/v2/*'] }),
      web('docs', { paths: ['/docs/*'] }),
    ]);
    expect([...priorities]).toEqual([
      ['v2', 100],
      ['api', 110],
      ['docs', 120],
      ['admin', 130],
    ]);
  });

  it('refuses more routed services than fit before the catch-all', () => {
    const many = Array.from({ length: 91 }, (_, i) => web(`s${i}`, { paths: [`/s${i}/*`] }));
    expect(() => routePriorities(many)).toThrow(/at most 90 routed web services/);
  });
});
