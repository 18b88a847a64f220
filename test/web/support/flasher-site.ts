/**
 * The flasher page as `dfu-flash web` serves it, in-process for the fast
 * suite: the real site (src/web-host/site.ts: the built page, dfu-flash.js,
 * the firmware named, the configuration) behind the real server
 * (src/web-host/server.ts) on 127.0.0.1.
 */
import { loadPageAssets } from '../../../src/web-host/assets.js';
import { serveSite, type FlasherServer } from '../../../src/web-host/server.js';
import { siteFiles, type SiteSpec } from '../../../src/web-host/site.js';

export const SERVE_SPEC: SiteSpec = { mode: 'serve', devices: [], firmware: [], options: { verify: true, leave: false, skipUnchanged: false } };

export async function startFlasherSite(spec: Partial<SiteSpec> = {}, port = 0): Promise<FlasherServer & { origin: string }> {
  const assets = await loadPageAssets();
  const full = { ...SERVE_SPEC, ...spec };
  const server = await serveSite({ port, files: () => siteFiles(full, assets) });
  return { ...server, origin: server.url.replace(/\/$/, '') };
}
