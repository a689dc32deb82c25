// Loaded with --import into a server the bench measures: on SIGUSR2 it prints the process's
// CPU time so far (process.cpuUsage, all threads), which the bench reads from its stdout.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`BENCH_CPU ${user + system}\n`);
});
