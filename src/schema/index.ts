import { builder } from '../builder.js';
import './catalogue.js';
import './territory.js';
import './organisation.js';
import './page.js';
import './node.js';
import './stats.js';

/** The executable GraphQL schema. */
export const schema = builder.toSchema({ sortSchema: true });
