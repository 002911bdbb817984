/**
 * The AI narrative as the UI and the CLI see it: the settings (never the key itself), and one
 * run per case, streamed section by section, each section with its fact-check findings.
 */
import { z } from 'zod';
import type { Finding } from './fact-check';
import type { AiSectionId } from './ai-prompt';

/** Where the API key came from: the OS secure store (app), the environment (CLI, dev host), or typed in for this session. */
export type AiKeySource = 'saved' | 'environment' | 'session';

export type AiStatus = Readonly<{
  enabled: boolean;
  model: string;
  baseURL: string;
  timeoutSeconds: number;
  /** null: no key. The key itself never leaves the backend. */
  key: AiKeySource | null;
  /** On, with a key: the narrative can be asked for. */
  ready: boolean;
  /** Why it is not ready, in a sentence; null when ready. */
  message: string | null;
}>;

export const AiSettingsSchema = z.object({
  enabled: z.boolean(),
  model: z.string().trim().min(1, 'Type the model name.').max(100),
  baseURL: z.string().trim().min(1, 'Type the service address.').max(300),
  timeoutSeconds: z.number().int('Whole seconds.').min(1, 'At least 1 second.').max(300, 'At most 300 seconds.'),
});
export type AiSettings = z.infer<typeof AiSettingsSchema>;

export type AiRunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export type AiSectionState = Readonly<{
  id: AiSectionId;
  /** The whole text so far (replace, not append). */
  text: string;
  done: boolean;
  /** Values the record does not hold; empty until the section is complete. */
  findings: readonly Finding[];
}>;

export type AiRun = Readonly<{
  runId: string;
  caseId: string;
  status: AiRunStatus;
  model: string;
  /** 1, or 2 after the one retry. */
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  /** Failed or cancelled: what happened, in a sentence (the report keeps the standard draft). */
  message: string | null;
  /** In report order, the sections seen so far. */
  sections: readonly AiSectionState[];
  /** Done: sections the answer lacked; the draft's text stands for them. */
  missing: readonly AiSectionId[];
}>;
