/*
 * The GitHub workflows `slipway init` writes into the user's repository, adapted from Slipway's
 * own: they call the installed CLI (`npx slipway …`) and nothing else from Slipway's repository —
 * the build matrix comes from `npx slipway ci context`. Actions are pinned by commit, permissions
 * are minimal, credentials are not persisted and every AWS credential comes from OIDC roles.
 */

import { appWorkflow } from './app-workflow.ts';
import { AWS_CREDENTIALS, setup, type WorkflowEnvironment } from './workflow-parts.ts';

export { appWorkflow } from './app-workflow.ts';
export type { WorkflowEnvironment } from './workflow-parts.ts';

const withBranch = (environments: readonly WorkflowEnvironment[]) =>
  environments.filter((e): e is WorkflowEnvironment & { branch: string } => e.branch !== undefined);

/** infra.yml's deploy job of an environment with a branch: its infrastructure, on a push of that branch. */
function infraDeployJob(env: WorkflowEnvironment & { branch: string }, needs: string[]): string {
  const after = env.after ? [`deploy-${env.after}`] : [];
  return `  deploy-${env.name}:
    name: ${env.name}
    needs: [${[...needs, ...after].join(', ')}]
    if: github.event_name == 'push' && github.ref == 'refs/heads/${env.branch}'
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/deploy.yml
    with:
      environment: ${env.name}
      image-tag: ""
`;
}

/** deploy.yml's steps after the setup: roles, deploy, read the URL, check readiness. */
function deploySteps(): string {
  return `      - id: context
        name: The environment's roles and readiness path from slipway.config.ts
        env:
          ENVIRONMENT: \${{ inputs.environment }}
        run: npx slipway ci context --environment "$ENVIRONMENT"
      - name: Assume the deploy role (OIDC)
        uses: ${AWS_CREDENTIALS}
        with:
          role-to-assume: \${{ steps.context.outputs.deploy-role-arn }}
          aws-region: \${{ steps.context.outputs.region }}
          role-session-name: slipway-deploy-\${{ github.run_id }}
          # Canary bakes can outlast an hour; the role allows two.
          role-duration-seconds: 7200
      - name: slipway deploy
        env:
          ENVIRONMENT: \${{ inputs.environment }}
          IMAGE_TAG: \${{ inputs.image-tag }}
          SLIPWAY_REGISTRY_ROLE_ARN: \${{ steps.context.outputs.registry-role-arn }}
        run: |
          if [ -n "$IMAGE_TAG" ]; then
            npx slipway deploy "$ENVIRONMENT" --image "$IMAGE_TAG"
          else
            npx slipway deploy "$ENVIRONMENT"
          fi
      - id: url
        name: Read the environment URL
        env:
          URL_PARAMETER: \${{ steps.context.outputs.url-parameter }}
        run: |
          url="$(aws ssm get-parameter --name "$URL_PARAMETER" --query Parameter.Value --output text)"
          echo "url=$url" >> "$GITHUB_OUTPUT"
      - name: Verify (the readiness path answers 200 within five minutes)
        env:
          URL: \${{ steps.url.outputs.url }}
          READY_PATH: \${{ steps.context.outputs.ready-path }}
        run: |
          curl --fail --silent --show-error --max-time 10 \\
            --retry 30 --retry-delay 10 --retry-all-errors "$URL$READY_PATH"
`;
}

/** deploy.yml: reusable; deploys one environment in its GitHub Environment, then checks it answers. */
export function deployWorkflow(): string {
  return `# Written by \`slipway init\`. Reusable: deploy one environment with \`slipway deploy\`, then check
# that its readiness path answers. The account, region and deploy role (\`<app>-ci-deploy\`, assumed
# with OIDC) come from slipway.config.ts through \`slipway ci context\`. The job runs in the GitHub
# Environment of the same name: its protection rules (required reviewers on prod) are the approval gate.
name: deploy

on:
  workflow_call:
    inputs:
      environment:
        description: Slipway environment to deploy (a name in slipway.config.ts).
        type: string
        required: true
      image-tag:
        description: Image tag (a commit sha) to deploy; empty deploys infrastructure only and keeps the running image.
        type: string
        required: false
        default: ""

permissions: {}

defaults:
  run:
    shell: bash

jobs:
  deploy:
    name: deploy \${{ inputs.environment }}
    runs-on: ubuntu-24.04
    timeout-minutes: 90
    environment:
      name: \${{ inputs.environment }}
      url: \${{ steps.url.outputs.url }}
    concurrency:
      group: deploy-\${{ inputs.environment }}
      cancel-in-progress: false
    permissions:
      contents: read
      id-token: write
    steps:
${setup('      ')}
${deploySteps()}`;
}

