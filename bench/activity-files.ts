// `node bench/dist/activity-files.js` (after `npx tsc -b`): how fast @runnerly/activity-files turns
// files into runs, against the floor of the libraries it wraps: saxes alone over the same GPX text,
// Garmin's Decoder alone over the same FIT bytes. The difference is track summary, polyline, hashing
// and the worker thread hand-over. Medians of several runs; the machine's other load shows in them.
import { Decoder, Encoder, Profile, Stream, type Encodable, type Mesg } from '@garmin/fitsdk';
import { parseUpload } from '@runnerly/activity-files';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import yazl from 'yazl';

const RUNS = 5;
const POINTS = 20_000;
const EXPORT_FILES = 50;
const EXPORT_POINTS = 3_600;
const START = Date.UTC(2026, 2, 1, 7, 0, 0);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeRuns(action: () => unknown): Promise<number> {
  await action(); // warm-up (also starts the parse workers)
  const durations: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await action();
    durations.push(performance.now() - started);
  }
  return median(durations);
}

function gpxText(points: number, name: string): string {
  const trkpts = Array.from({ length: points }, (_, i) =>
    `<trkpt lat="${(45 + i * 0.00003).toFixed(6)}" lon="${(7 + Math.sin(i / 100) * 0.001).toFixed(6)}"><ele>${100 + (i % 40)}</ele>` +
    `<time>${new Date(START + i * 1000).toISOString()}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${140 + (i % 20)}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>`,
  ).join('\n');
  return `<?xml version="1.0"?><gpx version="1.1" xmlns:gpxtpx="urn:x"><trk><name>${name}</name><type>running</type><trkseg>\n${trkpts}\n</trkseg></trk></gpx>`;
}

function fitBytes(points: number): Uint8Array {
  const encoder = new Encoder();
  const write = (mesg: Record<string, unknown> & { mesgNum: number }) => encoder.writeMesg(mesg as Encodable<Mesg>);
  write({ mesgNum: Profile.MesgNum.FILE_ID!, type: 'activity', manufacturer: 'development', product: 1, timeCreated: new Date(START), serialNumber: 1 });
  for (let i = 0; i < points; i++) {
    write({
      mesgNum: Profile.MesgNum.RECORD!,
      timestamp: new Date(START + i * 1000),
      positionLat: Math.round((45 + i * 0.00003) * (2 ** 31 / 180)),
      positionLong: Math.round((7 + Math.sin(i / 100) * 0.001) * (2 ** 31 / 180)),
      altitude: 100 + (i % 40),
      heartRate: 140 + (i % 20),
      distance: i * 3.3,
    });
  }
  write({ mesgNum: Profile.MesgNum.SESSION!, timestamp: new Date(START + points * 1000), startTime: new Date(START), sport: 'running', totalElapsedTime: points, totalTimerTime: points, totalDistance: points * 3.3 });
  return encoder.close();
}

async function exportZip(): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  const rows = ['"Activity ID","Activity Name","Activity Type","Filename"'];
  for (let i = 0; i < EXPORT_FILES; i++) {
    rows.push(`"${i}","Run ${i}","Run","activities/${i}.gpx.gz"`);
    zip.addBuffer(gzipSync(gpxText(EXPORT_POINTS, `run ${i}`)), `activities/${i}.gpx.gz`, { compress: false });
  }
  zip.addBuffer(Buffer.from(rows.join('\n')), 'activities.csv');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function main(): Promise<void> {
  const gpx = new TextEncoder().encode(gpxText(POINTS, 'bench'));
  const gpxFloor = await timeRuns(() => new SaxesParser().write(new TextDecoder().decode(gpx)).close());
  const gpxFull = await timeRuns(() => parseUpload('bench.gpx', gpx));
  console.log(`GPX ${POINTS} points (${(gpx.length / 1e6).toFixed(1)} MB): parseUpload ${gpxFull.toFixed(0)} ms, saxes alone ${gpxFloor.toFixed(0)} ms, ratio ${(gpxFull / gpxFloor).toFixed(2)}`);

  const fit = fitBytes(POINTS);
  const fitFloor = await timeRuns(() => new Decoder(Stream.fromByteArray(fit)).read());
  const fitFull = await timeRuns(() => parseUpload('bench.fit', fit));
  console.log(`FIT ${POINTS} records (${(fit.length / 1e6).toFixed(1)} MB): parseUpload ${fitFull.toFixed(0)} ms, Decoder.read alone ${fitFloor.toFixed(0)} ms, ratio ${(fitFull / fitFloor).toFixed(2)}`);

  const archive = await exportZip();
  const exportMs = await timeRuns(async () => {
    const outcomes = await parseUpload('export.zip', archive);
    if (outcomes.filter((o) => o.status === 'parsed').length !== EXPORT_FILES) throw new Error('export bench: not every run parsed');
  });
  console.log(`Strava export, ${EXPORT_FILES} runs of ${EXPORT_POINTS} points as .gpx.gz (${(archive.length / 1e6).toFixed(1)} MB): ${exportMs.toFixed(0)} ms, ${(exportMs / EXPORT_FILES).toFixed(1)} ms per run`);
}

await main();
