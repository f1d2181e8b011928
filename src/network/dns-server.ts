import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { ClusterZone } from './dns-records.ts';

export { clusterRecords, ClusterZone, renderResolvConf, reverseName, searchPath } from './dns-records.ts';

/**
 * The cluster's DNS server, over UDP and TCP on one port, answering from a zone
 * it asks for on every query (so record changes show at once): A/AAAA, SRV, PTR,
 * CNAME and TXT records of the zone, NXDOMAIN (with the zone's SOA) for unknown
 * names under it, and — since no upstream resolver is reachable from the
 * cluster — an immediate REFUSED for every other name, so that lookups of
 * outside names fail fast instead of timing out.
 */

export interface DnsServerOptions {
  /** Address to listen on (the one pods' resolv.conf names). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The current records; called for each query. */
  zone: () => ClusterZone;
  /** The answer for names outside the cluster's zones. */
  outside?: 'REFUSED' | 'SERVFAIL';
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

/** Plain DNS over UDP without EDNS: answers longer than this set TC and go over TCP. */
const UDP_LIMIT = 512;
const MAX_TCP_BUFFER = 65_537;
const TCP_IDLE_MS = 10_000;

/** The server answers every query it can and never dies of one it cannot. */
function answerSafely(answer: () => Buffer | undefined): Buffer | undefined {
  try {
    return answer();
  } catch {
    return undefined;
  }
}

function recordsFor(zone: ClusterZone, question: Question): { answers: Answer[]; rcode: Rcode } {
  const name = question.name.toLowerCase().replace(/\.$/, '');
  if (!zone.isOurs(name)) return { answers: [], rcode: 'NOERROR' };
  const records = zone.lookup(name);
  if (!records) return { answers: [], rcode: zone.exists(name) ? 'NOERROR' : 'NXDOMAIN' };
  const ttl = zone.ttl;
  const base = { name: question.name.replace(/\.$/, ''), ttl, class: 'IN' as const };
  if (records.CNAME) return { answers: [{ ...base, type: 'CNAME', data: records.CNAME }], rcode: 'NOERROR' };
  const answers: Answer[] = [];
  const type = question.type;
  if (type === 'A' || type === 'ANY' as string) answers.push(...records.A.map((ip) => ({ ...base, type: 'A' as const, data: ip })));
  if (type === 'AAAA' || type === 'ANY' as string) answers.push(...records.AAAA.map((ip) => ({ ...base, type: 'AAAA' as const, data: ip })));
  if (type === 'PTR') answers.push(...records.PTR.map((target) => ({ ...base, type: 'PTR' as const, data: target })));
  if (type === 'SRV') answers.push(...records.SRV.map((data) => ({ ...base, type: 'SRV' as const, data })));
  if (type === 'TXT') answers.push(...records.TXT.map((text) => ({ ...base, type: 'TXT' as const, data: text })));
  return { answers, rcode: 'NOERROR' };
}

/** Whether a name fits DNS: labels of 1–63 bytes, 253 bytes in all. */
function isDnsName(name: string): boolean {
  const bytes = Buffer.byteLength(name);
  return bytes <= 253 && name.split('.').every((label) => label.length > 0 && Buffer.byteLength(label) <= 63);
}

function carriable(answer: Answer): boolean {
  const data = (answer as { data?: unknown }).data;
  const target = typeof data === 'string' ? data : (data as { target?: string } | undefined)?.target;
  return isDnsName(answer.name) && (answer.type === 'A' || answer.type === 'AAAA' || answer.type === 'TXT' || target === undefined || isDnsName(target));
}

function soa(zone: ClusterZone): Answer {
  return {
    name: zone.domain,
    type: 'SOA',
    ttl: zone.ttl,
    class: 'IN',
    data: { mname: `ns.dns.${zone.domain}`, rname: `hostmaster.${zone.domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: zone.ttl },
  };
}

/**
 * Answer one DNS message (pure apart from asking for the zone). Returns
 * undefined for what is not a query worth answering (a response, garbage).
 */
export function answerQuery(message: Buffer, zone: ClusterZone, options: { outside?: 'REFUSED' | 'SERVFAIL'; maxSize?: number } = {}): Buffer | undefined {
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return formatError(message);
  }
  if (query.type !== 'query') return undefined;
  const question = query.questions?.[0];
  const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const reply = (rcode: Rcode, extra: { aa?: boolean; answers?: Answer[]; authorities?: Answer[] } = {}) =>
    dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: rd | dnsPacket.RECURSION_AVAILABLE | (extra.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODE[rcode],
      questions: question ? [question] : [],
      answers: extra.answers ?? [],
      authorities: extra.authorities ?? [],
    });
  if (!question) return reply('FORMERR');
  const name = question.name.toLowerCase().replace(/\.$/, '');
  if (!zone.isOurs(name)) return reply(options.outside ?? 'REFUSED');
  const { answers, rcode } = recordsFor(zone, question);
  const negative = answers.length === 0 ? [soa(zone)] : [];
  // A record DNS cannot carry (a label over 63 bytes, say) would make a broken packet.
  if (!answers.every(carriable)) return reply('SERVFAIL');
  const full = reply(rcode, { aa: true, answers, authorities: negative });
  const maxSize = options.maxSize ?? Infinity;
  if (full.length <= maxSize) return full;
  // Too long for UDP: say so (TC) and let the client ask again over TCP.
  return dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: rd | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE,
    questions: [question],
  });
}

/** FORMERR for a message whose header is readable but whose body is not. */
function formatError(message: Buffer): Buffer | undefined {
  if (message.length < 12 || (message[2] & 0x80) !== 0) return undefined;
  const header = Buffer.alloc(12);
  message.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8000 | (message.readUInt16BE(2) & 0x0100) | RCODE.FORMERR, 2);
  return header;
}

/** The size a client can take over UDP: its EDNS payload size, else 512. */
function udpLimit(message: Buffer): number {
  try {
    const opt = dnsPacket.decode(message).additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    return Math.max(UDP_LIMIT, opt?.udpPayloadSize ?? UDP_LIMIT);
  } catch {
    return UDP_LIMIT;
  }
}

export class DnsServer {
  private constructor(
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    private readonly connections: Set<Socket>,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: DnsServerOptions): Promise<DnsServer> {
    const host = options.host ?? '127.0.0.1';
    const answer = (message: Buffer, maxSize?: number) => answerQuery(message, options.zone(), { outside: options.outside, maxSize });
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', (message, peer) => {
      const response = answerSafely(() => answer(message, udpLimit(message)));
      if (response) udp.send(response, peer.port, peer.address);
    });
    udp.on('error', () => {}); // a send to a vanished client must not end the server
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(options.port ?? 0, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const connections = new Set<Socket>();
    const tcp = createServer((socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      socket.on('error', () => socket.destroy());
      // A client that stops mid-message must not hold a connection forever.
      socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        if (pending.length > MAX_TCP_BUFFER) return socket.destroy();
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const length = pending.readUInt16BE(0);
          const response = answerSafely(() => answer(pending.subarray(2, 2 + length)));
          pending = pending.subarray(2 + length);
          if (!response) return socket.destroy();
          const framed = Buffer.alloc(2 + response.length);
          framed.writeUInt16BE(response.length, 0);
          response.copy(framed, 2);
          socket.write(framed);
        }
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      udp.close();
      throw error;
    }
    return new DnsServer(udp, tcp, connections, host, port);
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([new Promise<void>((resolve) => this.udp.close(() => resolve())), new Promise<void>((resolve) => this.tcp.close(() => resolve()))]);
  }
}
