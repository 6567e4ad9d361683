import { builder } from '../builder.js';
import './catalogue.js';
import './territory.js';

/** The executable GraphQL schema. */
export const schema = builder.toSchema({ sortSchema: true });
