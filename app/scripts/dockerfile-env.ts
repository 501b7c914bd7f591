import type { Dockerfile } from 'dockerfile-ast';

/**
 * The environment the image's runtime stage (the Dockerfile's last stage) sets with ENV: what a
 * container of the image starts with before the task definition adds its own. `expand` resolves
 * build arguments in a value (`${GIT_SHA}`); values are taken as written without it. `dockerfile`
 * is dockerfile-ast's parse of app/Dockerfile.
 *
 * Read by the image test (the bundle started as the image would) and by the service benchmark
 * (the service and its baseline run with the image's Node options), so neither copies a value of
 * the Dockerfile.
 */
export function runtimeStageEnv(
  dockerfile: Dockerfile,
  expand: (value: string) => string = (value) => value,
): Record<string, string> {
  const runtime = dockerfile.getFROMs().at(-1);
  if (!runtime) throw new Error('the Dockerfile has no stage');
  const start = runtime.getRange().start.line;
  const env: Record<string, string> = {};
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() !== 'ENV' || instruction.getRange().start.line < start) continue;
    for (const property of (
      instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
    ).getProperties()) {
      env[property.getName()] = expand(property.getValue() ?? '');
    }
  }
  return env;
}
