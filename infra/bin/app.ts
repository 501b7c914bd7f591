import { loadConfig } from '@slipway/config';
import { buildApp } from '../src/app.ts';
import { applyPolicies } from '../src/policy/index.ts';

// The CDK app `cdk` runs (infra/cdk.json). SLIPWAY_ENVIRONMENTS=dev,prod limits the environments.
const config = await loadConfig();
const only = process.env.SLIPWAY_ENVIRONMENTS?.split(',').filter(Boolean);
const { app } = buildApp(config, { environments: only });
applyPolicies(app);
app.synth();
