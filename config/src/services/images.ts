import { posix, relative, resolve, sep } from 'node:path';
import { repositoryName } from '../contract/services.ts';
import type { SlipwayConfig } from '../types.ts';
import { concreteImage, declaredServices, defaultWebService, SHORTHAND_SERVICE } from './declared.ts';

/*
 * The images an app builds and the ECR repositories that hold them. One commit builds every image
 * once (a service with `image.from` runs another's; one with `image.uri` builds nothing), pushes
 * each to its own repository with the commit sha as tag, and one deploy releases that tag in every
 * repository. The registry stack, the CI push role, the app workflow and `slipway deploy` all read
 * this list, so they cannot disagree about which repositories exist.
 */

/** How an image is built: in the config, paths relative to the config file's folder. */
export interface ImageBuild {
  readonly context: string;
  readonly dockerfile: string;
}

/** One ECR repository of the app. */
export interface ImageRepositorySpec {
  /** The repository name: the app's (`<app>`) or `<app>-<owner>`. */
  readonly name: string;
  /** The service whose image it holds (the one that builds it; others reach it with `image.from`). */
  readonly owner: string;
  /** The app's repository, `<app>`: the default web service's image, and the one that existed before services. */
  readonly primary: boolean;
  /** How its image is built; undefined for the app's repository when the default web service runs an image `uri`. */
  readonly build: ImageBuild | undefined;
}

/** The service whose image the app's repository holds: the default web service's image owner. */
function primaryOwner(config: Pick<SlipwayConfig, 'app' | 'services'>): string {
  const services = declaredServices(config);
  const web = defaultWebService(services)?.[0] ?? SHORTHAND_SERVICE;
  return concreteImage(services, web)?.owner ?? web;
}

/**
 * Every repository of the app: the app's own `<app>` first (it always exists, so upgrading never
 * deletes it, and the release tags of an app whose web image is pulled by URI still have a home),
 * then `<app>-<owner>` for each other service that builds an image, in declaration order.
 */
export function imageRepositories(config: Pick<SlipwayConfig, 'app' | 'services'>): ImageRepositorySpec[] {
  const app = config.app.name;
  const services = declaredServices(config);
  const primary = primaryOwner(config);
  const primaryImage = services[primary]?.image;
  const repositories: ImageRepositorySpec[] = [
    {
      name: repositoryName(app, primary, true),
      owner: primary,
      primary: true,
      build: primaryImage && 'build' in primaryImage ? { ...primaryImage.build } : undefined,
    },
  ];
  for (const [owner, service] of Object.entries(services)) {
    if (owner === primary || !('build' in service.image)) continue;
    repositories.push({
      name: repositoryName(app, owner, false),
      owner,
      primary: false,
      build: { ...service.image.build },
    });
  }
  return repositories;
}

/** Where the config file is and where the build runs, to express an image's paths from there. */
export interface BuildPaths {
  /** The folder holding the config file: the config's paths are relative to it. */
  readonly configDir: string;
  /** The folder the build runs in (the pipeline's checkout): the paths given back are relative to it. */
  readonly root: string;
}

/** `build` with its paths (relative to `configDir`) made relative to `root`, `/`-separated. */
export function rebaseBuild(build: ImageBuild, { configDir, root }: BuildPaths): ImageBuild {
  const from = (path: string) => relative(root, resolve(configDir, path)).split(sep).join(posix.sep) || '.';
  return { context: from(build.context), dockerfile: from(build.dockerfile) };
}

/**
 * The repositories whose image this repository's pipeline builds, with how to build each: paths
 * relative to the config file's folder, or, given `paths`, to `paths.root`.
 */
export function builtImages(
  config: Pick<SlipwayConfig, 'app' | 'services'>,
  paths?: BuildPaths,
): (ImageRepositorySpec & { build: ImageBuild })[] {
  return imageRepositories(config)
    .filter((r): r is ImageRepositorySpec & { build: ImageBuild } => !!r.build)
    .map((r) => (paths ? { ...r, build: rebaseBuild(r.build, paths) } : r));
}

/**
 * The repository a service's image is pulled from, following `image.from`; undefined when the
 * service runs an image `uri` (or its `from` is broken, which validation reports).
 */
export function serviceRepository(
  config: Pick<SlipwayConfig, 'app' | 'services'>,
  service: string,
): string | undefined {
  const found = concreteImage(declaredServices(config), service);
  if (!found || !('build' in found.image)) return undefined;
  return repositoryName(config.app.name, found.owner, found.owner === primaryOwner(config));
}

/** An account and region that holds a copy of every image (an ECR replication destination). */
export interface ImageReplica {
  readonly account: string;
  readonly region: string;
  /** The environments that run there, in config order (they pull from this copy). */
  readonly environments: string[];
}

/** The registry's place and the environments' places, as the config gives them. */
interface Places {
  readonly registry: { readonly account: string; readonly region: string };
  readonly environments: Readonly<Record<string, { readonly account: string; readonly region: string }>>;
}

/**
 * Every distinct account and region of the environments other than the registry's own, in config
 * order: where ECR replication copies the images to.
 */
export function replicaPlaces({ registry, environments }: Places): ImageReplica[] {
  const places = new Map<string, ImageReplica>();
  for (const [name, env] of Object.entries(environments)) {
    if (env.account === registry.account && env.region === registry.region) continue;
    const key = `${env.account}/${env.region}`;
    const found = places.get(key);
    if (found) found.environments.push(name);
    else places.set(key, { account: env.account, region: env.region, environments: [name] });
  }
  return [...places.values()];
}

/**
 * Whether images are replicated: `registry.replication` when set, else true when any environment
 * lives in another account or region than the registry.
 */
export function replicationEnabled(configured: boolean | undefined, places: Places): boolean {
  return configured ?? replicaPlaces(places).length > 0;
}

/**
 * The registry an environment pulls its built images from: its own account and region when the
 * images are replicated (a replica, or the registry itself when the environment lives there), else
 * the registry's.
 */
export function pullRegistry(
  registry: { readonly account: string; readonly region: string; readonly replication: boolean },
  env: { readonly account: string; readonly region: string },
): { account: string; region: string } {
  return registry.replication
    ? { account: env.account, region: env.region }
    : { account: registry.account, region: registry.region };
}
