import { Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

export interface ImageTagParameterProps {
  /** Full SSM parameter name, e.g. `/slipway/dev/release/image-tag`. */
  readonly parameterName: string;
  /**
   * Value written when the parameter does not exist yet: the service runs no tasks while the
   * parameter holds it, so the first deploy of an empty account succeeds before any image exists.
   * @default 'bootstrap'
   */
  readonly initialValue?: string;
}

/** The value an empty environment starts with; the service template scales to zero tasks on it. */
export const BOOTSTRAP_IMAGE_TAG = 'bootstrap';

// Construct id CDK gives the AwsCustomResource singleton function (aws-cdk-lib custom-resources).
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * The running image tag of an environment, in SSM. The deployer (`slipway deploy`) owns the
 * value; this construct only creates the parameter when it is missing (PutParameter without
 * overwrite), so CloudFormation never writes a tag back over a deployed one and `cdk drift`
 * has nothing to report about it.
 */
export class ImageTagParameter extends Construct {
  readonly parameterName: string;

  constructor(scope: Construct, id: string, props: ImageTagParameterProps) {
    super(scope, id);
    if (!props.parameterName.startsWith('/')) {
      throw new Error(`ImageTagParameter: parameterName must start with "/", got "${props.parameterName}"`);
    }
    this.parameterName = props.parameterName;
    const stack = Stack.of(this);
    const arn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: props.parameterName.slice(1),
    });
    new cr.AwsCustomResource(this, 'Seed', {
      onCreate: {
        service: 'SSM',
        action: 'putParameter',
        parameters: {
          Name: props.parameterName,
          Value: props.initialValue ?? BOOTSTRAP_IMAGE_TAG,
          Type: 'String',
          Overwrite: false,
          Description: 'Running image tag; written by slipway deploy, never by CloudFormation',
        },
        physicalResourceId: cr.PhysicalResourceId.of(props.parameterName),
        // Present already (a re-created stack, or a tag a deploy wrote): keep it.
        ignoreErrorCodesMatching: 'ParameterAlreadyExists',
      },
      onDelete: {
        service: 'SSM',
        action: 'deleteParameter',
        parameters: { Name: props.parameterName },
        ignoreErrorCodesMatching: 'ParameterNotFound',
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [arn] }),
      installLatestAwsSdk: false,
    });
    // The custom resource runs on CDK's singleton provider function, created at the stack root.
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (provider) {
      acknowledge(
        provider,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK-managed custom resource provider: the basic execution policy only lets it write its own logs.',
      );
    }
  }
}
