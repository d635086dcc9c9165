// dhp-conformance: the command line. Exit codes: 0 conformant (expected gaps allowed), 1 failures (or nothing verified),
// 2 usage or configuration error, 3 a gap closed under --strict-gaps (the matrix needs updating).
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config/target.ts';
import { MatrixError } from '../lib/matrix/load.ts';
import { redactText } from '../lib/client/redact.ts';
import { EXIT } from '../lib/report/results.ts';
import { HistoryError } from '../lib/report/history.ts';
import { MergeError } from '../lib/report/merge.ts';
import { FAULTS } from '../server/faults.ts';

const USAGE = `usage: dhp-conformance <command> [options]

commands:
  run       run the conformance suites (default: every suite against the embedded reference server)
              --target <name|url>   local (default), playground, production, vendor, or a FHIR base URL
              --profile <name>      embedded server profile: playground (default) or conformant
              --suite <a,b>         auth, concurrency, transactions, availability, search, interactions, profiles, terminology (default: all)
              --strict-gaps         exit 3 when an expected gap has closed (the matrix needs updating)
              --shard <i/n>         run one shard of the suite files
              --fault <name[=arg]>  embedded target only: switch on a reference-server fault (repeatable)
              --out <dir>           write the run here instead of reports/runs/<run-id>
              --seed <n>            the run seed (default: from the harness and matrix versions; DHP_SEED too)
              --concurrency <n>     most requests in flight at once across the whole run (default 32; DHP_CONCURRENCY too)
              --certify             write a vendor certificate (always with --target vendor; refused for a target with gaps)
              --verbose             stack traces and vitest's own reporter (DHP_VERBOSE=1 too)
              --history <file>      append the run here and rebuild the dashboard beside it (default reports/history.jsonl;
                                    none with --out or --shard unless given)
  serve     start the reference server alone (--port, --profile, --fault, --latency, --db)
  matrix    regenerate capabilities.json; --check <base-url> prints the drift against a live /metadata
  cleanup   delete what runs left behind, every page of every type: --target <name|url> [--run-id <id>] [--concurrency <n>]
              exit 0 when no tagged resource of a deletable type is left, 1 otherwise
  compare   <a/results.json> <b/results.json>: verdicts that flip between two runs (seeds), each with both seeds;
              --strict exits 1 when any verdict flips
  merge     merge the run folders of one run's shards: merge <dir>… --out <dir> [--history <file>] [--certify]
  history   history import <run-dir>… [--history <file>]: rebuild the history from run folders (downloaded artifacts)
  dashboard rebuild the rollout dashboard from the history: [--history <file>] [--out <dir>] [<run-dir>…]
  verify    verify <run-dir>: check a certificate against every file it covers
  report    report [<run-dir>] [--out <dir>]: the Allure report of a run as one HTML file (default reports/latest)

faults: ${FAULTS.map((f) => f.name).join(', ')}
exit codes: 0 conformant, 1 failures or nothing verified, 2 usage/config error, 3 gap closed under --strict-gaps`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? EXIT.conformant : EXIT.usage;
  }
  switch (command) {
    case 'run': {
      const { values } = parseArgs({
        args: rest, strict: true, options: {
          target: { type: 'string' }, profile: { type: 'string' }, suite: { type: 'string', multiple: true },
          'strict-gaps': { type: 'boolean' }, shard: { type: 'string' }, fault: { type: 'string', multiple: true },
          out: { type: 'string' }, matrix: { type: 'string' }, seed: { type: 'string' },
          concurrency: { type: 'string' },
          verbose: { type: 'boolean' }, certify: { type: 'boolean' }, history: { type: 'string' },
        },
      });
      const { run } = await import('./run.ts');
      return run({
        target: values.target, profile: values.profile, suites: values.suite?.flatMap((s) => s.split(',')).filter(Boolean),
        strictGaps: values['strict-gaps'], shard: values.shard, faults: values.fault, outDir: values.out, matrixFile: values.matrix, seed: values.seed,
        concurrency: values.concurrency,
        verbose: values.verbose, certify: values.certify, history: values.history,
      });
    }
    case 'serve': {
      const { serveMain } = await import('../server/serve.ts');
      await serveMain(rest);
      return EXIT.conformant;
    }
    case 'matrix': {
      process.argv = [process.argv[0]!, 'build-matrix', ...rest];
      await import('../scripts/build-matrix.ts');
      return EXIT.conformant;
    }
    case 'cleanup': {
      const { values } = parseArgs({ args: rest, strict: true, options: { target: { type: 'string' }, 'run-id': { type: 'string' }, concurrency: { type: 'string' } } });
      const { cleanup } = await import('./cleanup.ts');
      return cleanup(values.target, values['run-id'], values.concurrency);
    }
    case 'compare': {
      const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { strict: { type: 'boolean' } } });
      if (positionals.length !== 2) throw new ConfigError('compare takes two results.json files');
      const { compare } = await import('./compare.ts');
      return compare(positionals[0]!, positionals[1]!, !!values.strict);
    }
    case 'merge': case 'history': case 'dashboard': case 'verify': case 'report': {
      const reports = await import('./reports.ts');
      const commands = { merge: reports.mergeCommand, history: reports.historyCommand, dashboard: reports.dashboardCommand, verify: reports.verifyCommand, report: reports.reportCommand };
      return commands[command](rest);
    }
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Errors of what the user asked for or named (a matrix, options, run folders, shards, a history): usage, exit 2.
    if (e instanceof MatrixError || e instanceof ConfigError || e instanceof MergeError || e instanceof HistoryError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`dhp-conformance: ${redactText((e as Error).message)}`);
      process.exitCode = EXIT.usage;
    } else {
      console.error(`dhp-conformance: unexpected error: ${redactText((e as Error).stack ?? String(e))}`);
      process.exitCode = EXIT.failures;
    }
  },
);
