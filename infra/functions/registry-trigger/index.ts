/**
 * Lambda entry point of the registry-trigger function (wire with NodejsFunction: entry this file,
 * handler `handler`). Configuration is read and validated at cold start; the App's private key is
 * read from Secrets Manager when the first matching push needs a token, never from a variable.
 * Event: the EventBridge `ECR Image Action` event, unchanged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { stdoutLogger } from '../shared/log.ts';
import { loadRegistryTriggerConfig } from './config.ts';
import { createHandler } from './handler.ts';

const settings = loadRegistryTriggerConfig(process.env);
const secrets = new SecretsManagerClient({});

export const handler = createHandler({
  settings,
  privateKey: async () => {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: settings.secretId }));
    return secret.SecretString ?? '';
  },
  now: () => new Date(),
  log: stdoutLogger,
});
