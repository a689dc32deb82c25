// Limits both sides know, so a client can refuse before the wire does.

/** Longest chat message body, in characters. */
export const MAX_MESSAGE_LENGTH = 4000;
/** Largest Socket.IO packet the relay accepts, in bytes. */
export const MAX_PACKET_BYTES = 64 * 1024;
/** Most messages one `sync` answer replays per conversation; `more` says when there are others. */
export const SYNC_PAGE_SIZE = 500;
/** Most conversations one `sync` request may name; clients page longer lists. */
export const MAX_SYNC_CONVERSATIONS = 200;
/** Farthest a site may move the widget's launcher from the window's edge, in px. */
export const MAX_LAUNCHER_OFFSET = 500;
