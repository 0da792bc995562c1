// `npm run report:merge -- <dirs...> --out <dir>`: joins the shard reports of
// one campaign (`npm run campaign -- --shard i/n`, one per CI runner) into one
// campaign report (campaign.json + index.html) and prints its summary.
// Each argument is a folder holding campaign.json (searched up to two levels
// down, as CI artifacts unpack) or a campaign.json itself.
// Exit: 0 merged (whatever the runs' outcomes), 2 the shards could not be merged.
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { writeCampaignReport } from '../reports/campaign-html.js';
import { formatCampaignSummary, mergeCampaigns, type CampaignReport } from '../reports/campaign-summary.js';

const program = new Command('report:merge')
  .description('Join the shard reports of one campaign into one report.')
  .argument('<paths...>', 'shard report folders (or campaign.json files)')
  .requiredOption('--out <dir>', 'where the merged campaign.json and index.html go')
  .exitOverride();

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  throw e;
}

try {
  const files = (await Promise.all(program.args.map((p) => findReports(path.resolve(p), 2)))).flat();
  if (files.length === 0) throw new Error(`no campaign.json under ${program.args.join(', ')}`);
  const reports = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as CampaignReport));
  const merged = mergeCampaigns(reports);
  const out = await writeCampaignReport(path.resolve(program.opts<{ out: string }>().out), merged);
  const shards = merged.shards.map((s) => `${s.index}/${s.count}`).join(', ');
  const expected = merged.shards[0]?.count ?? 1;
  const missing = merged.shards.length < expected ? ` (only ${merged.shards.length} of ${expected} shards)` : '';
  process.stdout.write(`merged ${files.length} report(s), shards ${shards}${missing}\n${formatCampaignSummary(merged.summary)}\n\nCampaign report: ${out.html}\n`);
} catch (e) {
  process.stderr.write(`report:merge: ${String((e as Error)?.message ?? e)}\n`);
  process.exit(2);
}

async function findReports(p: string, depth: number): Promise<string[]> {
  if (!existsSync(p)) throw new Error(`${p} does not exist`);
  if (statSync(p).isFile()) return [p];
  if (existsSync(path.join(p, 'campaign.json'))) return [path.join(p, 'campaign.json')];
  if (depth === 0) return [];
  const subs = (await readdir(p, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => path.join(p, d.name)).sort();
  return (await Promise.all(subs.map((s) => findReports(s, depth - 1)))).flat();
}
