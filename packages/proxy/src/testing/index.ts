// Test helpers for adapter authors: a scripted model on loopback and the suite every mode runs.
// Imports vitest, so use it from test files only.
export {
  ADAPTER_CONVERSATION,
  type AdapterDriver,
  type AdapterMode,
  type AdapterReply,
  DEPLOY_FACT,
  DEPLOY_LOG,
  runAdapterSuite,
} from './adapter-suite.js';
export {
  answerScripted,
  type ModelRequest,
  type ModelScript,
  promptTokens,
  readRequest,
  type ScriptedCall,
  type ScriptedModel,
  type ScriptedTurn,
  startScriptedModel,
} from './scripted-model.js';
