import { quote, type Field } from './field.ts';
import { configKey, dns1123Label, dns1123Subdomain, envVarName, portName, relativePath } from './names.ts';
import { validateSecurityContext } from './validate-security.ts';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['exec', 'tcpSocket', 'httpGet'] as const;
/** Directories each container gets from its runtime; a volume there would break the container. */
const RUNTIME_DIRS = ['/proc', '/sys', '/dev'];
const HTTP_HEADER_NAME = /^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/;

/** The downward-API fields emu can fill in for env fieldRef. */
const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'status.podIP', 'spec.nodeName', 'status.hostIP'];
const LABEL_FIELD_PATH = /^metadata\.labels\['[^']+'\]$/;
/** Valid in Kubernetes env fieldRef, but not emulated. */
const UNSUPPORTED_FIELD_PATHS = /^(metadata\.uid|metadata\.annotations\['[^']+'\]|spec\.serviceAccountName|status\.podIPs|status\.hostIPs)$/;

/**
 * One container (or init container) of a pod template. `mountable` holds the
 * names volumeMounts may refer to. Returns the container name.
 */
export function validateContainer(c: Field, mountable: ReadonlySet<string>, init: boolean): string {
  c.required().checkFields('Container');
  const name = c.field('name').required('name the container').format(dns1123Label)!;
  const image = c.field('image').required('set the image to run, e.g. "registry.k8s.io/nginx-slim:0.21"').str()!;
  if (image.trim() !== image) c.field('image').fail('must not have leading or trailing whitespace');
  c.field('command').strings();
  c.field('args').strings();
  c.field('workingDir').str();
  c.field('imagePullPolicy').oneOf(['Always', 'IfNotPresent', 'Never']);
  const portNames = validatePorts(c.field('ports'));
  validateEnv(c.field('env'));
  validateEnvFrom(c.field('envFrom'));
  validateMounts(c.field('volumeMounts'), mountable);
  validateSecurityContext(c.field('securityContext'));

  // Kubernetes allows probes on init containers only for sidecars.
  const sidecar = c.field('restartPolicy').value === 'Always';
  // Native sidecars (init containers that keep running) are not emulated: emu would
  // wait for them to finish and the pod would never start.
  if (init && sidecar) c.field('restartPolicy').unsupported('sidecar init containers (restartPolicy: Always) are not supported by emu; make it a regular container');
  for (const kind of PROBES) {
    const probe = c.field(kind);
    if (!probe.present) continue;
    if (init && !sidecar) probe.fail('may not be set for init containers (they run to completion)', probe.keyLocation);
    validateProbe(probe, portNames, kind !== 'readinessProbe');
  }
  return name;
}

/** Returns the port names, for probes that refer to a port by name. */
function validatePorts(ports: Field): Set<string> {
  const names = new Set<string>();
  for (const port of ports.items()) {
    port.required().checkFields('ContainerPort');
    port.field('containerPort').required('set the port number').intIn(1, 65535);
    port.field('protocol').oneOf(PROTOCOLS);
    const name = port.field('name').format(portName);
    if (name === undefined) continue;
    if (names.has(name)) port.field('name').fail(`duplicate port name "${name}"; port names must be unique`);
    names.add(name);
  }
  return names;
}

/** A port given as a number, or as the name of a container port (`names`, when known). */
export function validatePortRef(port: Field, names?: ReadonlySet<string>): void {
  if (typeof port.value === 'string') {
    port.format(portName);
    if (names && !names.has(port.value))
      port.fail(`no port named ${quote(port.value)} in this container; add it to ports or use the port number`);
  } else if (typeof port.value === 'number') {
    port.intIn(1, 65535);
  } else {
    port.fail('must be a port number or a port name');
  }
}

function validateEnv(env: Field): void {
  for (const variable of env.items()) {
    variable.required().checkFields('EnvVar');
    variable.field('name').required('name the variable').format(envVarName);
    const value = variable.field('value').str();
    const from = variable.field('valueFrom');
    if (!from.present) continue;
    if (value) from.fail('may not be set when "value" is not empty; use one of value or valueFrom', from.keyLocation);
    validateEnvSource(from);
  }
}

function validateEnvSource(from: Field): void {
  from.checkFields('EnvVarSource');
  const sources = (['fieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((s) => from.field(s).present);
  if (sources.length !== 1)
    from.fail('must specify exactly one of fieldRef, configMapKeyRef or secretKeyRef', from.keyLocation);

  const fieldRef = from.field('fieldRef');
  if (fieldRef.present) {
    fieldRef.checkFields('ObjectFieldSelector');
    fieldRef.field('apiVersion').oneOf(['v1']);
    const path = fieldRef.field('fieldPath');
    const value = path.required('e.g. metadata.name').str()!;
    const supported = `supported: ${FIELD_PATHS.join(', ')}, metadata.labels['<key>']`;
    if (UNSUPPORTED_FIELD_PATHS.test(value)) path.unsupported(`${quote(value)} is not emulated by emu; ${supported}`);
    if (!FIELD_PATHS.includes(value) && !LABEL_FIELD_PATH.test(value))
      path.fail(`unsupported value ${quote(value)}; ${supported}`);
  }
  for (const [kind, type] of [['configMapKeyRef', 'ConfigMapKeySelector'], ['secretKeyRef', 'SecretKeySelector']] as const) {
    const ref = from.field(kind);
    if (!ref.present) continue;
    ref.checkFields(type);
    ref.field('name').required(`name the ${kind === 'configMapKeyRef' ? 'ConfigMap' : 'Secret'}`).format(dns1123Subdomain);
    ref.field('key').required('name the key to read').format(configKey);
    ref.field('optional').bool();
  }
}

function validateEnvFrom(envFrom: Field): void {
  for (const source of envFrom.items()) {
    source.required().checkFields('EnvFromSource');
    source.field('prefix').format(envVarName);
    const refs = (['configMapRef', 'secretRef'] as const).filter((r) => source.field(r).present);
    if (refs.length !== 1) source.fail('must specify exactly one of configMapRef or secretRef');
    const ref = source.field(refs[0]);
    ref.checkFields(refs[0] === 'configMapRef' ? 'ConfigMapEnvSource' : 'SecretEnvSource');
    ref.field('name').required().format(dns1123Subdomain);
    ref.field('optional').bool();
  }
}

function validateMounts(mounts: Field, mountable: ReadonlySet<string>): void {
  const paths = new Set<string>();
  for (const mount of mounts.items()) {
    mount.required().checkFields('VolumeMount');
    const name = mount.field('name');
    if (!mountable.has(name.required('name a volume or a volumeClaimTemplate').str()!)) {
      // The pod's volumes sit beside its containers: spec.volumes of a Pod, spec.template.spec.volumes of a workload.
      const volumes = mounts.path.replace(/(?:init)?[cC]ontainers\[\d+\]\.volumeMounts$/, 'volumes');
      const templates = volumes.startsWith('spec.template.') ? ' or spec.volumeClaimTemplates (StatefulSet)' : '';
      name.fail(`no volume named ${quote(String(name.value))}; add it to ${volumes}${templates}`);
    }

    const mountPath = mount.field('mountPath');
    const path = mountPath.required('set the absolute path to mount at').str()!;
    if (!path.startsWith('/')) mountPath.fail(`must be an absolute path (starting with '/'), got ${quote(path)}`);
    if (path.split('/').includes('..')) mountPath.fail("must not contain '..'");
    const normalized = path.replace(/\/+$/, '') || '/';
    if (normalized === '/') mountPath.fail('must not be "/": a volume cannot replace the root filesystem; mount it at a directory such as /data');
    const runtimeDir = RUNTIME_DIRS.find((dir) => normalized === dir || normalized.startsWith(`${dir}/`));
    if (runtimeDir) mountPath.fail(`${quote(path)} is inside ${runtimeDir}, which the container runtime provides (its own /proc, /sys and /dev); mount the volume elsewhere`);
    if (paths.has(normalized)) mountPath.fail(`${quote(path)} is already mounted in this container; mount paths must be unique`);
    paths.add(normalized);

    mount.field('subPath').format(relativePath);
    mount.field('readOnly').bool();
  }
}

/** `singleSuccess`: liveness and startup probes may only use successThreshold 1. */
function validateProbe(probe: Field, portNames: ReadonlySet<string>, singleSuccess: boolean): void {
  probe.checkFields('Probe');
  const handlers = PROBE_HANDLERS.filter((h) => probe.field(h).present);
  if (handlers.length === 0) probe.fail('must specify a handler: one of exec, tcpSocket or httpGet');
  if (handlers.length > 1) {
    const extra = probe.field(handlers[1]);
    extra.fail(`may not specify more than one handler (already has ${handlers[0]}); keep exactly one`, extra.keyLocation);
  }

  const exec = probe.field('exec');
  if (exec.present) {
    exec.checkFields('ExecAction');
    const command = exec.field('command').required('set the command to run');
    if (command.strings().length === 0) command.fail('must not be empty');
  }
  const tcp = probe.field('tcpSocket');
  if (tcp.present) {
    tcp.checkFields('TCPSocketAction');
    validatePortRef(tcp.field('port').required('set the port to connect to'), portNames);
  }
  const http = probe.field('httpGet');
  if (http.present) {
    http.checkFields('HTTPGetAction');
    http.field('path').str();
    validatePortRef(http.field('port').required('set the port to request'), portNames);
    http.field('scheme').oneOf(['HTTP', 'HTTPS']);
    for (const header of http.field('httpHeaders').items()) {
      header.required().checkFields('HTTPHeader');
      const name = header.field('name');
      if (!HTTP_HEADER_NAME.test(name.required().str()!)) name.fail(`invalid HTTP header name ${quote(String(name.value))}`);
      header.field('value').str();
    }
  }

  // 0 means "use the default" for the API server, so it is accepted everywhere.
  for (const key of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'])
    probe.field(key).intIn(0);
  const success = probe.field('successThreshold');
  if ((success.intIn(0) ?? 0) > 1 && singleSuccess) success.fail('must be 1 for liveness and startup probes');
}

