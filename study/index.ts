// The public entry of price-maker studies: counterfactual runs of one scenario on the same world
// seeds (without an agent, with its battery scaled, with N identical batteries), the market's
// public figures collected from the output seam, summaries with bootstrap intervals over seeds,
// the files and the report.
export { type StudyAgentFaults, studyAgentFaults, studyFaultLines } from './agent-faults.js';
export { loadStudy, parseStudy, type StudyConfig, studySchema } from './config.js';
export { type MarketFigures, MarketFiguresSink } from './market-sink.js';
export { runsCsv, summaryCsv, writeStudyFiles } from './output.js';
export { studyCharts, studyReport } from './report.js';
export { type BatteryFigures, runVariant, type StudyRun } from './run-variant.js';
export {
  runStudy,
  StudyInterruptedError,
  type StudyOptions,
  type StudyOutcome,
  type StudyProgress,
  studySeed,
} from './runner.js';
export { StudyFolderError, StudyStore } from './store.js';
export {
  type CurvePoint,
  IMPACT_FIGURES,
  type StudySummary,
  summarise,
  type VariantSummary,
} from './summary.js';
export { checkStudy, studiedAgents, type Variant, variantConfig, variants } from './variants.js';
