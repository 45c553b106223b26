// The agents row's worker: finishes at once, so the row measures a mention's acknowledgement, not opencode starting.
console.log('done');
process.exit(0);
