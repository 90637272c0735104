// The session stream's envelopes — SessionRequest (hello or action batch) and SessionResponse
// (welcome, wake-up, ack or run end), proto/flexarena/v1/arena_service.proto — written and read
// here rather than through gen/flexarena/v1/arena_service.ts: that file also holds the service's
// grpc-js client and definition, and importing it puts grpc-js (and, through its channelz,
// protobufjs) into every agent process. Each envelope is one oneof of messages from session.proto,
// whose generated codecs do the real work; session-envelope.test.ts checks both against the
// generated envelope codecs, byte for byte and field for field.
import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import type { SessionRequest, SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { ActionAck, ActionBatch, Hello, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';

export type { SessionRequest, SessionResponse };

/** The session method's HTTP/2 path: "/" package.Service "/" Method. */
export const SESSION_PATH = '/flexarena.v1.ArenaService/Session';

/** SessionRequest.encode: the one field of the oneof, length-delimited (tags 1 and 2). */
export function encodeSessionRequest(message: SessionRequest, writer: BinaryWriter): BinaryWriter {
  switch (message.kind?.$case) {
    case 'hello':
      Hello.encode(message.kind.value, writer.uint32(10).fork()).join();
      break;
    case 'actionBatch':
      ActionBatch.encode(message.kind.value, writer.uint32(18).fork()).join();
      break;
  }
  return writer;
}

/**
 * SessionResponse.decode: the last of the oneof's fields wins, as in protobuf; fields of other
 * numbers or wire types are skipped.
 */
export function decodeSessionResponse(reader: BinaryReader): SessionResponse {
  const message: SessionResponse = { kind: undefined };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag) {
      case 10:
        message.kind = { $case: 'welcome', value: Welcome.decode(reader, reader.uint32()) };
        continue;
      case 18:
        message.kind = { $case: 'wakeUp', value: WakeUp.decode(reader, reader.uint32()) };
        continue;
      case 26:
        message.kind = { $case: 'actionAck', value: ActionAck.decode(reader, reader.uint32()) };
        continue;
      case 34:
        message.kind = { $case: 'runEnded', value: RunEnded.decode(reader, reader.uint32()) };
        continue;
    }
    // An end-group tag or a zero tag ends the message, as in the generated decoders.
    if ((tag & 7) === 4 || tag === 0) break;
    reader.skip(tag & 7);
  }
  return message;
}
