/** A SWE-agent `.traj` file: the agent's steps with the observation each action returned. */
export interface Trajectory {
  readonly trajectory: readonly { action: string; observation: string; response: string }[];
}

/**
 * A trajectory as the OpenAI Chat conversation the agent had: each step an assistant turn calling
 * a `bash` tool, followed by the tool's observation.
 */
export function trajectoryMessages(traj: Trajectory): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: 'You are a software engineering agent with a bash tool.' },
    { role: 'user', content: 'Fix the issue described in the repository.' },
  ];
  traj.trajectory.forEach((step, i) => {
    messages.push({
      role: 'assistant',
      content: step.response,
      tool_calls: [
        {
          id: `call_${i}`,
          type: 'function',
          function: { name: 'bash', arguments: JSON.stringify({ command: step.action }) },
        },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: step.observation });
  });
  return messages;
}
