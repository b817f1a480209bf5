import { defineServer } from '../../shared/runtime/server-definition.js';
import { account360 } from './tools/account-360.js';
import { findAccounts } from './tools/find-accounts.js';
import { churnRisk, healthScores } from './tools/health.js';
import { timeline } from './tools/timeline.js';
import { accountResource, contactResource } from './resources/customer.js';

export const definition = defineServer({
  name: 'customer-360',
  title: 'Sophia customer 360',
  version: '0.1.0',
  instructions:
    'One view of each customer across Salesforce, HubSpot, Gong and Slack. Start with find_accounts (by name, domain or contact) ' +
    'to get an account id; account_360 shows the merged profile with provenance; health_scores explains an account’s health; ' +
    'churn_risk ranks customers by churn probability with reasons and evidence; timeline lists every interaction with an account or contact.',
  tools: [findAccounts, account360, timeline, healthScores, churnRisk],
  resources: [accountResource, contactResource],
});
