#!/usr/bin/env node
// Captures real tool outputs on this machine and writes tool-qa cases from them: each case's
// question and answer are taken from the output itself (a record picked at a fixed position), so
// no answer is written by hand. Run from the repository root:
//   node evals/data/capture-tool-outputs.mjs EXPRESS_GIT_DIR
// EXPRESS_GIT_DIR: a clone of github.com/expressjs/express (MIT), for the git outputs.
// Needs git, apt-cache, dpkg, openssl, python3 and npm (registry access for `npm view`).
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, 'tool-outputs-captured');
const express = process.argv[2];
if (!express) throw new Error('usage: capture-tool-outputs.mjs EXPRESS_GIT_DIR');

const run = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
/** The item at a fixed fraction of a list, away from its head and tail (what a blind head/tail keeps). */
const pick = (list, at = 0.61) => list[Math.floor(list.length * at)];
function save(id, kind, command, content, question, answer) {
  // Compared as the checker compares: runs of whitespace as one space.
  const collapse = (t) => t.replace(/\s+/g, ' ');
  if (collapse(content).split(collapse(answer)).length !== 2)
    throw new Error(`${id}: the answer is not in the content exactly once`);
  writeFileSync(
    join(OUT, `${id}.json`),
    `${JSON.stringify({ id, kind, command, content, question, answer }, null, 1)}\n`,
  );
  console.log(`${id}: ${content.length} chars — ${question} → ${answer}`);
}

// git log: the author of a commit named by its hash; the date of one named by its subject.
{
  const log = run('git', ['--git-dir', express, 'log', '-n', '300', '--no-merges']);
  const commits = log.split(/\n(?=commit [0-9a-f]{40}\n)/);
  // A commit whose author has no other commit here, so only that commit's record holds the answer.
  const authorOf = (c) => /^Author: (.+)$/m.exec(c)[1];
  const a = pick(commits.filter((c) => log.split(authorOf(c)).length === 2));
  const hash = /^commit ([0-9a-f]{40})/.exec(a)[1];
  const author = /^Author: (.+)$/m.exec(a)[1];
  save(
    'c01_git_log_author',
    'git_log',
    'git log -n 300 --no-merges',
    log,
    `Who is the author of commit ${hash}? Answer as "Name <email>".`,
    author,
  );
  const b = pick(commits, 0.37);
  const subject = b
    .split('\n')
    .find((l) => l.startsWith('    '))
    .trim();
  const date = /^Date: +(.+)$/m.exec(b)[1];
  save(
    'c02_git_log_date',
    'git_log',
    'git log -n 300 --no-merges',
    log,
    `On what date was the commit with subject "${subject}" made?`,
    date,
  );
}

// git diff over many files: a line added to one named file.
{
  const tags = run('git', ['--git-dir', express, 'tag', '--sort=creatordate']).trim().split('\n');
  const [from, to] = [tags.at(-70), tags.at(-1)];
  const diff = run('git', ['--git-dir', express, 'diff', from, to, '--', '*.js']).slice(0, 200_000);
  const files = diff.split(/\n(?=diff --git )/);
  const once = (line) => diff.split(line).length === 2;
  const declared = (f) =>
    [...f.matchAll(/^\+(\s*(?:function|var|const|let)\s+\w+.*)$/gm)].map((m) => m[1].trim()).filter(once);
  const file = pick(
    files.filter((f) => declared(f).length > 0),
    0.5,
  );
  const path = /^diff --git a\/(\S+)/.exec(file)[1];
  const line = declared(file)[0];
  const name = /(?:function|var|const|let)\s+(\w+)/.exec(line)[1];
  save(
    'c03_git_diff_named_file',
    'git_diff',
    `git diff ${from} ${to} -- '*.js'`,
    diff,
    `In ${path}, which line does the diff add to declare \`${name}\`?`,
    line,
  );
}

