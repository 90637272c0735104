// One bidirectional gRPC stream over Node's own HTTP/2 (h2c), for the agent's session — the one
// call an agent makes, once per decision point in both directions. grpc-js stacks interceptors, a
// resolver, a load balancer, filters and an async message pipeline over the same HTTP/2 stream;
// in a lock-step run of ten agent processes that layering cost more CPU than the bytes
// (scripts/bench/grpc-floor.ts, docs/pace-log.md, "Pace: the agents' session stream on Node's HTTP/2"). The arena's
// server stays grpc-js; this speaks the same wire (gRPC over HTTP/2: a length-prefixed message
// framing, the status in trailers) and maps failures to status codes as grpc-js does, so a
// caller cannot tell the two apart except by their cost.

import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  constants as h2,
  connect as http2Connect,
  type IncomingHttpHeaders,
} from 'node:http2';
import { connect as netConnect } from 'node:net';
import { GrpcStatus, type GrpcStatusCode, grpcStatusName, isGrpcStatusCode } from './grpc-status.js';

/** A gRPC status other than OK, as grpc-js's ServiceError carries it. */
export class GrpcStreamError extends Error {
  override readonly name = 'GrpcStreamError';
  constructor(
    readonly code: GrpcStatusCode,
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(`${code} ${grpcStatusName(code)}: ${details}`, options);
  }
}

export interface GrpcStreamOptions<Req, Res> {
  /** host:port, plaintext HTTP/2 (the arena serves insecure credentials). */
  address: string;
  /** "/package.Service/Method". */
  path: string;
  /** Request metadata (lower-case ASCII keys, string values), e.g. authorization. */
  metadata?: Record<string, string>;
  serialize(value: Req): Buffer;
  deserialize(bytes: Buffer): Res;
  /** Largest message accepted from the server (grpc-js's default: 4 MiB). */
  maxReceiveBytes?: number;
  /** HTTP/2 receive window of the stream and the connection (bytes). */
  flowControlWindow?: number;
  userAgent?: string;
}

export interface GrpcStreamHandlers<Res> {
  onMessage(message: Res): void;
  /** The server closed the stream with status OK. */
  onEnd(): void;
  /** Any other end: a status from the server, a dropped connection, a message that did not decode. */
  onError(err: GrpcStreamError): void;
}

export interface GrpcStream<Req> {
  write(message: Req): void;
  /** Half-close: no more requests. */
  end(): void;
  /** Abandon the call (the server sees CANCEL); no handler runs after it. */
  cancel(): void;
  /** Close the connection once the stream is done. */
  close(): void;
}

const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;
const HEADER_BYTES = 5;

/** The status grpc-js reports for a response with an HTTP status other than 200. */
function fromHttpStatus(code: number): GrpcStatusCode {
  switch (code) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** The status of a stream that closed without trailers, from its RST_STREAM code. */
function fromResetCode(rstCode: number, connectionLost: boolean, connectionError?: Error): GrpcStreamError {
  // The socket's own error says why (e.g. "connect ECONNREFUSED 127.0.0.1:50051": nothing listens there).
  if (connectionLost)
    return new GrpcStreamError(
      GrpcStatus.UNAVAILABLE,
      `Connection dropped${connectionError ? ` (${connectionError.message})` : ''}`,
    );
  switch (rstCode) {
    case h2.NGHTTP2_REFUSED_STREAM:
      return new GrpcStreamError(GrpcStatus.UNAVAILABLE, 'Stream refused by server');
    case h2.NGHTTP2_CANCEL:
      return new GrpcStreamError(GrpcStatus.CANCELLED, 'Call cancelled');
    case h2.NGHTTP2_ENHANCE_YOUR_CALM:
      return new GrpcStreamError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        'Bandwidth exhausted or memory limit exceeded',
      );
    default:
      return new GrpcStreamError(GrpcStatus.INTERNAL, `Received RST_STREAM with code ${rstCode}`);
  }
}

