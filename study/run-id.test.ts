import { describe, expect, it } from 'vitest';
import { parseStudy } from './config.js';
import { STUDY_RUN_ID_MAX, studyRunId } from './run-id.js';
import { variants } from './variants.js';

const NAME = 'a-study-with-a-name-of-forty-characters-';

describe('studyRunId', () => {
  // Study folders made before keep these ids: a study resumed there finds its runs by them.
  it('keeps an id that fits exactly as it was', () => {
    expect(studyRunId('prices', 0, 'with')).toBe('prices-s0-with');
    expect(studyRunId('prices', 12, 'size-0.5')).toBe('prices-s12-size-0-5');
    expect(studyRunId(`${NAME}and-more`, 3, 'fleet-4')).toBe(`${NAME}-s3-fleet-4`);
    const exact = `${NAME}-s0-size-0-1234567890123`;
    expect(exact).toHaveLength(STUDY_RUN_ID_MAX);
    expect(studyRunId(NAME, 0, 'size-0.1234567890123')).toBe(exact);
  });

  // The id was cut at 64 characters: two variants whose ids differ only past that got one run id
  // (one run folder, one set of records under it).
  it('gives two long variant ids that differ only after character 64 two ids of at most 64', () => {
    const a = studyRunId(NAME, 0, 'size-0.1234567890123456');
    const b = studyRunId(NAME, 0, 'size-0.1234567890123457');
    expect(`${NAME}-s0-size-0-1234567890123456`.slice(0, STUDY_RUN_ID_MAX)).toBe(
      `${NAME}-s0-size-0-1234567890123457`.slice(0, STUDY_RUN_ID_MAX),
    );
    expect(a).not.toBe(b);
    for (const id of [a, b]) {
      expect(id.length).toBeLessThanOrEqual(STUDY_RUN_ID_MAX);
      expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      // Readable: the study, the seed and the start of the variant.
      expect(id.startsWith(`${NAME}-s0-size-0-`)).toBe(true);
    }
    // Stable: the same run gets the same id in every invocation (a resumed study plays it again).
    expect(studyRunId(NAME, 0, 'size-0.1234567890123456')).toBe(a);
  });

  it('gives every run of a study with such sizes its own id', () => {
    const s = parseStudy({
      name: NAME,
      seeds: 3,
      scenario: 'x.yaml',
      agent: 'big',
      sizes: [0.1234567890123456, 0.1234567890123457, 0.1234567890123458, 1],
    });
    const ids = [0, 1, 2].flatMap((k) => variants(s).map((v) => studyRunId(s.name, k, v.id)));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
