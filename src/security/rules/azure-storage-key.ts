import { patternRule } from '../define-rule.js';

/** Keys inside Azure connection strings: storage `AccountKey=` and Service Bus / Event Hubs `SharedAccessKey=`. */
export const azureStorageKey = patternRule({
  name: 'azure-storage-key',
  title: 'Azure storage or shared access key',
  keywords: ['accountkey=', 'sharedaccesskey='],
  patterns: [/\bAccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/, /\bSharedAccessKey=(?<secret>[A-Za-z0-9+/]{42,44}=?)/],
  secretGroup: 'secret',
  minEntropy: 3.5,
});
