/**
 * Valid Fargate task sizes: CPU units → allowed memory in MiB.
 * Source: Amazon ECS Developer Guide, "Task CPU and memory" (Linux, platform 1.4.0), checked 2026-11.
 */
function range(fromMiB: number, toMiB: number, stepMiB: number): number[] {
  const out: number[] = [];
  for (let m = fromMiB; m <= toMiB; m += stepMiB) out.push(m);
  return out;
}

export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/**
 * A task's memory when neither the service nor its environment sets one (`app.memoryMiB`'s
 * default): Fargate's smallest size, with 256 CPU units. The service benchmark runs the servers
 * under this limit.
 */
export const DEFAULT_TASK_MEMORY_MIB = 512;

export const FARGATE_CPU_UNITS = Object.keys(FARGATE_SIZES).map(Number);

/** A human description of the memory sizes allowed for a CPU value, for error messages. */
export function describeMemoryFor(cpu: number): string {
  const sizes = FARGATE_SIZES[cpu];
  if (!sizes) return `cpu must be one of ${FARGATE_CPU_UNITS.join(', ')}`;
  if (sizes.length <= 4) return sizes.join(', ');
  const step = (sizes[1] ?? 0) - (sizes[0] ?? 0);
  return `${sizes[0]}-${sizes[sizes.length - 1]} in steps of ${step}`;
}

export function isValidFargateSize(cpu: number, memoryMiB: number): boolean {
  return FARGATE_SIZES[cpu]?.includes(memoryMiB) ?? false;
}
