import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import { hostedZone } from './hosted-zone.ts';

export interface EdgeCertificateProps {
  /** Fully qualified name the certificate covers. */
  readonly name: string;
  /** Route 53 hosted zone ACM writes its validation record in: its id, or its name (resolved at deploy time). */
  readonly zone: string;
}

/**
 * A DNS-validated ACM certificate for CloudFront: it must be created in us-east-1. CloudFormation
 * writes the validation CNAME into the zone and waits until ACM issues the certificate (about four
 * minutes at first create); ACM renews it while the record stays.
 */
export class EdgeCertificate extends Construct {
  readonly certificate: acm.Certificate;

  constructor(scope: Construct, id: string, props: EdgeCertificateProps) {
    super(scope, id);
    const zone = hostedZone(this, 'Zone', props.zone);
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.name,
      validation: acm.CertificateValidation.fromDns(zone),
    });
  }
}
