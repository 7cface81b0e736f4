/** The Hive catalogue: every stream of the network, as the bus's contract registry. */
import { createCatalogue, type Catalogue } from './catalogue.js';
import { hiveStreams } from './streams/index.js';

/** Every Hive stream and message type; pass it as `contracts` to `createBus`. */
export const catalogue: Catalogue = createCatalogue(Object.values(hiveStreams));
