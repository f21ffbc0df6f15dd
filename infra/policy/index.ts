// The policy pack: `pulumi preview --policy-pack infra/policy` (the preview workflow runs it on every pull request).
import { PolicyPack } from '@pulumi/policy';
import { RULES } from './rules';

new PolicyPack('todo-chatbot-policies', { policies: RULES });
