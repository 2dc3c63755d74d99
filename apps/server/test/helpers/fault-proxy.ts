/**
 * A small HTTP proxy in front of moto that injects the faults a real S3 and a home uplink
 * produce, and records every request. Requests that no rule matches are forwarded unchanged,
 * streamed both ways (no buffering of bodies), with their Host header as signed by the client.
 *
 *   const proxy = await startFaultProxy(moto.endpoint);
 *   proxy.inject({ method: 'PUT', path: /partNumber=2/, times: 2 }, slowDown());
 *   // … point the S3 client at proxy.endpoint …
 *   proxy.requests.filter((r) => r.fault === 'status').length
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

export type Fault =
  /** Answers without forwarding: an S3 XML error body with this status and code. */
  | {
      kind: 'status';
      status: number;
      code: string;
      message: string;
      headers?: Record<string, string>;
    }
  /** Reads the request, then says nothing for `ms` and closes: a client timeout fires first. */
  | { kind: 'stall'; ms: number }
  /**
   * Cuts the connection half-way: a request with a body is cut after half of it arrived (and
   * is not forwarded); otherwise the response is forwarded and cut after half of its body (or
   * lost whole if it has none).
   */
  | { kind: 'drop' }
  /** Forwards, then flips the bits of one byte of the response body (the middle one). */
  | { kind: 'corrupt' }
  /** Forwards, adding (or replacing) these response headers and dropping those in `remove`. */
  | { kind: 'headers'; headers: Record<string, string>; remove?: readonly string[] }
  /** Forwards, then hands the client `body(answer)` instead of the answer's body (as text). */
  | { kind: 'rewrite'; body: (text: string) => string };

export interface FaultMatcher {
  method?: string;
  /** Tested against the request's path and query, e.g. /\?restore/ or /partNumber=3/. */
  path?: RegExp;
  /** How many matching requests get the fault; default 1. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Bytes of request body the proxy received. */
  bytesIn: number;
  /** The first 4 KiB of the body as text, e.g. a RestoreRequest's XML with its Tier. */
  body: string;
  fault?: Fault['kind'];
}

const BODY_KEPT = 4096;

export interface FaultProxy {
  endpoint: string;
  port: number;
  readonly requests: RecordedRequest[];
  inject(matcher: FaultMatcher, fault: Fault): void;
  /** Forgets rules not yet used up and the recorded requests. */
  clear(): void;
  stop(): Promise<void>;
}

interface Rule extends FaultMatcher {
  fault: Fault;
  left: number;
}

/** An S3 error answer, e.g. s3Error(403, 'AccessDenied', 'Access Denied'). */
export function s3Error(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Fault {
  return { kind: 'status', status, code, message, ...(headers ? { headers } : {}) };
}

export const internalError = () =>
  s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
export const slowDown = () => s3Error(503, 'SlowDown', 'Please reduce your request rate.');
export const accessDenied = () => s3Error(403, 'AccessDenied', 'Access Denied');
/** What S3 answers when a bucket is addressed in the wrong region. */
export const permanentRedirect = (region: string) =>
  s3Error(
    301,
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint.',
    { 'x-amz-bucket-region': region },
  );

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: Rule[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const takeFault = (req: IncomingMessage): Fault | undefined => {
    const rule = rules.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method === req.method) &&
        (!r.path || r.path.test(req.url ?? '')),
    );
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.fault;
  };

  const server = createServer((req, res) => {
    const fault = takeFault(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      bytesIn: 0,
      body: '',
      ...(fault ? { fault: fault.kind } : {}),
    };
    requests.push(record);
    req.on('data', (chunk: Buffer) => {
      if (record.bytesIn < BODY_KEPT) {
        record.body += chunk.subarray(0, BODY_KEPT - record.bytesIn).toString('utf8');
      }
      record.bytesIn += chunk.length;
    });
    handle(req, res, fault, upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject(matcher, fault) {
      rules.push({ ...matcher, fault, left: matcher.times ?? 1 });
    },
    clear() {
      rules.length = 0;
      requests.length = 0;
    },
    stop: () => stopServer(server, sockets),
  };
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault | undefined,
  upstream: URL,
): void {
  switch (fault?.kind) {
    case 'status':
      return answerError(req, res, fault);
    case 'stall':
      req.resume();
      setTimeout(() => req.socket.destroy(), fault.ms).unref();
      return;
    case 'drop':
      if (Number(req.headers['content-length'] ?? 0) > 0) return cutRequest(req);
      return forward(req, res, upstream, fault);
    default:
      return forward(req, res, upstream, fault);
  }
}

function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Extract<Fault, { kind: 'status' }>,
): void {
  const body =
    req.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
        `<Message>${fault.message}</Message><RequestId>FAULTPROXY</RequestId></Error>`;
  // Read the whole request first: answering mid-upload makes the client see EPIPE instead.
  req.on('end', () => {
    res.writeHead(fault.status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': 'FAULTPROXY',
      ...fault.headers,
    });
    res.end(body);
  });
  req.resume();
}

function cutRequest(req: IncomingMessage): void {
  const half = Number(req.headers['content-length']) / 2;
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= half) req.socket.destroy();
  });
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, fault?: Fault): void {
  const out = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      const headers = { ...answer.headers, ...(fault?.kind === 'headers' ? fault.headers : {}) };
      if (fault?.kind === 'headers') for (const name of fault.remove ?? []) delete headers[name];
      if (fault?.kind === 'rewrite') return rewriteBody(answer, res, headers, fault.body);
      res.writeHead(answer.statusCode ?? 502, headers);
      // A HEAD answer announces the object's length but carries no body.
      const length = req.method === 'HEAD' ? 0 : Number(answer.headers['content-length'] ?? 0);
      if (fault?.kind === 'corrupt' && length > 0) {
        answer.pipe(flipByteAt(Math.floor(length / 2))).pipe(res);
      } else if (fault?.kind === 'drop' && length > 0) {
        answer.pipe(cutAfter(Math.floor(length / 2), res)).pipe(res);
      } else if (fault?.kind === 'drop') {
        // Nothing to cut in half: the answer is lost altogether.
        answer.resume();
        res.socket?.destroy();
      } else {
        answer.pipe(res);
      }
    },
  );
  out.on('error', () => res.socket?.destroy());
  req.pipe(out);
}

function rewriteBody(
  answer: IncomingMessage,
  res: ServerResponse,
  headers: IncomingHttpHeaders,
  rewrite: (text: string) => string,
): void {
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.on('end', () => {
    const body = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')), 'utf8');
    const { 'transfer-encoding': _chunked, ...rest } = headers;
    res.writeHead(answer.statusCode ?? 502, { ...rest, 'content-length': body.length });
    res.end(body);
  });
}

function flipByteAt(offset: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (offset >= seen && offset < seen + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[offset - seen] = (copy[offset - seen] ?? 0) ^ 0xff;
        chunk = copy;
      }
      seen += chunk.length;
      callback(null, chunk);
    },
  });
}

function cutAfter(limit: number, res: ServerResponse): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const room = limit - seen;
      seen += chunk.length;
      if (room > chunk.length) return callback(null, chunk);
      this.push(chunk.subarray(0, Math.max(room, 0)));
      // Let the bytes before the cut reach the client, then close mid-body.
      setImmediate(() => res.socket?.destroy());
      callback();
    },
  });
}

async function stopServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
