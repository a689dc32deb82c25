// Events and types only the agent console uses, beyond the shared timeline events.

/** Agent → relay events the console adds. Merged into AgentClientToServerEvents. */
// biome-ignore lint/complexity/noBannedTypes: filled in as the console grows
export type ConsoleClientToServerEvents = {};
