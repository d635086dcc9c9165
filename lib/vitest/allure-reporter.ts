// allure-vitest's reporter with a writer that neither fsyncs nor blocks: the stock FileSystemWriter writes each of the
// run's thousands of result files synchronously through a temp file, fsync and rename, which kept the main process
// busy for ~10 s at the end of every run (still ~3 s with plain synchronous writes). The results are written once,
// after the run, a bounded number at a time on libuv's threads, and the run waits for them; a crash mid-write loses
// a report that a rerun rebuilds, so durability per file buys nothing here.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';
import AllureVitestReporter from 'allure-vitest/reporter';
import type { Vitest } from 'vitest/node';

const PARALLEL_WRITES = 16;

class BackgroundWriter implements Writer {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = 0;
  private idle?: () => void;
  private readonly ready: Promise<unknown>;

  constructor(private readonly dir: string) {
    this.ready = mkdir(dir, { recursive: true });
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < PARALLEL_WRITES && this.queue.length) {
      const job = this.queue.shift()!;
      this.running++;
      void this.ready.then(job).catch((e: Error) => console.warn(`allure: ${e.message}`)).finally(() => {
        this.running--;
        this.pump();
      });
    }
    if (!this.running && !this.queue.length) this.idle?.();
  }

  /** Resolves once everything queued so far is on disk. */
  flush(): Promise<void> {
    if (!this.running && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => { this.idle = resolve; });
  }

  private write(name: string, data: string | Buffer): void {
    this.enqueue(() => writeFile(join(this.dir, name), data));
  }

  writeResult(result: { uuid: string }): void { this.write(`${result.uuid}-result.json`, JSON.stringify(result)); }
  writeGroup(result: { uuid: string }): void { this.write(`${result.uuid}-container.json`, JSON.stringify(result)); }
  writeAttachment(name: string, content: Buffer): void { this.write(name, content); }
  writeAttachmentFromPath(name: string, from: string): void { this.enqueue(() => copyFile(from, join(this.dir, name))); }
  writeEnvironmentInfo(info: Record<string, string | undefined>): void { this.write('environment.properties', stringifyEnvInfo(info)); }
  writeCategoriesDefinitions(categories: unknown[]): void { this.write('categories.json', JSON.stringify(categories)); }
  writeGlobals(name: string, info: unknown): void { this.write(name, JSON.stringify(info)); }
}

export default class FastAllureReporter extends AllureVitestReporter {
  private writer?: BackgroundWriter;

  constructor(private readonly options: { resultsDir: string }) {
    super(options);
  }

  override onInit(vitest: Vitest): void {
    super.onInit(vitest);
    const runtime = (this as unknown as { allureReporterRuntime: { writer: Writer } }).allureReporterRuntime;
    runtime.writer = this.writer = new BackgroundWriter(this.options.resultsDir);
  }

  override async onTestRunEnd(...args: Parameters<AllureVitestReporter['onTestRunEnd']>): Promise<void> {
    super.onTestRunEnd(...args);
    await this.writer?.flush();
  }
}
