// Extra per-workload columns for the benchmark's main table (suite.mjs), so a
// measurement can be added beside the times without touching the suite. Each
// entry is
//
//   {
//     header: 'bytes/call',            // the column's title
//     legend: 'what the column means', // optional, printed under the table
//     cell({ wl, library, ms, tc }) {  // one row: the workload (workloads.mjs),
//       ...                            // 'tconv' | 'tconv out' | 'ORT' | 'tfjs',
//       return '12.3 MB (1.4× bound)'; // its median ms, the Tconv instance;
//     },                               // a string, or undefined for an empty cell
//   }
//
// Cells are computed after every workload has run (nothing here is timed),
// and the column is right-aligned. Works in Node and in the browser.

/** @type {{ header: string, legend?: string, cell: (row: { wl: object, library: string, ms: number, tc: object }) => string | undefined }[]} */
export const EXTRA_COLUMNS = [];
