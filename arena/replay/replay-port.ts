// An agent port that answers from the tape: the batch the agent sent at this wake-up (an empty
// one if it sent nothing, as the tape records only batches with actions), a missed deadline, or
// absence. An agent recorded absent stays absent until the tape shows it answering again.
import type { AgentPort, DecisionOutcome, DecisionRequest } from '../../sim/index.js';
import { answerKey, type TapeAnswers } from './tape-answers.js';

export class ReplayPort implements AgentPort {
  private absent = false;

  constructor(
    readonly agentId: string,
    private readonly tape: TapeAnswers,
  ) {}

  async decide(req: DecisionRequest): Promise<DecisionOutcome> {
    const answer = this.tape.answers.get(answerKey(this.agentId, req.wakeId));
    if (this.tape.absentAt.get(this.agentId)?.has(req.timeMs)) this.absent = true;
    if (answer) this.absent = false;
    if (this.absent) return 'absent';
    req.takeMessages();
    req.wakeUp();
    if (answer?.kind === 'missed') return 'missed';
    // The actions go through the door again exactly as recorded (rejected ones included), so the
    // same rejections and the same fills follow.
    req.submit({ wakeId: req.wakeId, actions: (answer?.actions ?? []) as never[] });
    return 'answered';
  }

  end(): void {}
}
