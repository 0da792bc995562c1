// Renders the checked-in sample history into out/reports/sample/:
//   npx tsx reports/render-sample.ts [output-dir]
import { sampleRun } from './sample-run.js';
import { writeRunReport } from './write-run-report.js';

const written = await writeRunReport(process.argv[2], sampleRun());
console.log(`report: ${written.html}\ndata:   ${written.json}`);
