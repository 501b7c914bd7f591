/*
 * The GitHub workflows `slipway init` writes into the user's repository, adapted from Slipway's
 * own: they call the installed CLI (`npx slipway …`) and nothing else from Slipway's repository —
 * the build matrix comes from `npx slipway ci context`. Actions are pinned by commit, permissions
 * are minimal, credentials are not persisted and every AWS credential comes from OIDC roles.
 */

const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';
const SETUP_NODE = 'actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0';
const AWS_CREDENTIALS =
  'aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838 # v5.0.0';
const BUILDX = 'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435 # v3.11.1';
const BUILD_PUSH = 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0';
/** The pushed commit: every image is tagged with it. */
const COMMIT_SHA = `\${{ github.sha }}`;
const TRIVY = 'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0';

/** Checkout, Node 24 and the locked dependencies (the Slipway CLI among them), at `indent`. */
function setup(indent: string): string {
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

/** An environment the app pipeline deploys on a push. */
export interface WorkflowEnvironment {
  readonly name: string;
  readonly branch: string;
  /** The environment deployed before it in the same run (its image is promoted). */
  readonly after?: string;
}

function deployJob(env: WorkflowEnvironment, imageTag: string, needs: string[]): string {
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
      image-tag: ${imageTag}
`;
}

/** The app pipeline's build job: one matrix leg per image; pushes only from a push. */
function buildJob(): string {
  return `  build:
    name: build, scan, push \${{ matrix.image.service }}
    needs: context
    if: needs.context.outputs.image-build == 'true'
    strategy:
      fail-fast: true
      matrix:
        image: \${{ fromJSON(needs.context.outputs.images) }}
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: read
      id-token: write # the registry push role (push builds only)
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${BUILDX}
      - name: Build (cached layers, loaded for scanning; nothing is pushed yet)
        uses: ${BUILD_PUSH}
        with:
          context: \${{ matrix.image.context }}
          file: \${{ matrix.image.dockerfile }}
          load: true
          push: false
          provenance: false
          tags: local/\${{ matrix.image.service }}:\${{ github.sha }}
          labels: org.opencontainers.image.revision=\${{ github.sha }}
          cache-from: type=gha,scope=\${{ matrix.image.cacheScope }}
          cache-to: type=gha,mode=max,scope=\${{ matrix.image.cacheScope }}
      - name: Scan (Trivy; fixable HIGH and CRITICAL vulnerabilities fail the build)
        uses: ${TRIVY}
        with:
          image-ref: local/\${{ matrix.image.service }}:\${{ github.sha }}
          severity: HIGH,CRITICAL
          ignore-unfixed: true
          exit-code: "1"
      - name: Assume the registry push role (OIDC)
        if: github.event_name == 'push'
        uses: ${AWS_CREDENTIALS}
        with:
          role-to-assume: \${{ needs.context.outputs.push-role-arn }}
          aws-region: \${{ needs.context.outputs.registry-region }}
          role-session-name: slipway-push-\${{ github.run_id }}
      - name: Push the commit tag and the branch's moving tag
        if: github.event_name == 'push'
        env:
          LOCAL: local/\${{ matrix.image.service }}:\${{ github.sha }}
          REPOSITORY: \${{ matrix.image.uri }}
          MOVING_TAG: \${{ needs.context.outputs.moving-tag }}
        run: |
          registry="\${REPOSITORY%%/*}"
          aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"
          tags=("$GITHUB_SHA")
          if [ -n "$MOVING_TAG" ]; then tags+=("$MOVING_TAG"); fi
          for tag in "\${tags[@]}"; do
            docker tag "$LOCAL" "$REPOSITORY:$tag"
            docker push --quiet "$REPOSITORY:$tag"
          done
          docker logout "$registry"`;
}

/** app.yml: build every image once, scan it, push it, deploy it to each environment of the branch. */
export function appWorkflow(environments: readonly WorkflowEnvironment[]): string {
  const branches = [...new Set(environments.map((e) => e.branch))];
  return `# Written by \`slipway init\`. Application pipeline: build every image of slipway.config.ts once
# (the build matrix comes from \`npx slipway ci context\`), scan it with Trivy, push it to ECR
# tagged with the commit, then \`slipway deploy\` each environment of the pushed branch.
${environments.map((e) => `#   push to ${e.branch} → ${e.name}${e.after ? ` (after ${e.after}, same image)` : ''}`).join('\n')}
#   pull request → build and scan only
name: app

on:
  push:
    branches: [${branches.join(', ')}]
    paths-ignore: ["docs/**", "**/*.md"]
  pull_request:
    paths-ignore: ["docs/**", "**/*.md"]

permissions: {}

concurrency:
  group: app-\${{ github.event_name == 'pull_request' && github.ref || github.run_id }}
  cancel-in-progress: true

defaults:
  run:
    shell: bash

jobs:
  context:
    name: build matrix
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    permissions:
      contents: read
    outputs:
      images: \${{ steps.context.outputs.images }}
      image-build: \${{ steps.context.outputs.image-build }}
      registry-region: \${{ steps.context.outputs.registry-region }}
      push-role-arn: \${{ steps.context.outputs.push-role-arn }}
      moving-tag: \${{ steps.context.outputs.moving-tag }}
    steps:
${setup('      ')}
      - id: context
        name: Images, registry and tags from slipway.config.ts
        run: npx slipway ci context

${buildJob()}
${environments.map((e) => deployJob(e, COMMIT_SHA, ['build'])).join('\n')}`;
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
  const branches = [...new Set(environments.map((e) => e.branch))];
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

${environments.map((e) => deployJob(e, '""', ['plan'])).join('\n')}`;
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

/** Every workflow file, by path relative to the repository root. */
export function workflows(environments: readonly WorkflowEnvironment[]): Record<string, string> {
  return {
    '.github/workflows/app.yml': appWorkflow(environments),
    '.github/workflows/infra.yml': infraWorkflow(environments),
    '.github/workflows/deploy.yml': deployWorkflow(),
    '.github/workflows/destroy.yml': destroyWorkflow(environments),
  };
}
