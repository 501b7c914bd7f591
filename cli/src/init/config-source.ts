/*
 * The `slipway.config.ts` that `slipway init` writes: the `services` form, one service per image
 * plus the workers that run the web image, and dev/staging/prod environments shaped like Slipway's
 * own (cheap dev, production-like staging, protected prod). Printed with the Copilot importer's
 * printer, so comments sit above the keys they explain.
 */
import { commented, type Printable, print } from '../copilot/print.ts';
import type { DetectedImage, Detection } from './detect.ts';

/** The values detection could not supply, from flags, prompts or placeholders. */
export interface InitAnswers {
  readonly name: string;
  /** The web service's port. */
  readonly port: number;
  readonly healthPath: string;
  readonly region: string;
  /** One account for every environment, or undefined for the placeholders 111…, 222…, 333…. */
  readonly account?: string;
  /** Keys whose value is a placeholder to replace (`port`, `healthPath`, `account`, `region`). */
  readonly placeholders: readonly string[];
}

/** A one-line `python -c` probe: urllib raises (exit 1) on a refused connection or a non-2xx answer. */
export function pythonProbe(port: number, path: string): string[] {
  return [
    'python',
    '-c',
    `import urllib.request; urllib.request.urlopen("http://127.0.0.1:${port}${path}", timeout=3)`,
  ];
}

function healthCheck(image: DetectedImage, port: number, path: string): Printable | undefined {
  const runtime = image.dockerfile.runtime;
  if (runtime === 'node') return undefined;
  if (runtime === 'python') {
    if (image.healthScript)
      return commented(
        ['python', image.healthScript],
        ["The image has no node: ECS runs the image's own check script."],
      );
    return commented(pythonProbe(port, path), [
      "The image has no node (Slipway's default probe): ECS checks with the image's Python (stdlib urllib).",
    ]);
  }
  return commented(false, [
    "The image's runtime is not Python or Node, so Slipway's default probe (node) would fail in it:",
    'no container check of its own (healthPath is still checked from outside). Put a command the image has here.',
  ]);
}

function webService(image: DetectedImage, answers: InitAnswers, calls: string[]): Record<string, Printable> {
  const readyPath = image.readyPath?.value ?? answers.healthPath;
  const service: Record<string, Printable | undefined> = {
    type: 'web',
    image: commented({ build: { context: image.dockerfile.context, dockerfile: image.dockerfile.path } }, [
      `Built from ${image.dockerfile.path}${image.framework.framework ? ` (${image.framework.framework})` : ''}; paths are relative to this file.`,
    ]),
    port: answers.placeholders.includes('port')
      ? commented(answers.port, [
          'Not detected (no EXPOSE, no known framework): the port your server listens on.',
        ])
      : answers.port,
    healthPath: answers.placeholders.includes('healthPath')
      ? commented(answers.healthPath, ['Not detected: a path that answers 200 while the process is alive.'])
      : answers.healthPath,
    readyPath: image.readyPath
      ? readyPath
      : commented(readyPath, [
          'No readiness route found: the deploy verification calls the health path. A route that also',
          'checks the database (and migrations) catches more.',
        ]),
    healthCheck: healthCheck(image, answers.port, answers.healthPath),
    ...serviceCommon(image),
    ...(calls.length > 0
      ? { calls: commented(calls, ["Gets each worker's queue URL (<NAME>_QUEUE_URL)."]) }
      : {}),
  };
  return service as Record<string, Printable>;
}

function serviceCommon(image: DetectedImage): Record<string, Printable> {
  const migrate = image.framework.migrate;
  return {
    ...(image.framework.database ? { database: true } : {}),
    ...(migrate
      ? {
          migrate: commented(
            [...migrate.command],
            [`From ${migrate.from}: runs as a one-off task in this image before new tasks start.`],
          ),
        }
      : {}),
  };
}

