// @headroom/memory: save, search and select memories (SQLite with sqlite-vec, under HEADROOM_HOME).
import { openMemory, selectMemories } from '@headroom/memory';

const memory = openMemory();
const project = process.cwd();
await memory.save({ text: 'Tests run with pnpm test', agent: 'codex', project, tags: ['testing'] });
await memory.save({ text: 'Deploys go through the staging cluster first', agent: 'codex', project, tags: ['deploy'] });
const hits = await memory.search('how do I run the tests', { project });
const { text } = await selectMemories(memory, 'run the tests', { budgetTokens: 300, project });
console.log(JSON.stringify({ hits: hits.length, first: hits[0]?.entry.text, selected: text }));
await memory.close();
