import { isIP } from 'node:net';
import { quote, type Field } from './field.ts';
import { dns1035Label, dns1123Label } from './names.ts';
import { PROTOCOLS, validatePortRef } from './validate-container.ts';
import { validateLabels, validateMetadata } from './validate-meta.ts';

const UNSUPPORTED_TYPES = ['NodePort', 'LoadBalancer', 'ExternalName'];

export function validateService(root: Field): void {
  root.checkFields('Service');
  validateMetadata(root.field('metadata'), 'Service', dns1035Label);
  const spec = root.field('spec').required('describe the Service: selector and ports');
  spec.checkFields('ServiceSpec');

  const type = spec.field('type');
  if (UNSUPPORTED_TYPES.includes(type.oneOf(['ClusterIP', ...UNSUPPORTED_TYPES]) ?? 'ClusterIP'))
    type.unsupported(`type ${type.value} is not supported by emu; use ClusterIP (the default), or clusterIP: None for a headless Service`);

  const clusterIP = spec.field('clusterIP');
  const ip = clusterIP.str();
  if (ip && ip !== 'None' && !isIP(ip)) clusterIP.fail(`invalid value ${quote(ip)}: must be "None", empty, or an IP address`);
  spec.field('publishNotReadyAddresses').bool();
  validateLabels(spec.field('selector'));
  validatePorts(spec.field('ports'), ip === 'None');
}

function validatePorts(ports: Field, headless: boolean): void {
  const items = ports.items();
  const hint = 'a Service needs ports unless it is headless (clusterIP: None)';
  if (items.length === 0 && !headless) ports.required(hint).fail(`must not be empty; ${hint}`);
  const names = new Set<string>();
  const numbers = new Set<string>();
  for (const port of items) {
    port.required().checkFields('ServicePort');
    const name = port.field('name');
    if (items.length > 1) name.required('a Service with several ports must name each one');
    const value = name.format(dns1123Label);
    if (value !== undefined) {
      if (names.has(value)) name.fail(`duplicate port name "${value}"`);
      names.add(value);
    }

    const number = port.field('port').required('set the port number').intIn(1, 65535);
    const protocol = port.field('protocol').oneOf(PROTOCOLS) ?? 'TCP';
    if (numbers.has(`${number}/${protocol}`)) port.field('port').fail(`duplicate port ${number}/${protocol}`);
    numbers.add(`${number}/${protocol}`);

    if (port.field('targetPort').present) validatePortRef(port.field('targetPort'));
    const nodePort = port.field('nodePort');
    if (nodePort.present) nodePort.fail('may not be used when type is ClusterIP; remove it', nodePort.keyLocation);
  }
}