// apt-cache show: a field of one package record, asked by its name and version.
{
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field placeholder
  const names = run('dpkg-query', ['-W', '-f', '${Package}\n']).trim().split('\n').slice(100, 160);
  const show = run('apt-cache', ['show', ...names]);
  const stanzas = show.split(/\n\n+/).filter((s) => /^SHA256: /m.test(s));
  const s = pick(stanzas);
  const name = /^Package: (.+)$/m.exec(s)[1];
  const version = /^Version: (.+)$/m.exec(s)[1];
  const sha = /^SHA256: (.+)$/m.exec(s)[1];
  save(
    'c04_apt_cache_show',
    'apt_cache_show',
    `apt-cache show <60 installed packages>`,
    show,
    `What is the SHA256 of package ${name} version ${version}?`,
    sha,
  );
}

// Certificates: one field of a certificate named by its subject.
{
  const dir = '/etc/ssl/certs';
  const files = run('sh', ['-c', `ls ${dir}/*.pem | sort`])
    .trim()
    .split('\n');
  const blocks = files.map((f) =>
    run('openssl', [
      'x509',
      '-in',
      f,
      '-noout',
      '-subject',
      '-issuer',
      '-serial',
      '-startdate',
      '-enddate',
      '-fingerprint',
      '-sha256',
    ]).trim(),
  );
  const text = blocks.join('\n\n');
  const c = pick(blocks);
  const subject = /^subject=(.+)$/m.exec(c)[1];
  const serial = /^serial=(.+)$/m.exec(c)[1];
  save(
    'c05_certificates',
    'certificates',
    'openssl x509 -noout -subject -issuer -serial -startdate -enddate -fingerprint -sha256, for each CA certificate',
    text,
    `What is the serial number of the certificate whose subject is "${subject}"?`,
    serial,
  );
}

// npm view … time --json: a map keyed by data (version → date).
{
  const json = run('npm', ['view', 'express', 'time', '--json']);
  const versions = Object.keys(JSON.parse(json)).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  const v = pick(versions, 0.45);
  save(
    'c06_npm_time_json',
    'npm_view_json',
    'npm view express time --json',
    json,
    `When was express ${v} published?`,
    JSON.parse(json)[v],
  );
}

// dpkg -l: a fixed-width table; the version of one package.
{
  const table = run('dpkg', ['-l'], { env: { ...process.env, COLUMNS: '200' } });
  const rows = table.split('\n').filter((l) => l.startsWith('ii  '));
  const [, name, version] = pick(rows).trim().split(/\s+/);
  save(
    'c07_dpkg_l',
    'dpkg_list',
    'dpkg -l',
    table,
    `Which version of ${name} does dpkg -l list?`,
    `${name} ${version}`,
  );
}

// An access log: thousands of successful requests and one that failed.
{
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(
    'python3',
    ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', '/usr/share/doc'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  server.stderr.on('data', (d) => {
    log += d;
  });
  await new Promise((r) => setTimeout(r, 800));
  const docs = run('sh', ['-c', 'ls /usr/share/doc | head -400']).trim().split('\n');
  const missing = `/${pick(docs)}/CHANGES-${port}.txt`;
  for (let i = 0; i < 1200; i++) {
    const path = i === 731 ? missing : `/${docs[i % docs.length]}/`;
    await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.arrayBuffer());
  }
  await new Promise((r) => setTimeout(r, 300));
  server.kill();
  save(
    'c08_access_log',
    'access_log',
    'python3 -m http.server (stderr), 1,200 requests',
    log,
    'Which request path got a 404 response?',
    missing,
  );
}

// ls -laR: directory blocks; the size of a file whose name recurs in every directory, asked by its directory.
{
  const listing = run('sh', ['-c', 'ls -laR /usr/share/doc | head -c 150000 | sed "$ d"']);
  const blocks = listing.split(/\n\n+/).filter((b) => /^\/\S+:\n/.test(b) && /\scopyright$/m.test(b));
  const unique = blocks.filter((b) => {
    const line = /^.*\scopyright$/m.exec(b)[0];
    return listing.split(line).length === 2;
  });
  const b = pick(unique);
  const dir = /^(\/\S+):/.exec(b)[1];
  const line = /^.*\scopyright$/m.exec(b)[0];
  save(
    'c09_ls_recursive',
    'ls_recursive',
    'ls -laR /usr/share/doc (first 150,000 bytes)',
    listing,
    `How many bytes is ${dir}/copyright?`,
    line,
  );
}
