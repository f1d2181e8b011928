import { describe, expect, it } from 'vitest';
import {
  BASE64_CHANNEL,
  V1_CHANNEL,
  V4_CHANNEL,
  V5_CHANNEL,
  REMOTE_COMMAND_PROTOCOLS,
  decodeChannel,
  decodeResize,
  encodeChannel,
  encodeClose,
  exitCodeOf,
  exitStatus,
  negotiateProtocol,
  parsePorts,
  portForwardChannels,
  portPrefix,
  statusPayload,
} from '../../src/api/streams.ts';

describe('remote command channels', () => {
  it('picks the first protocol the client offers that the server speaks', () => {
    expect(negotiateProtocol('v5.channel.k8s.io', REMOTE_COMMAND_PROTOCOLS)).toBe(V5_CHANNEL);
    expect(negotiateProtocol('v5.channel.k8s.io, v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io', REMOTE_COMMAND_PROTOCOLS)).toBe(V5_CHANNEL);
    expect(negotiateProtocol(['v9.channel.k8s.io', 'channel.k8s.io'], REMOTE_COMMAND_PROTOCOLS)).toBe(V1_CHANNEL);
    expect(negotiateProtocol('SPDY/3.1', REMOTE_COMMAND_PROTOCOLS)).toBeUndefined();
  });

  it('frames binary messages with the channel as first byte and v5 close messages', () => {
    expect(encodeChannel(V5_CHANNEL, 1, 'hi')).toEqual(Buffer.from([1, 0x68, 0x69]));
    expect(decodeChannel(V5_CHANNEL, Buffer.from([0, 0x61]))).toEqual({ channel: 0, data: Buffer.from('a') });
    expect(decodeChannel(V5_CHANNEL, encodeClose(0))).toEqual({ close: 0 });
    // Before v5, 255 is just a channel number.
    expect(decodeChannel(V4_CHANNEL, Buffer.from([255, 0]))).toEqual({ channel: 255, data: Buffer.from([0]) });
    expect(decodeChannel(V5_CHANNEL, Buffer.alloc(0))).toBeUndefined();
  });

  it('frames base64 text messages with the channel as a digit', () => {
    expect(encodeChannel(BASE64_CHANNEL, 2, 'oops')).toBe('2b29wcw==');
    expect(decodeChannel(BASE64_CHANNEL, '1aGVsbG8=')).toEqual({ channel: 1, data: Buffer.from('hello') });
    expect(decodeChannel(BASE64_CHANNEL, 'x')).toBeUndefined();
  });

  it('reads resize messages and refuses anything else', () => {
    expect(decodeResize(Buffer.from('{"Width":120,"Height":40}'))).toEqual({ width: 120, height: 40 });
    expect(decodeResize(Buffer.from('{"Width":-1,"Height":40}'))).toBeUndefined();
    expect(decodeResize(Buffer.from('not json'))).toBeUndefined();
  });

  it('reports exit codes on channel 3 as the kubelet does, and reads them back as kubectl does', () => {
    expect(JSON.parse(statusPayload(V5_CHANNEL, exitStatus(7))!.toString())).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: exit status 7',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '7' }] },
    });
    expect(statusPayload(V4_CHANNEL, exitStatus(0))!.toString()).toBe('{"metadata":{},"status":"Success"}');
    expect(statusPayload(V1_CHANNEL, exitStatus(0))).toBeUndefined();
    expect(statusPayload(V1_CHANNEL, exitStatus(3))!.toString()).toBe('command terminated with non-zero exit code: exit status 3');
    expect([0, 3, 7, 255].map((code) => exitCodeOf(statusPayload(V5_CHANNEL, exitStatus(code))!))).toEqual([0, 3, 7, 255]);
    expect(exitCodeOf(Buffer.from('garbage'))).toBe(1);
  });
});

describe('port-forward channels', () => {
  it('gives each port a data and an error channel, each opened with the port little-endian', () => {
    expect(portForwardChannels([80, 8443])).toEqual([
      { port: 80, data: 0, error: 1 },
      { port: 8443, data: 2, error: 3 },
    ]);
    expect(portPrefix(V4_CHANNEL, 2, 8443)).toEqual(Buffer.from([2, 0xfb, 0x20]));
  });

  it('parses ?ports= and refuses bad ones', () => {
    expect(parsePorts(['80', '443,8080'])).toEqual([80, 443, 8080]);
    expect(parsePorts([])).toBe('at least one port must be specified');
    expect(parsePorts(['70000'])).toBe('unable to parse "70000" as a port: must be 1-65535');
  });
});
