// Runs CDK's built-in CloudFormation validation (the plugin `@aws-cdk/core:validateAgainstDefaultRules`
// enables during synth) on already synthesized templates, off the main thread so the progress
// display keeps moving and cfn-lint runs beside it. Plain JavaScript: a worker does not go
// through the TypeScript loader. Input: { stackTemplates: [{ stackConstructPath, templatePath,
// accountId, region }] }, as workerData or, for a worker started before the synth (it loads
// aws-cdk-lib meanwhile), as its first message; output: { violations } as the plugin reports them.
import { parentPort, workerData } from 'node:worker_threads';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';

function validate(stackTemplates) {
  try {
    const report = new CloudFormationValidatePlugin().validate({ stackTemplates });
    parentPort.postMessage({ ok: true, violations: report.violations });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error?.stack ?? error) });
  }
}

if (workerData?.stackTemplates) validate(workerData.stackTemplates);
else parentPort.once('message', (message) => validate(message.stackTemplates));