/** infra.yml: a pull request that changes the config gets \`slipway plan\`; a push deploys the infrastructure. */
export function infraWorkflow(environments: readonly WorkflowEnvironment[]): string {
  const branches = [...new Set(withBranch(environments).map((e) => e.branch))];
  return `# Written by \`slipway init\`. Infrastructure pipeline: a pull request that changes
# slipway.config.ts gets \`slipway plan --all\` (offline: policy checks, resources, monthly cost);
# a push of such a change deploys the infrastructure of the branch's environments and keeps the
# running images (\`slipway deploy <env>\` without --image).
name: infra

on:
  push:
    branches: [${branches.join(', ')}]
    paths: ["slipway.config.ts", "package-lock.json"]
  pull_request:
    paths: ["slipway.config.ts", "package-lock.json"]

permissions: {}

concurrency:
  group: infra-\${{ github.event_name == 'pull_request' && github.ref || github.run_id }}
  cancel-in-progress: true

defaults:
  run:
    shell: bash

jobs:
  plan:
    name: slipway plan --all
    runs-on: ubuntu-24.04
    timeout-minutes: 20
    permissions:
      contents: read
    steps:
${setup('      ')}
      - name: slipway plan (offline synth, policy checks, cost)
        run: npx slipway plan --all

${withBranch(environments)
  .map((e) => infraDeployJob(e, ['plan']))
  .join('\n')}`;
}

/** destroy.yml: run by hand; the confirmation must repeat the environment's name. */
export function destroyWorkflow(environments: readonly WorkflowEnvironment[]): string {
  return `# Written by \`slipway init\`. Destroys one environment, run by hand (Actions → destroy → Run
# workflow). The confirmation must repeat the environment's name; a protected environment (prod)
# also needs allow-protected, which \`slipway destroy\` checks against slipway.config.ts.
name: destroy

on:
  workflow_dispatch:
    inputs:
      environment:
        description: Environment to destroy
        type: choice
        required: true
        options: [${environments.map((e) => e.name).join(', ')}]
      confirm:
        description: Type the environment name again to confirm
        type: string
        required: true
      allow-protected:
        description: Allow destroying a protected environment (prod)
        type: boolean
        required: false
        default: false

permissions: {}

defaults:
  run:
    shell: bash

jobs:
  destroy:
    name: destroy \${{ inputs.environment }}
    runs-on: ubuntu-24.04
    timeout-minutes: 120
    environment:
      name: \${{ inputs.environment }}
    concurrency:
      group: deploy-\${{ inputs.environment }}
      cancel-in-progress: false
    permissions:
      contents: read
      id-token: write
    steps:
      - name: The confirmation repeats the environment's name
        env:
          ENVIRONMENT: \${{ inputs.environment }}
          CONFIRM: \${{ inputs.confirm }}
        run: |
          if [ "$CONFIRM" != "$ENVIRONMENT" ]; then
            echo "::error::confirm is '$CONFIRM'; type '$ENVIRONMENT' to destroy it"
            exit 1
          fi
${setup('      ')}
      - id: context
        name: The environment's deploy role from slipway.config.ts
        env:
          ENVIRONMENT: \${{ inputs.environment }}
        run: npx slipway ci context --environment "$ENVIRONMENT"
      - name: Assume the deploy role (OIDC)
        uses: ${AWS_CREDENTIALS}
        with:
          role-to-assume: \${{ steps.context.outputs.deploy-role-arn }}
          aws-region: \${{ steps.context.outputs.region }}
          role-session-name: slipway-destroy-\${{ github.run_id }}
          role-duration-seconds: 7200
      - name: slipway destroy
        env:
          ENVIRONMENT: \${{ inputs.environment }}
          ALLOW_PROTECTED: \${{ inputs.allow-protected }}
        run: |
          flags=(--yes)
          if [ "$ALLOW_PROTECTED" = true ]; then flags+=(--allow-protected); fi
          npx slipway destroy "$ENVIRONMENT" "\${flags[@]}"
`;
}

/** Every workflow file, by path relative to the repository root; `grafana`: app.yml pushes Grafana's image. */
export function workflows(
  environments: readonly WorkflowEnvironment[],
  options: { readonly grafana?: boolean } = {},
): Record<string, string> {
  return {
    '.github/workflows/app.yml': appWorkflow(environments, options.grafana ?? false),
    '.github/workflows/infra.yml': infraWorkflow(environments),
    '.github/workflows/deploy.yml': deployWorkflow(),
    '.github/workflows/destroy.yml': destroyWorkflow(environments),
  };
}
