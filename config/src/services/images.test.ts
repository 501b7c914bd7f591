/*
 * The app's image repositories:
 *   - the `app` shorthand builds one image into the app's repository `<app>` (as before services)
 *   - two services that build: the default web service's image in `<app>`, the other in `<app>-<owner>`
 *   - `from` and `uri` build nothing; a service sharing an image pulls from its owner's repository
 *   - a default web service that pulls by URI still keeps `<app>` (without a build)
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../load.ts';
import { resolveRegistry } from '../resolve.ts';
import type { SlipwayConfigInput } from '../types.ts';
import { servicesConfig } from './fixtures.ts';
import { builtImages, imageRepositories, rebaseBuild, serviceRepository } from './images.ts';

/** The services fixture with `admin` building its own image from admin/Dockerfile. */
function twoBuilds(): SlipwayConfigInput {
  const input = servicesConfig();
  const admin = input.services?.admin;
  if (admin) admin.image = { build: { dockerfile: 'admin/Dockerfile', context: 'admin' } };
  return input;
}

describe('image repositories', () => {
  it('keeps one repository named after the app for the app shorthand', () => {
    const config = parseConfig({ ...servicesConfig(), services: undefined });
    expect(imageRepositories(config)).toEqual([
      {
        name: 'demo',
        owner: 'web',
        primary: true,
        build: { context: '.', dockerfile: 'app/Dockerfile' },
      },
    ]);
    expect(resolveRegistry(config).repositoryName).toBe('demo');
  });

  it('gives every other built image its own repository <app>-<owner>', () => {
    const config = parseConfig(twoBuilds());
    expect(builtImages(config).map((r) => [r.name, r.owner, r.build.dockerfile, r.build.context])).toEqual([
      ['demo', 'web', 'app/Dockerfile', '.'],
      ['demo-admin', 'admin', 'admin/Dockerfile', 'admin'],
    ]);
    expect(resolveRegistry(config).repositories.map((r) => r.name)).toEqual(['demo', 'demo-admin']);
  });

  it('gives build paths relative to the checkout when the config sits in a subfolder', () => {
    const config = parseConfig(twoBuilds());
    const paths = { configDir: '/repo/deploy', root: '/repo' };
    expect(builtImages(config, paths).map((r) => [r.name, r.build.context, r.build.dockerfile])).toEqual([
      ['demo', 'deploy', 'deploy/app/Dockerfile'],
      ['demo-admin', 'deploy/admin', 'deploy/admin/Dockerfile'],
    ]);
    // At the root, the paths stay as written; a path may leave the config's folder.
    expect(builtImages(config, { configDir: '/repo', root: '/repo' })[0]?.build).toEqual({
      context: '.',
      dockerfile: 'app/Dockerfile',
    });
    expect(
      rebaseBuild(
        { context: '..', dockerfile: '../docker/web.Dockerfile' },
        { configDir: '/repo/deploy', root: '/repo' },
      ),
    ).toEqual({ context: '.', dockerfile: 'docker/web.Dockerfile' });
  });

  it('builds nothing for services with from or uri, which pull from their owner', () => {
    const config = parseConfig(twoBuilds());
    // nightly runs admin's image; mailer runs web's; api pulls by URI.
    expect(serviceRepository(config, 'nightly')).toBe('demo-admin');
    expect(serviceRepository(config, 'mailer')).toBe('demo');
    expect(serviceRepository(config, 'api')).toBeUndefined();
    expect(imageRepositories(parseConfig(servicesConfig())).map((r) => r.name)).toEqual(['demo']);
  });

  it('keeps the app repository without a build when the default web service pulls by URI', () => {
    const input = twoBuilds();
    const web = input.services?.web;
    if (web) web.image = { uri: 'public.ecr.aws/example/web:1.0.0' };
    const repositories = imageRepositories(parseConfig(input));
    expect(repositories.map((r) => [r.name, r.build?.dockerfile])).toEqual([
      ['demo', undefined],
      ['demo-admin', 'admin/Dockerfile'],
    ]);
  });
});
