// Below Node 22 the SQLite binding crashes the process; say so in one line instead.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `headroom: needs Node 22 or later (this is Node ${process.versions.node}); see the README's "Where it runs"\n`,
  );
  process.exit(1);
}
const { main } = await import('./cli.js');

// A closed pipe (`headroom compress big.log | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
