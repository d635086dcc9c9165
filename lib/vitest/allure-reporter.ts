// allure-vitest's reporter with a writer that does not fsync: the stock FileSystemWriter writes each of the run's
// thousands of result files through a temp file, fsync and rename, which kept the main process busy for ~10 s at
// the end of every run. The results are written once, after the run; a crash mid-write loses a report that a
// rerun rebuilds, so durability per file buys nothing here.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';
import AllureVitestReporter from 'allure-vitest/reporter';
import type { Vitest } from 'vitest/node';

class PlainWriter implements Writer {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private write(name: string, data: string | Buffer): void {
    writeFileSync(join(this.dir, name), data);
  }

  writeResult(result: { uuid: string }): void { this.write(`${result.uuid}-result.json`, JSON.stringify(result)); }
  writeGroup(result: { uuid: string }): void { this.write(`${result.uuid}-container.json`, JSON.stringify(result)); }
  writeAttachment(name: string, content: Buffer): void { this.write(name, content); }
  writeAttachmentFromPath(name: string, from: string): void { copyFileSync(from, join(this.dir, name)); }
  writeEnvironmentInfo(info: Record<string, string | undefined>): void { this.write('environment.properties', stringifyEnvInfo(info)); }
  writeCategoriesDefinitions(categories: unknown[]): void { this.write('categories.json', JSON.stringify(categories)); }
  writeGlobals(name: string, info: unknown): void { this.write(name, JSON.stringify(info)); }
}

export default class FastAllureReporter extends AllureVitestReporter {
  constructor(private readonly options: { resultsDir: string }) {
    super(options);
  }

  override onInit(vitest: Vitest): void {
    super.onInit(vitest);
    const runtime = (this as unknown as { allureReporterRuntime: { writer: Writer } }).allureReporterRuntime;
    runtime.writer = new PlainWriter(this.options.resultsDir);
  }
}
