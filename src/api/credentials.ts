import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import forge from 'node-forge';
import { EmuError } from '../errors.ts';

/**
 * A cluster's credentials for its HTTPS API: a CA of its own, a server
 * certificate for the loopback names, a client certificate for the cluster's
 * owner (kubectl presents it; the server asks for one signed by the CA), and a
 * bearer token for clients that prefer one. All PEM files, mode 0600, in a
 * directory of mode 0700: another local user can read none of them, so cannot
 * talk to the API.
 */

export interface Credentials {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  token: string;
}

/** Where each credential lives in a cluster's directory (names built here only). */
export function credentialPaths(dir: string): Record<keyof Credentials, string> {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    token: join(dir, 'token'),
  };
}

export interface CredentialOptions {
  /** The cluster's name: it goes into the CA's and certificates' names. */
  cluster: string;
  /** Names and addresses the server certificate is valid for. */
  hosts?: string[];
  /** The user the client certificate names (Kubernetes reads CN as the user). */
  user?: string;
  now?: Date;
}

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];
const CA_YEARS = 10;
const LEAF_YEARS = 1;
/** Reissue a certificate that expires within this many days. */
const RENEW_DAYS = 30;
const DAY = 86_400_000;

interface KeyPair {
  privatePem: string;
  publicPem: string;
}

function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

interface Issue {
  subject: forge.pki.CertificateField[];
  publicPem: string;
  /** The issuing CA; none for the self-signed CA itself. */
  issuer?: { certPem: string; keyPem: string };
  signingKeyPem: string;
  extensions: object[];
  years: number;
  now: Date;
}

function issue({ subject, publicPem, issuer, signingKeyPem, extensions, years, now }: Issue): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = '01' + randomBytes(16).toString('hex'); // a leading 01 keeps it positive
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * DAY);
  cert.setSubject(subject);
  const issuerCert = issuer ? forge.pki.certificateFromPem(issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const authority = issuerCert ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() }] : [];
  cert.setExtensions([...extensions, { name: 'subjectKeyIdentifier' }, ...authority]);
  cert.sign(forge.pki.privateKeyFromPem(signingKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function newCa(cluster: string, now: Date): { cert: string; key: string } {
  const keys = newKeyPair();
  const cert = issue({
    subject: [{ name: 'commonName', value: `emu-${cluster}-ca` }],
    publicPem: keys.publicPem,
    signingKeyPem: keys.privatePem,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
    years: CA_YEARS,
    now,
  });
  return { cert, key: keys.privatePem };
}

function newLeaf(ca: { cert: string; key: string }, subject: forge.pki.CertificateField[], extensions: object[], now: Date): { cert: string; key: string } {
  const keys = newKeyPair();
  const cert = issue({
    subject,
    publicPem: keys.publicPem,
    issuer: { certPem: ca.cert, keyPem: ca.key },
    signingKeyPem: ca.key,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      ...extensions,
    ],
    years: LEAF_YEARS,
    now,
  });
  return { cert, key: keys.privatePem };
}

function serverLeaf(ca: { cert: string; key: string }, cluster: string, hosts: string[], now: Date) {
  const altNames = hosts.map((host) => (isIp(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  return newLeaf(ca, [{ name: 'commonName', value: `emu-${cluster}-apiserver` }], [{ name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames }], now);
}

function clientLeaf(ca: { cert: string; key: string }, user: string, now: Date) {
  return newLeaf(
    ca,
    [
      { name: 'commonName', value: user },
      { name: 'organizationName', value: 'system:masters' },
    ],
    [{ name: 'extKeyUsage', clientAuth: true }],
    now,
  );
}

/** Whether a certificate is one the CA issued, matches its key and lasts a while longer. */
function stillGood(certPem: string, keyPem: string, caPem: string, now: Date): X509Certificate | undefined {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    const fresh = Date.parse(cert.validTo) - now.getTime() > RENEW_DAYS * DAY;
    return fresh && cert.verify(ca.publicKey) && cert.checkPrivateKey(createPrivateKey(keyPem)) ? cert : undefined;
  } catch {
    return undefined;
  }
}

function coversHosts(cert: X509Certificate, hosts: string[]): boolean {
  return hosts.every((host) => (isIp(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined));
}

async function readExisting(paths: Record<keyof Credentials, string>): Promise<Partial<Credentials>> {
  const out: Partial<Credentials> = {};
  for (const [name, path] of Object.entries(paths) as [keyof Credentials, string][]) {
    try {
      out[name] = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return out;
}

/** Write a file readable only by its owner, atomically (a reader never sees half a key). */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/**
 * The cluster's credentials in `dir`: kept when they are still good (same CA,
 * not about to expire, server certificate covering `hosts`), reissued from the
 * CA when only a leaf is stale, and created from scratch otherwise.
 */
export async function ensureCredentials(dir: string, options: CredentialOptions): Promise<Credentials> {
  const now = options.now ?? new Date();
  const hosts = options.hosts ?? LOOPBACK_HOSTS;
  const user = options.user ?? `emu-${options.cluster}-admin`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (error) {
    throw new EmuError('RUNTIME_FAILED', `could not create the credentials directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const paths = credentialPaths(dir);
  const existing = await readExisting(paths);

  let ca = existing.caCert && existing.caKey ? { cert: existing.caCert, key: existing.caKey } : undefined;
  if (ca && !stillGood(ca.cert, ca.key, ca.cert, now)) ca = undefined;
  const fresh = !ca;
  ca ??= newCa(options.cluster, now);

  const serverCert = !fresh && existing.serverCert && existing.serverKey ? stillGood(existing.serverCert, existing.serverKey, ca.cert, now) : undefined;
  const server = serverCert && coversHosts(serverCert, hosts) ? { cert: existing.serverCert!, key: existing.serverKey! } : serverLeaf(ca, options.cluster, hosts, now);
  const clientCert = !fresh && existing.clientCert && existing.clientKey ? stillGood(existing.clientCert, existing.clientKey, ca.cert, now) : undefined;
  const client = clientCert && clientCert.subject.includes(`CN=${user}`) ? { cert: existing.clientCert!, key: existing.clientKey! } : clientLeaf(ca, user, now);
  const token = !fresh && existing.token?.trim() ? existing.token.trim() : randomBytes(32).toString('base64url');

  const credentials: Credentials = { caCert: ca.cert, caKey: ca.key, serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key, token };
  for (const name of Object.keys(paths) as (keyof Credentials)[]) {
    if (existing[name] !== credentials[name] || existing[name] === undefined) await writePrivateFile(paths[name], credentials[name]);
    else await chmod(paths[name], 0o600);
  }
  return credentials;
}

/** Whether an Authorization header carries the cluster's bearer token (compared in constant time). */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match || !token) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}