function headerString(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The status in trailers (or in the headers of a trailers-only response); undefined without one. */
function statusFromTrailers(headers: IncomingHttpHeaders): GrpcStreamError | 'ok' | undefined {
  const raw = headerString(headers, 'grpc-status');
  if (raw === undefined) return undefined;
  const code = Number(raw);
  if (!isGrpcStatusCode(code)) return new GrpcStreamError(GrpcStatus.UNKNOWN, `Invalid grpc-status "${raw}"`);
  if (code === GrpcStatus.OK) return 'ok';
  const message = headerString(headers, 'grpc-message') ?? '';
  let details = message;
  try {
    details = decodeURIComponent(message);
  } catch {
    // Not percent-encoded after all: shown as received.
  }
  return new GrpcStreamError(code, details);
}

/**
 * Splits the response body into messages: 1 byte compressed flag, 4 bytes length, the message.
 * A message inside one chunk is a view of it; one spread over chunks is copied together once.
 */
export class MessageFramer {
  private header = Buffer.alloc(HEADER_BYTES);
  private headerHave = 0;
  private body: Buffer | undefined;
  private bodyHave = 0;

  constructor(private readonly maxBytes: number) {}

  /** Calls `emit` for every message the chunk completes; a framing error throws GrpcStreamError. */
  push(chunk: Buffer, emit: (message: Buffer) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === undefined) {
        if (this.headerHave === 0 && chunk.length - at >= HEADER_BYTES) {
          const length = this.checkHeader(chunk[at] ?? 0, chunk.readUInt32BE(at + 1));
          at += HEADER_BYTES;
          if (chunk.length - at >= length) {
            emit(chunk.subarray(at, at + length));
            at += length;
            continue;
          }
          this.startBody(length);
        } else {
          const take = Math.min(HEADER_BYTES - this.headerHave, chunk.length - at);
          chunk.copy(this.header, this.headerHave, at, at + take);
          this.headerHave += take;
          at += take;
          if (this.headerHave < HEADER_BYTES) return;
          this.headerHave = 0;
          const length = this.checkHeader(this.header[0] ?? 0, this.header.readUInt32BE(1));
          this.startBody(length);
        }
      }
      const body = this.body as Buffer;
      const take = Math.min(body.length - this.bodyHave, chunk.length - at);
      chunk.copy(body, this.bodyHave, at, at + take);
      this.bodyHave += take;
      at += take;
      if (this.bodyHave === body.length) {
        this.body = undefined;
        emit(body);
      }
    }
  }

  /** Bytes of a message begun but not complete (a stream must not end inside one). */
  get partial(): boolean {
    return this.headerHave > 0 || this.body !== undefined;
  }

  private checkHeader(flag: number, length: number): number {
    // No compression was offered (grpc-accept-encoding: identity), so none may arrive.
    if (flag !== 0)
      throw new GrpcStreamError(GrpcStatus.INTERNAL, 'Received a compressed message, none was accepted');
    if (length > this.maxBytes)
      throw new GrpcStreamError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        `Received message larger than max (${length} vs. ${this.maxBytes})`,
      );
    return length;
  }

  private startBody(length: number): void {
    this.body = Buffer.allocUnsafe(length);
    this.bodyHave = 0;
  }
}

export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, HEADER_BYTES);
  return out;
}

