// A read/write-splitting MySQL client configured the way applications are:
// writes to one host name, reads spread over others. Ordinary mysql2 pools,
// ordinary DNS names: nothing here knows about emu.
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';

export interface RwConfig {
  write: string[];
  read: string[];
  user: string;
  password: string;
  database: string;
}

const pool = (host: string, c: RwConfig) =>
  mysql.createPool({ host, user: c.user, password: c.password, database: c.database, connectionLimit: 2, connectTimeout: 2000, enableKeepAlive: true });

export class RwClient {
  private readonly writers: Pool[];
  private readonly readers: Pool[];
  private nextRead = 0;

  constructor(readonly config: RwConfig) {
    this.writers = config.write.map((h) => pool(h, config));
    this.readers = config.read.map((h) => pool(h, config));
  }

  /** A write, on the write host. */
  async write(sql: string, params: unknown[] = []): Promise<void> {
    await this.writers[0].query(sql, params);
  }

  /** A read, round-robin over the read hosts. */
  async read<T = RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    const reader = this.readers[this.nextRead++ % this.readers.length];
    const [rows] = await reader.query(sql, params);
    return rows as T[];
  }

  async close(): Promise<void> {
    await Promise.all([...this.writers, ...this.readers].map((p) => p.end().catch(() => undefined)));
  }
}

/** One query on one host over a fresh connection (for checks, not for the app). */
export async function queryHost<T = RowDataPacket>(host: string, c: Omit<RwConfig, 'write' | 'read'>, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysql.createConnection({ host, user: c.user, password: c.password, database: c.database, connectTimeout: 2000 });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as T[];
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** MySQL's error number, if any (1290: the server runs --read-only). */
export const errno = (error: unknown) => (error as { errno?: number }).errno;
