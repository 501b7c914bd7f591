/*
 * app.yml as `slipway init` writes it: the same trigger model as Slipway's own (one deploy job per
 * environment, run when `slipway ci context` plans it: a push deploys its branch's environments with
 * the commit's image, a Run workflow the chosen environment with a tag already in the registry).
 */
import {
  AWS_CREDENTIALS,
  BUILD_PUSH,
  BUILDX,
  CHECKOUT,
  setup,
  TRIVY,
  type WorkflowEnvironment,
} from './workflow-parts.ts';

/** `contains(fromJSON(needs.context.outputs.deploy-environments), '<name>')`: the run's plan names it. */
const planned = (name: string) => `contains(fromJSON(needs.context.outputs.deploy-environments), '${name}')`;

/**
 * The `if:` of the deploy job of `env`: the plan names it; a push built the images first (a
 * dispatch builds nothing); the environment it is promoted from, when planned too, succeeded;
 * with `grafana` (app.yml has the Grafana image job), that job succeeded.
 */
export function deployCondition(env: Pick<WorkflowEnvironment, 'name' | 'after'>, grafana = false): string {
  const parts = [
    '!cancelled()',
    "needs.context.result == 'success'",
    planned(env.name),
    "(needs.build.result == 'success' || github.event_name == 'workflow_dispatch')",
  ];
  // Grafana's image is in the registry (no environment runs Grafana any more: no tag, no image).
  if (grafana) parts.push("(needs.grafana.result == 'success' || needs.context.outputs.grafana-tag == '')");
  if (env.after) parts.push(`(needs.deploy-${env.after}.result == 'success' || !${planned(env.after)})`);
  return parts.join(' && ');
}

function appDeployJob(env: WorkflowEnvironment, grafana: boolean): string {
  const needs = [
    'context',
    'build',
    ...(grafana ? ['grafana'] : []),
    ...(env.after ? [`deploy-${env.after}`] : []),
  ];
  return `  deploy-${env.name}:
    name: ${env.name}
    needs: [${needs.join(', ')}]
    if: \${{ ${deployCondition(env, grafana)} }}
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/deploy.yml
    with:
      environment: ${env.name}
      image-tag: \${{ needs.context.outputs.image-tag }}
`;
}

