/**
 * For the e2e files that drive several browsers (browsers.test.ts, export-paths.test.ts): the
 * built app served cross-origin isolated, and the CLI's reference outputs of the 1k fixture,
 * both set up once for the file (node:test before/after hooks) and removed after it.
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { cliReference } from './cli-reference.ts';
import { buildApp, DIST } from './harness.ts';
import { serveStatic } from './serve.ts';

export interface ServedApp {
  /** The app's URL (valid inside tests, after the before hook). */
  readonly url: string;
  /** The folder of the CLI's outputs for the 1k fixture. */
  readonly cliDir: string;
}

export function useServedAppAndCli(): ServedApp {
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let cli: ReturnType<typeof cliReference> | undefined;
  before(async () => {
    // The app as scripts/build.sh made it (any e2e file's rebuild serves as well).
    if (!existsSync(`${DIST}/index.html`)) buildApp('');
    server = await serveStatic(DIST, true);
    cli = cliReference();
  });
  after(async () => {
    await server?.close();
    cli?.remove();
  });
  return {
    get url() {
      return server!.url;
    },
    get cliDir() {
      return cli!.dir;
    },
  };
}
