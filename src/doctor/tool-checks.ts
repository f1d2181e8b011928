/**
 * Programs and packages emu and the labs use, looked up as emu will run them
 * (on PATH), each with the Debian package that provides it.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { CATALOG } from '../images/catalog.ts';
import { missingPackages } from '../images/pull.ts';
import { aptInstall, failed, passed, type Check, type CheckResult } from './check-result.ts';

interface Tool {
  binary: string;
  /** The Debian package; undefined when Debian does not ship it. */
  aptPackage?: string;
  required: boolean;
  /** Who needs it, for optional tools. */
  neededBy?: string;
  /** How to get it when there is no package. */
  install?: string;
}

const TOOLS: Tool[] = [
  { binary: 'unshare', aptPackage: 'util-linux', required: true },
  { binary: 'nsenter', aptPackage: 'util-linux', required: true },
  { binary: 'setpriv', aptPackage: 'util-linux', required: true },
  { binary: 'mount', aptPackage: 'mount', required: true },
  { binary: 'ip', aptPackage: 'iproute2', required: true },
  { binary: 'getent', aptPackage: 'libc-bin', required: true },
  { binary: 'curl', aptPackage: 'curl', required: true },
  { binary: 'crun', aptPackage: 'crun', required: false, neededBy: 'the isolated runtime' },
  { binary: 'tini', aptPackage: 'tini', required: false, neededBy: 'the isolated runtime' },
  { binary: 'dig', aptPackage: 'dnsutils', required: false, neededBy: 'DNS experiments' },
  { binary: 'kubectl', required: false, neededBy: 'kubectl exercises', install: 'install kubectl as https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ says, then `emu kubeconfig --merge`' },
];

/** Which images the labs need: nginx for every lab, the rest for some. */
const REQUIRED_IMAGES = new Set(['nginx']);
const SYSTEM_DIRS = ['/usr/sbin', '/sbin'];

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The first PATH entry holding `binary`. */
export async function onPath(binary: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) if (await executable(join(dir, binary))) return join(dir, binary);
  return undefined;
}

export const tools: Check = async () => {
  const results: CheckResult[] = [];
  for (const tool of TOOLS) {
    const name = `${tool.binary}${tool.aptPackage ? ` (${tool.aptPackage})` : ''}${tool.neededBy ? ` for ${tool.neededBy}` : ''}`;
    const found = await onPath(tool.binary);
    if (found) {
      results.push(passed(name, found, tool.required));
      continue;
    }
    const elsewhere = (await Promise.all(SYSTEM_DIRS.map(async (d) => ((await executable(join(d, tool.binary))) ? d : undefined)))).find(Boolean);
    const fix = elsewhere ? `it is in ${elsewhere}, which is not on your PATH: export PATH="$PATH:${elsewhere}"` : tool.aptPackage ? aptInstall(tool.aptPackage) : tool.install!;
    results.push(failed(name, 'not found on PATH', fix, tool.required));
  }
  return results;
};

/** What `emu pull` would install for each image, asked of dpkg. */
export const imagePackages: Check = async () => {
  const results: CheckResult[] = [];
  for (const image of CATALOG.filter((i) => i.aptPackages.length > 0)) {
    const required = REQUIRED_IMAGES.has(image.name);
    const name = `image ${image.name} (${image.aptPackages.join(', ')})`;
    const missing = await missingPackages(image.aptPackages).catch(() => image.aptPackages);
    results.push(missing.length === 0 ? passed(name, 'installed', required) : failed(name, `missing ${missing.join(', ')}`, `emu pull ${image.name}  (or: ${aptInstall(...missing)})`, required));
  }
  return results;
};
