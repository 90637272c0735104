// JetStream refuses to create a stream whose subjects overlap another stream's, in words that do
// not say which: "subjects overlap with an existing stream". On a NATS server that outlives runs
// the other stream is typically one an older FlexArena made: its tournament work queue lived on
// flexarena.games.> / flexarena.results.> (streams FLEXARENA_GAMES, FLEXARENA_GAME_RESULTS) until
// it moved under flexarena-tournament.> (commit 72849f3), because flexarena.games.settlement.x
// matches the settlement stream's flexarena.*.settlement.> too. A server that kept those streams
// refuses the settlement stream for good: every run on it failed with that sentence.
import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';

/** JetStream's err_code for "subjects overlap with an existing stream" (JSStreamSubjectOverlapErr). */
export const STREAM_SUBJECT_OVERLAP = 10065;

/** Streams earlier versions made whose subjects overlap today's, and what they were. */
export const RETIRED_STREAMS: Readonly<Record<string, string>> = {
  FLEXARENA_GAMES: "an older FlexArena's tournament work queue",
  FLEXARENA_GAME_RESULTS: "an older FlexArena's tournament results",
};

/**
 * When `err` is JetStream's refusal of `stream` for overlapping subjects: one line naming the
 * streams in the way and how to remove them; undefined for any other error.
 */
export async function streamOverlapMessage(
  jsm: JetStreamManager,
  stream: { name: string; subjects: readonly string[] },
  err: unknown,
): Promise<string | undefined> {
  if (!(err instanceof JetStreamApiError && err.code === STREAM_SUBJECT_OVERLAP)) return undefined;
  const what = `stream ${stream.name} (${stream.subjects.join(', ')}) cannot be created`;
  const others = await overlappingStreams(jsm, stream).catch(() => []);
  if (others.length === 0)
    return `${what}: ${err.message}; \`nats stream ls\` lists the streams, \`nats stream rm <name>\` removes one`;
  const described = others.map(({ name, subjects }) => {
    const retired = RETIRED_STREAMS[name];
    return `${name} (${subjects.join(', ')}${retired ? `; ${retired}` : ''})`;
  });
  const rm = others.map(({ name }) => `\`nats stream rm ${name}\``).join(' and ');
  return (
    `${what}: its subjects overlap those of the stream${others.length > 1 ? 's' : ''} ${described.join(', ')} ` +
    `on this server; remove ${others.length > 1 ? 'them' : 'it'} with ${rm} (or use another NATS server)`
  );
}

/** The streams whose subjects collide with `stream`'s (the server's STREAM.NAMES subject filter). */
async function overlappingStreams(
  jsm: JetStreamManager,
  stream: { name: string; subjects: readonly string[] },
): Promise<{ name: string; subjects: string[] }[]> {
  const names = new Set<string>();
  for (const subject of stream.subjects)
    for await (const name of jsm.streams.names(subject)) if (name !== stream.name) names.add(name);
  return Promise.all(
    [...names].sort().map(async (name) => ({
      name,
      subjects: (await jsm.streams.info(name)).config.subjects ?? [],
    })),
  );
}
