/** Store functions take the pool or, inside a transaction, its client. */
import type { Pool, PoolClient } from '../db/pool.ts';

export type Queryable = Pool | PoolClient;
