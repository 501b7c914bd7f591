// Runs CDK's built-in CloudFormation validation (the plugin `@aws-cdk/core:validateAgainstDefaultRules`
// enables during synth) on already synthesized templates, in a child process so the progress
// display keeps moving and cfn-lint runs beside it. A process, not a worker thread, because it
// runs with its own V8 flags: the validator is a 9 MB WebAssembly module run once, for which V8's
// baseline compiler alone (`--liftoff-only`) costs about a third less CPU than also optimizing it.
// Plain JavaScript: the process does not go through the TypeScript loader. Input: the first IPC
// message, { stackTemplates: [{ stackConstructPath, templatePath, accountId, region }] } (the
// process is started before the synth, and loads aws-cdk-lib meanwhile); output: one message,
// { ok, violations } as the plugin reports them, or { ok: false, error }.
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';

process.once('message', (message) => {
  let reply;
  try {
    const report = new CloudFormationValidatePlugin().validate({ stackTemplates: message.stackTemplates });
    reply = { ok: true, violations: report.violations };
  } catch (error) {
    reply = { ok: false, error: String(error?.stack ?? error) };
  }
  process.send(reply, () => process.disconnect());
});
// Nothing to do (every template cached): the parent disconnects, and the process ends.
process.once('disconnect', () => process.exit(0));
