// The page's one shared state: the agent, the queue, the open conversation, the socket, timers.

export const state = {
  agent: null, // who is logged in: { id, name, role, capacity, languages }
  started: false, // logged in and showing the workspace (a 401 then means the session expired)
  lang: "en", strings: {}, // the agent's language and the page's texts in it
  queue: { queued: [], mine: [], at_capacity: false },
  openId: null, conversation: null, // the conversation on screen
  loyalty: null, // { id, shown }: its shopper's loyalty section, kept while the conversation reloads
  shown: new Set(), // ids of the messages on screen, so a message heard twice shows once
  unread: new Set(), // my conversations with a shopper message not looked at yet
  canned: [],
  socket: null, reconnectAttempt: 0, // failed attempts since the socket last listened
  pinned: true, // the message log follows new messages (the agent has not scrolled back)
  previewSeq: 0, previewTimer: null, refreshTimer: null,
  audio: null, // an AudioContext once the agent did something on the page
};