/** The app pipeline's build job: one matrix leg per image; pushes only from a push. */
function buildJob(): string {
  return `  build:
    name: build, scan, push \${{ matrix.image.service }}
    needs: context
    if: needs.context.outputs.image-build == 'true' && github.event_name != 'workflow_dispatch'
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

/**
 * The Grafana image job (environments that run Grafana pull `<app>-grafana:<hash of grafana/>`):
 * the grafana/ folder of the installed @slipway/infra, built, scanned and pushed like the app's
 * images, unless that tag is already in the registry (tags are immutable; the hash changes only
 * when an upgrade of Slipway changes the folder). Every push and Run workflow, before any deploy.
 */
function grafanaJob(): string {
  return `  grafana:
    name: build, scan, push the Grafana image
    needs: context
    if: needs.context.outputs.grafana-tag != '' && github.event_name != 'pull_request'
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: read
      id-token: write # the registry push role
    steps:
${setup('      ')}
      - name: Assume the registry push role (OIDC)
        uses: ${AWS_CREDENTIALS}
        with:
          role-to-assume: \${{ needs.context.outputs.push-role-arn }}
          aws-region: \${{ needs.context.outputs.registry-region }}
          role-session-name: slipway-grafana-\${{ github.run_id }}
      - id: exists
        name: Is this content already pushed? (a tag is a hash of the folder; tags are immutable)
        env:
          REPOSITORY: \${{ needs.context.outputs.grafana-repository }}
          TAG: \${{ needs.context.outputs.grafana-tag }}
        run: |
          if aws ecr describe-images --repository-name "$REPOSITORY" --image-ids "imageTag=$TAG" >/dev/null 2>&1; then
            echo "found=true" >> "$GITHUB_OUTPUT"
          else
            echo "found=false" >> "$GITHUB_OUTPUT"
          fi
      - if: steps.exists.outputs.found != 'true'
        uses: ${BUILDX}
      - name: Build (cached layers, loaded for scanning; nothing is pushed yet)
        if: steps.exists.outputs.found != 'true'
        uses: ${BUILD_PUSH}
        with:
          context: \${{ needs.context.outputs.grafana-context }}
          file: \${{ needs.context.outputs.grafana-context }}/Dockerfile
          load: true
          push: false
          provenance: false
          tags: local/grafana:\${{ needs.context.outputs.grafana-tag }}
          labels: org.opencontainers.image.revision=\${{ github.sha }}
          cache-from: type=gha,scope=grafana
          cache-to: type=gha,mode=max,scope=grafana
      - name: Scan (Trivy; fixable HIGH and CRITICAL vulnerabilities fail the build)
        if: steps.exists.outputs.found != 'true'
        uses: ${TRIVY}
        with:
          image-ref: local/grafana:\${{ needs.context.outputs.grafana-tag }}
          severity: HIGH,CRITICAL
          ignore-unfixed: true
          exit-code: "1"
      - name: Push the content tag
        if: steps.exists.outputs.found != 'true'
        env:
          REGISTRY_URI: \${{ needs.context.outputs.registry-uri }}
          REPOSITORY: \${{ needs.context.outputs.grafana-repository }}
          TAG: \${{ needs.context.outputs.grafana-tag }}
        run: |
          registry="\${REGISTRY_URI%%/*}"
          aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"
          docker tag "local/grafana:$TAG" "$registry/$REPOSITORY:$TAG"
          docker push --quiet "$registry/$REPOSITORY:$TAG"
          docker logout "$registry"
`;
}

/** The context job's outputs: what `slipway ci context` gives that the other jobs read. */
function contextOutputs(grafana: boolean): string {
  const names = [
    'images',
    'image-build',
    'registry-region',
    'push-role-arn',
    'moving-tag',
    'deploy-environments',
    'image-tag',
    ...(grafana ? ['registry-uri', 'grafana-repository', 'grafana-tag', 'grafana-context'] : []),
  ];
  return names.map((name) => `      ${name}: \${{ steps.context.outputs.${name} }}`).join('\n');
}

/** app.yml: build every image once, scan it, push it, deploy it; or deploy any environment on demand. */
export function appWorkflow(environments: readonly WorkflowEnvironment[], grafana = false): string {
  const branches = [...new Set(environments.flatMap((e) => (e.branch ? [e.branch] : [])))];
  const pushes = environments.flatMap((e) =>
    e.branch
      ? [`#   push to ${e.branch} → ${e.name}${e.after ? ` (after ${e.after}, same image)` : ''}`]
      : [],
  );
  return `# Written by \`slipway init\`. Application pipeline: build every image of slipway.config.ts once
# (the build matrix comes from \`npx slipway ci context\`), scan it with Trivy, push it to ECR
# tagged with the commit, then \`slipway deploy\` each environment of the pushed branch.
${pushes.join('\n')}
#   Run workflow → any environment, with an image tag already in the registry (after the
#                  environments it is promoted from) or none (infrastructure only); nothing is built
#   pull request → build and scan only
# One deploy job per environment; \`slipway ci context\` says which run and with which image.
name: app

on:
  push:
    branches: [${branches.join(', ')}]
    paths-ignore: ["docs/**", "**/*.md"]
  pull_request:
    paths-ignore: ["docs/**", "**/*.md"]
  workflow_dispatch:
    inputs:
      environment:
        description: Environment to deploy (after the ones it is promoted from, when an image tag is given)
        type: choice
        required: true
        options: [${environments.map((e) => e.name).join(', ')}]
      image-tag:
        description: Image tag in the registry to deploy; empty deploys infrastructure only and keeps the running image
        type: string
        required: false
        default: ""

permissions: {}

concurrency:
  group: app-\${{ github.event_name == 'pull_request' && github.ref || github.run_id }}
  cancel-in-progress: true

defaults:
  run:
    shell: bash

jobs:
  context:
    name: build matrix and deploy plan
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    permissions:
      contents: read
    outputs:
${contextOutputs(grafana)}
    steps:
${setup('      ')}
      - id: context
        name: Images, registry, tags and what this run deploys, from slipway.config.ts
        env:
          ENVIRONMENT: \${{ inputs.environment }}
          IMAGE_TAG: \${{ inputs.image-tag }}
        run: |
          if [ "$GITHUB_EVENT_NAME" = workflow_dispatch ]; then
            npx slipway ci context --deploy "$ENVIRONMENT" --image-tag "$IMAGE_TAG"
          else
            npx slipway ci context
          fi

${buildJob()}
${grafana ? `${grafanaJob()}\n` : ''}${environments.map((e) => appDeployJob(e, grafana)).join('\n')}`;
}
