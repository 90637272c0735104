// The public entry of the evaluation: scoring runs from their settlement records (in process as a
// record sink, from a run folder, or as the evaluator process on JetStream), perfect-foresight
// bounds, and the scores' types. Definitions: docs/evaluation.md.
export {
  type BatteryBoundSpec,
  BoundInputError,
  type BoundPeriod,
  type BoundProblem,
  type BoundResult,
  boundLpText,
  solveBoundDp,
  solveBoundHighs,
  type Terminal,
} from './bound/battery-bound.js';
export { type BoundSolver, dayAheadPeriod, multiMarketPeriod, popScores } from './bound/pop.js';
export { computeScores, type ScoreInputs } from './compute-scores.js';
export { EVALUATOR_VERSION, scoreInputsSha256 } from './inputs-digest.js';
export { type ChartSpec, escapeHtml, htmlTable, type ReportPage, reportHtml } from './report/html-page.js';
export {
  CHROMIUM,
  CHROMIUM_ARGS,
  type RenderedReport,
  ReportRenderError,
  renderPngs,
} from './report/render-png.js';
export { runReport, runReportCharts } from './report/run-report.js';
export { ReportWriteError, type WrittenReport, writeReport } from './report/write-report.js';
export { RunFolderError, scoreRunFolder, scorerFromRunFolder, scoresCsv, writeScores } from './run-folder.js';
export { type AddResult, EvaluationInputError, RunScorer } from './run-scorer.js';
export type { AgentScores, PopFigure, PopScores, RunScores, RunSeries } from './scores.js';
export {
  EvaluatorConnectError,
  type EvaluatorOptions,
  EvaluatorService,
} from './service/evaluator-service.js';
export type { RunStatus } from './service/http-endpoint.js';
export { JournalCorruptError, JournalDirError } from './service/journal.js';
