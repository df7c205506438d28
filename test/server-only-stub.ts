// Stand-in for the `server-only` marker package under Vitest, where no bundler applies the
// react-server condition. The marker still guards the real app build.
export {};
