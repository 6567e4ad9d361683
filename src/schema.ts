import { builder } from './builder.js';
import './modules/catalogue/schema.js';
import './modules/keys/schema.js';
import './modules/territory/schema.js';
import './modules/organisation/schema.js';
import './modules/page/schema.js';
import './modules/common/node.js';
import './modules/figures/schema.js';
import './modules/monitoring/schema.js';
import './modules/loads/push/mutations.js';
import './modules/loads/queue/schema.js';
import './modules/live/schema.js';

/** The executable GraphQL schema. */
export const schema = builder.toSchema({ sortSchema: true });
