import { loadConfig } from '@slipway/config';
import { synthesizeApp } from '../src/synthesize.ts';

// The CDK app `cdk` runs (infra/cdk.json). SLIPWAY_ENVIRONMENTS=dev,prod limits the environments.
// The outdir and context are the ones `cdk` passes (CDK_OUTDIR, CDK_CONTEXT_JSON); validation,
// cdk-nag and bundling are on, and a finding fails the synth.
const config = await loadConfig();
const only = process.env.SLIPWAY_ENVIRONMENTS?.split(',').filter(Boolean);
synthesizeApp(config, { environments: only });
