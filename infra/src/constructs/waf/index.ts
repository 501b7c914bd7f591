export { MANAGED_RULE_GROUPS, WAF_LOG_GROUP_PREFIX, WebAcl, type WebAclProps } from './web-acl.ts';
