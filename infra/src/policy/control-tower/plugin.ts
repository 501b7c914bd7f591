import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { runGuard } from './guard.ts';
import { controlTowerRules, rulesVersion } from './rules.ts';

export { CONTROL_TOWER_PLUGIN };

export interface ControlTowerChecksProps {
  /**
   * Folder of results per template, shared with `slipway plan`: a template evaluated before, by
   * either, is not evaluated again.
   * @default no cache: every synth evaluates every template
   */
  readonly cacheDir?: string;
}

/**
 * The AWS Control Tower proactive controls as a CDK validation plugin. An organisation that turns
 * a proactive control on makes CloudFormation refuse, at deploy, any resource that breaks it; this
 * evaluates the same cfn-guard rules on every synthesized template first. Findings are errors
 * (the deploy would fail); each one is fixed or acknowledged with its reason
 * (`control-tower/acknowledgements.ts`).
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  readonly name = CONTROL_TOWER_PLUGIN;
  readonly version = rulesVersion();
  readonly ruleIds = controlTowerRules().map((r) => r.control);

  private readonly cacheDir?: string;

  constructor(props: ControlTowerChecksProps = {}) {
    this.cacheDir = props.cacheDir;
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const run = runGuard(context.templatePaths, { cacheDir: this.cacheDir });
    const controls = [...new Set(run.findings.map((f) => f.rule))];
    const violations = controls.map(
      (rule): PolicyViolationBeta1 => ({
        ruleName: rule.control,
        description: `${rule.description} (cfn-guard rule ${rule.ruleName})`,
        fix: rule.fix,
        severity: 'error',
        violatingResources: run.findings
          .filter((f) => f.rule === rule)
          .map((f) => ({
            resourceLogicalId: f.logicalId,
            templatePath: f.templatePath,
            locations: [`/Resources/${f.logicalId}`],
          })),
      }),
    );
    return {
      success: violations.length === 0,
      violations,
      metadata: {
        rulesEvaluated: String(run.rulesEvaluated),
        templates: String(context.templatePaths.length),
        templatesFromCache: String(run.cached),
        durationMs: String(run.durationMs),
      },
    };
  }
}
