import { EmuError } from '../errors.ts';
import { IpPool } from './ip-pool.ts';
import { IpShell } from './ip-shell.ts';

export interface NodeNetworkOptions {
  /** Pod addresses, like kind's default. */
  podCidr?: string;
  /** Service virtual IPs, like kind's default. */
  serviceCidr?: string;
}

const BRIDGE = 'emu0';
/**
 * The bridge's own MAC address, set once: a bridge without one takes the lowest
 * of its ports' and changes it when that port goes (a pod deleted), and pods
 * would keep sending to the old address (their ARP entry for the gateway still
 * valid) until it expires: seconds of lost packets. Locally administered; each
 * node has its own network namespace, so every cluster can use the same one.
 */
const BRIDGE_MAC = '02:00:0a:f4:00:01';

/** How a pod's eth0 is to be configured. */
export interface PodAddress {
  ip: string;
  prefixLength: number;
  gateway: string;
}

/**
 * The node's network: a bridge in the node's own network namespace (the one this
 * process runs in), with one veth per pod incarnation. Nothing here touches the
 * host's interfaces: the whole namespace disappears with the node's processes.
 */
export class NodeNetwork {
  readonly pods: IpPool;
  readonly services: IpPool;
  private vethCounter = 0;
  private readonly shell = new IpShell();

  constructor(options: NodeNetworkOptions = {}) {
    this.pods = new IpPool(options.podCidr ?? '10.244.0.0/16');
    this.services = new IpPool(options.serviceCidr ?? '10.96.0.0/16');
  }

  async setUp(): Promise<void> {
    await this.ip([
      'link set lo up',
      `link add ${BRIDGE} address ${BRIDGE_MAC} type bridge`,
      `addr add ${this.pods.gateway}/${this.pods.prefixLength} dev ${BRIDGE}`,
      `link set ${BRIDGE} up`,
    ]);
  }

  /**
   * Give a pod's network namespace (held by process `pid`) an eth0 on the bridge
   * and a fresh address. The pod side (address, default route via the node) is
   * configured from inside the sandbox with the returned settings (see SANDBOX_INIT in runtime/native/oci-config.ts).
   */
  async attachPod(pid: number): Promise<PodAddress> {
    const ip = this.pods.allocate();
    const hostVeth = this.nextVethName();
    try {
      await this.ip([`link add ${hostVeth} type veth peer name eth0 netns ${pid}`, `link set ${hostVeth} master ${BRIDGE} up`]);
    } catch (error) {
      this.pods.release(ip);
      throw error;
    }
    return { ip, prefixLength: this.pods.prefixLength, gateway: this.pods.gateway };
  }

  /**
   * An address and a veth name for a pod whose sandbox makes its own veth: the
   * Docker runtime's pause container creates it, its peer in this namespace
   * (see docker/pause/pause.sh); then plugVeth puts it on the bridge.
   */
  reservePod(): PodAddress & { veth: string } {
    return { ip: this.pods.allocate(), prefixLength: this.pods.prefixLength, gateway: this.pods.gateway, veth: this.nextVethName() };
  }

  async plugVeth(veth: string): Promise<void> {
    await this.ip([`link set ${veth} master ${BRIDGE} up`]);
  }

  private nextVethName(): string {
    return `veth${(this.vethCounter++).toString(16)}`;
  }

  /** The pod's veth goes away with its namespace; only the address is ours to return. */
  detachPod(ip: string): void {
    this.pods.release(ip);
  }

  /** Put a Service's cluster IP (allocated by the API from `services`) on the bridge. */
  async addServiceIp(ip: string): Promise<void> {
    await this.ip([`addr add ${ip}/32 dev ${BRIDGE}`]);
  }

  async removeServiceIp(ip: string): Promise<void> {
    await this.ip([`addr del ${ip}/32 dev ${BRIDGE}`]).catch(() => undefined);
  }

  /** End the node's ip process (the network itself goes with the node). */
  close(): void {
    this.shell.close();
  }

  private async ip(commands: string[]): Promise<void> {
    try {
      await this.shell.run(commands);
    } catch (error) {
      throw new EmuError('RUNTIME_FAILED', `network setup failed (${commands[0]}…): ${(error as Error).message}`, { cause: error });
    }
  }

}
