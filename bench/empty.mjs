// An empty ES module: the bench times `node bench/empty.mjs` as the start-up floor of an ESM program.
