// Events and types only the widget (visitor side) uses, beyond the shared timeline events.

/** Visitor → relay events the widget adds. Merged into VisitorClientToServerEvents. */
// biome-ignore lint/complexity/noBannedTypes: filled in as the widget grows
export type WidgetClientToServerEvents = {};