/** host and port of "host:port" (an IPv6 host in brackets); GrpcStreamError INVALID_ARGUMENT otherwise. */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new GrpcStreamError(GrpcStatus.INVALID_ARGUMENT, `address "${address}" is not host:port`);
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** Opens the stream at once; the handlers get every message, then exactly one end or error. */
export function openGrpcStream<Req, Res>(
  opts: GrpcStreamOptions<Req, Res>,
  handlers: GrpcStreamHandlers<Res>,
): GrpcStream<Req> {
  const { host, port } = splitAddress(opts.address);
  const window = opts.flowControlWindow ?? 65_535;
  const session: ClientHttp2Session = http2Connect(`http://${opts.address}`, {
    settings: { initialWindowSize: window },
    maxSessionMemory: Number.MAX_SAFE_INTEGER,
    createConnection: () => {
      const socket = netConnect({ host, port });
      // A wake-up's answer is one small write: Nagle would hold it for the previous one's ack.
      socket.setNoDelay(true);
      return socket;
    },
  });
  let connectionLost = false;
  let connectionError: Error | undefined;
  session.on('connect', () => {
    if (window > 65_535) session.setLocalWindowSize(window);
  });
  session.on('error', (err: Error) => {
    connectionLost = true;
    connectionError ??= err;
  });
  session.on('goaway', () => {
    connectionLost = true;
  });
  session.on('close', () => {
    connectionLost = true;
  });

  const stream: ClientHttp2Stream = session.request({
    [h2.HTTP2_HEADER_METHOD]: 'POST',
    [h2.HTTP2_HEADER_PATH]: opts.path,
    [h2.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
    [h2.HTTP2_HEADER_TE]: 'trailers',
    [h2.HTTP2_HEADER_USER_AGENT]: opts.userAgent ?? 'flexarena-ts-grpc-stream',
    'grpc-accept-encoding': 'identity',
    ...opts.metadata,
  });

  let settled = false;
  let httpStatus = 0;
  let final: GrpcStreamError | 'ok' | undefined;
  const framer = new MessageFramer(opts.maxReceiveBytes ?? DEFAULT_MAX_RECEIVE);
  const settle = (outcome: GrpcStreamError | 'ok') => {
    if (settled) return;
    settled = true;
    if (outcome === 'ok') handlers.onEnd();
    else handlers.onError(outcome);
  };
  const failLocally = (err: GrpcStreamError) => {
    settle(err);
    if (!stream.closed) stream.close(h2.NGHTTP2_CANCEL);
  };

  const emit = (bytes: Buffer) => {
    let message: Res;
    try {
      message = opts.deserialize(bytes);
    } catch (err) {
      throw new GrpcStreamError(GrpcStatus.INTERNAL, 'Response message parsing error', { cause: err });
    }
    handlers.onMessage(message);
  };

  stream.on('response', (headers, flags) => {
    httpStatus = Number(headers[h2.HTTP2_HEADER_STATUS] ?? 0);
    // A trailers-only response carries its status in the headers.
    if (flags & h2.NGHTTP2_FLAG_END_STREAM) final = statusFromTrailers(headers);
    else if (httpStatus === 200 && !headerString(headers, 'content-type')?.startsWith('application/grpc'))
      failLocally(new GrpcStreamError(GrpcStatus.UNKNOWN, 'Response is not application/grpc'));
  });
  stream.on('data', (chunk: Buffer) => {
    if (settled) return;
    try {
      framer.push(chunk, emit);
    } catch (err) {
      failLocally(
        err instanceof GrpcStreamError
          ? err
          : new GrpcStreamError(GrpcStatus.INTERNAL, String(err), { cause: err }),
      );
    }
  });
  // The status is known from the trailers; the call is over once the body before them is read.
  let readEnded = false;
  const settleOnStatus = () => {
    if (final === undefined || !readEnded || settled) return;
    settle(
      final === 'ok' && framer.partial
        ? new GrpcStreamError(GrpcStatus.INTERNAL, 'Stream ended inside a message')
        : final,
    );
    // Our side may still be open (a server that ends first): the stream is done either way.
    if (!stream.closed) stream.close(h2.NGHTTP2_NO_ERROR);
  };
  stream.on('trailers', (headers) => {
    final = statusFromTrailers(headers);
    settleOnStatus();
  });
  stream.on('end', () => {
    readEnded = true;
    settleOnStatus();
  });
  // Errors arrive again as 'close' with a reset code; the listener keeps them from being thrown.
  stream.on('error', () => {});
  stream.on('close', () => {
    // After 'error' events of the same moment, as grpc-js does, so a dropped connection is known.
    process.nextTick(() => {
      if (final !== undefined) return settle(final);
      if (httpStatus !== 0 && httpStatus !== 200)
        return settle(
          new GrpcStreamError(fromHttpStatus(httpStatus), `Received HTTP status code ${httpStatus}`),
        );
      if (stream.rstCode === h2.NGHTTP2_NO_ERROR && !connectionLost)
        return settle(new GrpcStreamError(GrpcStatus.INTERNAL, 'Call ended without gRPC status'));
      settle(fromResetCode(stream.rstCode ?? h2.NGHTTP2_INTERNAL_ERROR, connectionLost, connectionError));
    });
  });

  return {
    write(message) {
      if (settled || stream.closed || stream.writableEnded) return;
      stream.write(frame(opts.serialize(message)));
    },
    end() {
      if (!stream.writableEnded) stream.end();
    },
    cancel() {
      settled = true;
      if (!stream.closed) stream.close(h2.NGHTTP2_CANCEL);
    },
    close() {
      if (!session.closed) session.close();
    },
  };
}