function otherService(image: DetectedImage, port: number): Record<string, Printable> {
  const build = { build: { context: image.dockerfile.context, dockerfile: image.dockerfile.path } };
  if (image.worker)
    return {
      type: commented('worker', [
        `Built from ${image.dockerfile.path}; consumes its own SQS queue (QUEUE_URL).`,
      ]),
      image: build,
      ...serviceCommon(image),
    };
  const servicePort = image.port?.value ?? port;
  return {
    type: commented('backend', [
      `Built from ${image.dockerfile.path}: reachable from the other services, not from the internet.`,
    ]),
    image: build,
    port: servicePort,
    healthPath: image.healthPath?.value ?? '/health',
    ...(healthCheck(image, servicePort, image.healthPath?.value ?? '/health') !== undefined
      ? { healthCheck: healthCheck(image, servicePort, image.healthPath?.value ?? '/health') as Printable }
      : {}),
    ...serviceCommon(image),
  };
}

/** `count` names `worker`, `worker-2`, … that no image-building service has taken. */
export function uniqueNames(count: number, taken: readonly string[]): string[] {
  const names: string[] = [];
  for (let n = 1; names.length < count; n++) {
    const name = n === 1 ? 'worker' : `worker-${n}`;
    if (!taken.includes(name)) names.push(name);
  }
  return names;
}

/** The `services` map: the web service, the other images, then the workers of the web image. */
export function services(detection: Detection, answers: InitAnswers): Record<string, Printable> {
  const [web, ...others] = detection.images;
  if (!web) throw new Error('no image to deploy');
  const out: Record<string, Printable> = {};
  const workerNames = uniqueNames(
    detection.workers.length,
    detection.images.map((i) => i.name),
  );
  // The web service sends to every worker's queue (it gets each one's queue URL).
  const calls = [...others.filter((i) => i.worker).map((i) => i.name), ...workerNames];
  out[web.name] = webService(web, answers, calls);
  for (const image of others) out[image.name] = otherService(image, answers.port);
  detection.workers.forEach((worker, i) => {
    out[workerNames[i] as string] = commented(
      {
        type: 'worker',
        image: { from: web.name },
        command: [...worker.command],
        ...(web.framework.database ? { database: true } : {}),
      },
      [
        `From ${worker.from}:`,
        `consumes its own SQS queue (QUEUE_URL) with the ${web.name} service's image.`,
      ],
    );
  });
  return out;
}

/** The whole `slipway.config.ts`, and the plain config it evaluates to (for validation). */
export function configSource(
  detection: Detection,
  answers: InitAnswers,
  environmentsMap: Record<string, Printable>,
): string {
  const withDatabase = detection.images.some((i) => i.framework.database);
  const github = detection.github ?? { owner: 'example-org', repository: answers.name };
  const body: Record<string, Printable> = {
    app: commented(
      { name: answers.name, ...(withDatabase ? { database: { name: 'app', engineVersion: '18' } } : {}) },
      [
        'With `services`, `app` holds only the name' +
          (withDatabase ? ' and the database (PostgreSQL).' : '.'),
      ],
    ),
    services: services(detection, answers),
    github: detection.github
      ? github
      : commented(github, [
          'Your GitHub repository (the deploy roles trust its workflows): replace the placeholder.',
        ]),
    previews: commented({ from: 'dev' }, [
      "A pull request labelled `preview` deploys pr-<number> into dev's account, destroyed when it closes.",
    ]),
    environments: environmentsMap,
  };
  const placeholders =
    answers.placeholders.length > 0
      ? [`// Placeholders to replace: ${answers.placeholders.join(', ')}.`]
      : [];
  return [
    "import { defineConfig } from '@slipway/config';",
    '',
    '// Written by `slipway init` from what it found in this repository; edit it freely. Every key is',
    '// documented in the @slipway/config types (hover it) and docs/reference/config.md; `slipway plan dev`',
    '// shows what an environment creates and costs. Paths are relative to this file.',
    ...placeholders,
    `export default defineConfig(${print(body)});`,
    '',
  ].join('\n');
}
