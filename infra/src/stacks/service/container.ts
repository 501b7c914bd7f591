import type { ResolvedEnvironment, ResolvedService } from '@slipway/config';
import { CONTAINER_VARIABLES, PARAMETERS } from '@slipway/config/contract';
import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { readParameter } from '../../constructs/parameters/index.ts';
import { pascal } from './names.ts';

type SecretRef = ResolvedService['secrets'][string];

/** A service's plain variables and ECS secrets. */
export interface ContainerSettings {
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
}

/**
 * The variables and secrets of every service's container: its own, the environment's identity,
 * and the database (discrete secret fields from RDS) for the services that declare
 * `database: true`, or the embedded PostgreSQL for the others.
 */
export class ContainerSettingsFactory {
  private secret?: secretsmanager.ISecret;

  private readonly scope: Construct;
  private readonly env: ResolvedEnvironment;
  /** The service whose tasks apply migrations at start (`MIGRATE_ON_START`), if any. */
  private readonly migratesAtStart: string | undefined;

  constructor(scope: Construct, env: ResolvedEnvironment, migratesAtStart: string | undefined) {
    this.scope = scope;
    this.env = env;
    this.migratesAtStart = migratesAtStart;
  }

  /** The environment's database secret, once (`DatabaseSecret`), or undefined without a database. */
  get databaseSecret(): secretsmanager.ISecret | undefined {
    if (!this.env.database) return undefined;
    this.secret ??= secretsmanager.Secret.fromSecretCompleteArn(
      this.scope,
      'DatabaseSecret',
      readParameter(this.scope, this.env, PARAMETERS.dbSecretArn),
    );
    return this.secret;
  }

  /** `service`'s settings; `tag` is the commit sha its image was built from (`GIT_SHA`). */
  of(service: ResolvedService, tag: string, isDefaultWeb: boolean): ContainerSettings {
    const secrets: Record<string, ecs.Secret> = {};
    const environment: Record<string, string> = {
      ...service.environment,
      [CONTAINER_VARIABLES.APP_ENV]: this.env.name,
      [CONTAINER_VARIABLES.AWS_REGION]: Stack.of(this.scope).region,
      // The tag is the commit sha the pipeline built; /info reports it and smoke tests compare it.
      [CONTAINER_VARIABLES.GIT_SHA]: tag,
    };
    const dbSecret = service.database ? this.databaseSecret : undefined;
    if (dbSecret) {
      // Discrete variables from the RDS secret's JSON fields: never plain values in the task definition.
      for (const [variable, field] of [
        [CONTAINER_VARIABLES.DB_HOST, 'host'],
        [CONTAINER_VARIABLES.DB_PORT, 'port'],
        [CONTAINER_VARIABLES.DB_NAME, 'dbname'],
        [CONTAINER_VARIABLES.DB_USER, 'username'],
        [CONTAINER_VARIABLES.DB_PASSWORD, 'password'],
      ] as const) {
        secrets[variable] = ecs.Secret.fromSecretsManager(dbSecret, field);
      }
      environment[CONTAINER_VARIABLES.DB_SSL] = 'require';
      // Not the secret, its ARN: with rotation on, the service re-reads the password at new logins
      // (app/src/db/secret-password.ts) instead of failing until the task is replaced.
      environment[CONTAINER_VARIABLES.DB_SECRET_ARN] = dbSecret.secretArn;
      // Only the service that owns the schema migrates, and at start only when no deploy hook
      // does it (rolling deployments have none; an advisory lock makes concurrent starts apply
      // each migration once). Every other database service is told not to: the app's default is to.
      environment[CONTAINER_VARIABLES.MIGRATE_ON_START] = String(this.migratesAtStart === service.name);
    } else {
      // No database for this service (database false, no RDS, or a pull-request preview): the
      // service's embedded PostgreSQL, in memory, since a task's disk is gone when the task is.
      environment[CONTAINER_VARIABLES.DB_EMBEDDED] = 'memory';
    }
    // The default web service keeps the secrets' construct ids it had as the only service.
    const idPrefix = isDefaultWeb ? 'Secret' : `${pascal(service.name)}Secret`;
    for (const [variable, ref] of Object.entries(service.secrets)) {
      secrets[variable] = this.appSecret(`${idPrefix}-${variable}`, ref);
    }
    return { environment, secrets };
  }

  private appSecret(id: string, ref: SecretRef): ecs.Secret {
    if ('ssmParameter' in ref) {
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(this.scope, id, {
        parameterName: ref.ssmParameter,
      });
      return ecs.Secret.fromSsmParameter(parameter);
    }
    const secret = ref.secretsManager.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretCompleteArn(this.scope, id, ref.secretsManager)
      : secretsmanager.Secret.fromSecretNameV2(this.scope, id, ref.secretsManager);
    return ecs.Secret.fromSecretsManager(secret, ref.field);
  }
}
