// The run id of one study run (a variant on one world seed): its run folder's name and the id its
// records carry, at most 64 characters. An id that fits is kept as it always was (a study folder
// made before resumes with the same ids). A longer one was cut at 64, and two variants whose ids
// differ only past that (sizes 0.1234567890123456 and …457 with a long study name) shared one
// run id: it keeps a readable start and ends with a hash of the whole id instead.
import { createHash } from 'node:crypto';

/** The longest run id a study run gets. */
export const STUDY_RUN_ID_MAX = 64;
/** Hex digits of the hash that ends a shortened id (48 bits: two runs of a study all but never share one). */
const HASH_CHARS = 12;

export function studyRunId(studyName: string, seedIndex: number, variantId: string): string {
  const whole = `${studyName.slice(0, 40)}-s${seedIndex}-${variantId}`;
  const id = whole.replace(/[^a-z0-9-]/g, '-');
  if (id.length <= STUDY_RUN_ID_MAX) return id;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, HASH_CHARS);
  return `${id.slice(0, STUDY_RUN_ID_MAX - HASH_CHARS - 1).replace(/-+$/, '')}-${hash}`;
}
