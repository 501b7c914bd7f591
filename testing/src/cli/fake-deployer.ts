import type { Deployer } from '@slipway/cli/src/aws/toolkit.ts';

/** A deployer that records what it was asked to deploy or destroy, and can fail. */
export function fakeDeployer(options: { fail?: string } = {}) {
  const deployed: string[][] = [];
  const destroyed: string[][] = [];
  const deployer: Deployer = {
    async deploy(stacks) {
      deployed.push([...stacks]);
      if (options.fail) throw new Error(options.fail);
    },
    async destroy(stacks) {
      destroyed.push([...stacks]);
      if (options.fail) throw new Error(options.fail);
    },
  };
  return { deployer, deployed, destroyed };
}
