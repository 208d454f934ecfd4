import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL-compatible database living inside this process. */
export interface EmbeddedDatabase {
  /** A postgres:// URL that pg.Pool and Prisma connect to as usual. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly, in memory) behind the
 * Postgres wire protocol, so the very same pg and Prisma code paths run
 * with nothing installed. It is for trying Wakala and for the simulator:
 * single-threaded, about 4 s to start, and gone when the process ends.
 */
export async function startEmbeddedDatabase(
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 16,
  });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
