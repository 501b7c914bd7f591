/*
 * What the workflows `slipway init` writes share: the pinned actions and the setup steps.
 */

export const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';
export const SETUP_NODE = 'actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0';
export const AWS_CREDENTIALS =
  'aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838 # v5.0.0';
export const BUILDX = 'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435 # v3.11.1';
export const BUILD_PUSH = 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0';
/** The pushed commit: every image is tagged with it. */
export const COMMIT_SHA = `\${{ github.sha }}`;
export const TRIVY = 'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0';

/** Checkout, Node 24 and the locked dependencies (the Slipway CLI among them), at `indent`. */
export function setup(indent: string): string {
  return [
    `- uses: ${CHECKOUT}`,
    '  with:',
    '    persist-credentials: false',
    `- uses: ${SETUP_NODE}`,
    '  with:',
    '    node-version: 24',
    '    cache: npm',
    '- name: Install dependencies (lockfile only; the Slipway CLI is one)',
    '  run: npm ci --no-audit --no-fund',
  ]
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** An environment of the written config, as its workflows see it. */
export interface WorkflowEnvironment {
  readonly name: string;
  /** The branch whose pushes deploy it. @default - none: deployed on demand only */
  readonly branch?: string;
  /** The environment deployed before it in the same run (its image is promoted). */
  readonly after?: string;
}
