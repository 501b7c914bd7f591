import { join } from 'node:path';
import { findRepoRoot, loadConfig } from '@slipway/config';
import { POLICY_CACHE_DIR } from '@slipway/config/contract';
import { synthesizeApp } from '../src/synthesize.ts';

// The CDK app `cdk` runs (infra/cdk.json). SLIPWAY_ENVIRONMENTS=dev,prod limits the environments.
// The outdir and context are the ones `cdk` passes (CDK_OUTDIR, CDK_CONTEXT_JSON); validation,
// cdk-nag and bundling are on, and a finding fails the synth. The Control Tower controls keep their
// results per template where `slipway plan` keeps its own.
const config = await loadConfig();
const only = process.env.SLIPWAY_ENVIRONMENTS?.split(',').filter(Boolean);
synthesizeApp(config, { environments: only, policyCacheDir: join(findRepoRoot(), POLICY_CACHE_DIR) });
