/**
 * iris, the intent router: every typed message (wa.inbound) and every transcribed voice note
 * (voice.transcribed) becomes one intent.classified; the domain agents pick the intents they own.
 * Messages no agent serves (intent "unknown") are answered by iris itself on wa.outbound.
 */
import { defineAgent } from '@hive/agent';
import { irisConfig } from './config.js';
import { classifyText } from './domain/classify.js';
import { LLM_EXTRACTION, toLlmShape } from './domain/llm-schema.js';
import { onVoiceTranscribed } from './handlers/voice-transcribed.js';
import { onWaMessage } from './handlers/wa-message.js';

export const iris = defineAgent({
  name: 'iris',
  version: '0.1.0',
  description: 'Routes every message (typed or spoken) to the agent that serves it, and answers what none can.',
  skills: [
    {
      name: 'understand',
      description: 'Understands what you mean and hands it to the right agent; anything else gets a pointer to *help*',
      examples: ['I had 2 eggs and toast', 'remind me in 2 minutes to stretch', 'spent 12.50 on lunch'],
    },
    { name: 'undo', description: 'Takes back the last thing you logged, whichever agent it went to', examples: ['undo', 'delete the last expense'] },
  ],
  config: irisConfig,
  // Every message passes through iris: at concurrency 1 its round trips (check, classify, publish,
  // mark) were the queue in front of the whole network at 50 msg/s. One chat's stay in order
  // (the runtime orders by chatId); a model call for one chat no longer holds up the others.
  concurrency: 8,
  reads: {
    'wa.inbound': { 'wa.message': onWaMessage },
    'voice.transcribed': { 'voice.transcribed': onVoiceTranscribed },
  },
  writes: ['intent.classified', 'wa.outbound'],
  // The offline extractor is what the LLM port answers with when the model fails.
  offlineLlm: { extract: { [LLM_EXTRACTION]: (text) => toLlmShape(classifyText(text)) } },
});
