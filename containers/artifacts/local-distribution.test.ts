import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { describeFlinkBuild, releaseFrom } from './flink-release.js';
import { distributionPath, folderChecksum, inspectLocalDistribution, missingParts, versionFromDistJarName } from './local-distribution.js';

// Fixture folders shaped like a Flink binary distribution, small: a flink-dist
// jar made with the JDK's `jar` tool (with or without a manifest version),
// bin/flink, conf/. Enough for the layout, checksum and version rules; the
// real distribution runs in a cluster scenario (`--flink-version dist:<folder>`).
const root = mkdtempSync(path.join(os.tmpdir(), 'local-dist-test-'));
const cache = path.join(root, 'cache');

function makeDist(name: string, o: { jar?: string | null; manifestVersion?: string; bin?: boolean; flinkScript?: boolean; conf?: boolean } = {}): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  const jar = o.jar === undefined ? 'flink-dist-2.3.0.jar' : o.jar;
  if (jar !== null) {
    const content = path.join(root, `${name}-jar`);
    mkdirSync(path.join(content, 'org', 'apache', 'flink'), { recursive: true });
    writeFileSync(path.join(content, 'org', 'apache', 'flink', 'Dist.class'), name);
    const mf = path.join(root, `${name}.mf`);
    writeFileSync(mf, o.manifestVersion ? `Implementation-Title: Flink : Dist\nImplementation-Version: ${o.manifestVersion}\n` : 'Created-By: test\n');
    execFileSync('jar', ['cfm', path.join(dir, 'lib', jar), mf, '-C', content, '.']);
  }
  if (o.bin !== false) {
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    if (o.flinkScript !== false) {
      writeFileSync(path.join(dir, 'bin', 'flink'), '#!/bin/sh\n');
      chmodSync(path.join(dir, 'bin', 'flink'), 0o755);
    }
  }
  if (o.conf !== false) {
    mkdirSync(path.join(dir, 'conf'), { recursive: true });
    writeFileSync(path.join(dir, 'conf', 'config.yaml'), 'jobmanager.rpc.address: localhost\n');
  }
  return dir;
}

const REGISTRIES = {
  releases: '1.20.3 2.0.2 2.1.3 2.2.1 2.3.0'.split(' '),
  central: '3.4.0-1.20 4.0.1-2.0 5.0.0-2.1 5.0.0-2.2'.split(' '),
};

describe('a local Flink distribution', () => {
  test('dist:<path> names one; a release number does not', () => {
    expect(distributionPath('dist:/tmp/flink-2.3.0')).toBe('/tmp/flink-2.3.0');
    expect(distributionPath('2.3.0')).toBeUndefined();
  });

  test('a folder is read for its version (manifest first, else the jar name) and a content checksum', async () => {
    const withManifest = await inspectLocalDistribution(makeDist('manifest', { jar: 'flink-dist-2.3.0.jar', manifestVersion: '2.3.0' }), cache);
    expect(withManifest).toMatchObject({ version: '2.3.0', versionFrom: 'manifest', checksumOf: 'folder', distJar: 'lib/flink-dist-2.3.0.jar' });
    expect(withManifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A patched build renamed by hand: the manifest, written by the build, is what counts.
    expect(await inspectLocalDistribution(makeDist('renamed', { jar: 'flink-dist-patched.jar', manifestVersion: '2.2.1' }), cache)).toMatchObject({ version: '2.2.1', versionFrom: 'manifest' });
    expect(await inspectLocalDistribution(makeDist('no-manifest', { jar: 'flink-dist-2.1.3.jar' }), cache)).toMatchObject({ version: '2.1.3', versionFrom: 'file name' });
    await expect(inspectLocalDistribution(makeDist('no-version', { jar: 'flink-dist.jar' }), cache)).rejects.toThrow(/lib\/flink-dist\.jar names no Flink version/);
  });

  test('a folder that is not a distribution is one error naming every part it lacks', async () => {
    const nothing = path.join(root, 'empty');
    mkdirSync(nothing);
    expect(await missingParts(nothing)).toEqual(['lib/flink-dist*.jar', 'bin/', 'conf/']);
    await expect(inspectLocalDistribution(nothing, cache)).rejects.toMatchObject({
      name: 'HarnessError',
      message: `${nothing} is not a Flink distribution: it has no lib/flink-dist*.jar, no bin/, no conf/.`,
      fix: expect.stringContaining('bin/, conf/, lib/'),
    });
    await expect(inspectLocalDistribution(makeDist('no-bin', { bin: false }), cache)).rejects.toThrow(/it has no bin\/\.$/);
    await expect(inspectLocalDistribution(makeDist('no-flink-script', { flinkScript: false }), cache)).rejects.toThrow(/it has no bin\/flink\.$/);
    await expect(inspectLocalDistribution(makeDist('no-jar', { jar: null }), cache)).rejects.toThrow(/it has no lib\/flink-dist\*\.jar\.$/);
    await expect(inspectLocalDistribution(path.join(root, 'nowhere'), cache)).rejects.toThrow(/no such file or folder/);
    const notTar = path.join(root, 'flink.zip');
    writeFileSync(notTar, 'x');
    await expect(inspectLocalDistribution(notTar, cache)).rejects.toThrow(/neither a folder nor a \.tgz/);
  });

  test('a tarball is checksummed as a file, unpacked once, and its top folder is the distribution', async () => {
    const dir = makeDist('flink-2.3.0', { manifestVersion: '2.3.0' });
    const tgz = path.join(root, 'flink-2.3.0-bin-scala_2.12.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', root, 'flink-2.3.0']);
    const first = await inspectLocalDistribution(tgz, cache);
    expect(first).toMatchObject({ source: tgz, checksumOf: 'tarball', version: '2.3.0' });
    expect(await missingParts(first.folder)).toEqual([]);
    expect(path.basename(first.folder)).toBe('flink-2.3.0');
    expect((await inspectLocalDistribution(tgz, cache)).folder).toBe(first.folder);
    expect(first.sha256).not.toBe(await folderChecksum(dir));
    const broken = path.join(root, 'broken.tgz');
    writeFileSync(broken, 'not gzip');
    await expect(inspectLocalDistribution(broken, cache)).rejects.toThrow(/could not be unpacked/);
    const notDist = path.join(root, 'not-dist.tgz');
    execFileSync('tar', ['-czf', notDist, '-C', root, 'empty']);
    await expect(inspectLocalDistribution(notDist, cache)).rejects.toThrow(/not-dist\.tgz is not a Flink distribution: it has no lib\/flink-dist\*\.jar, no bin\/, no conf\/ \(unpacked to /);
  });

  test('the folder checksum follows content, not where the folder sits; one changed byte changes it', async () => {
    const a = makeDist('sum-a', { manifestVersion: '2.3.0' });
    const b = makeDist('sum-b', { manifestVersion: '2.3.0' });
    // The jars differ (each holds its own name); make them equal by a copy.
    execFileSync('cp', [path.join(a, 'lib', 'flink-dist-2.3.0.jar'), path.join(b, 'lib', 'flink-dist-2.3.0.jar')]);
    const base = await folderChecksum(a);
    expect(await folderChecksum(b)).toBe(base);
    // log/ is not part of what the image runs.
    mkdirSync(path.join(b, 'log'));
    writeFileSync(path.join(b, 'log', 'x.log'), 'noise');
    expect(await folderChecksum(b)).toBe(base);
    writeFileSync(path.join(b, 'conf', 'config.yaml'), 'jobmanager.rpc.address: localhosT\n');
    expect(await folderChecksum(b)).not.toBe(base);
    chmodSync(path.join(a, 'bin', 'flink'), 0o644);
    expect(await folderChecksum(a)).not.toBe(base);
  });

  test('flink-dist jar names: the version, Scala suffix or not; other names none', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(30), fc.nat(30), fc.constantFrom('', '-rc1', '-SNAPSHOT'), fc.boolean(), (ma, mi, pa, suffix, scala) => {
        const v = `${ma}.${mi}.${pa}${suffix}`;
        expect(versionFromDistJarName(`flink-dist${scala ? '_2.12' : ''}-${v}.jar`)).toBe(v);
      }),
    );
    for (const n of ['flink-dist.jar', 'flink-dist-patched.jar', 'flink-table-2.3.0.jar']) expect(versionFromDistJarName(n)).toBeUndefined();
  });

  test("stands in for its release: its version's connector (KAFKA_CONNECTOR_VERSIONS by that version), reported with its checksum", async () => {
    const distribution = await inspectLocalDistribution(makeDist('release', { jar: 'flink-dist-2.2.1.jar', manifestVersion: '2.2.1' }), cache);
    const release = await releaseFrom(`dist:${distribution.source}`, { perRelease: {} }, { ...REGISTRIES, distribution });
    expect(release).toMatchObject({ version: '2.2.1', line: '2.2', kafkaConnector: '5.0.0-2.2', kafkaConnectorSource: 'Maven Central', distribution });
    expect(describeFlinkBuild(release, 'flink-harness/flink:2.2.1-dist-abc')).toBe(
      `Flink 2.2.1 from the local distribution ${distribution.source} (folder sha256 ${distribution.sha256}; version from lib/flink-dist-2.2.1.jar's manifest), image flink-harness/flink:2.2.1-dist-abc`,
    );
    // A release candidate of 2.3.0 before its connector exists: the map names one for its version.
    const rc = await inspectLocalDistribution(makeDist('rc', { jar: 'flink-dist-2.3.0.jar', manifestVersion: '2.3.0' }), cache);
    await expect(releaseFrom(`dist:${rc.source}`, { perRelease: {} }, { ...REGISTRIES, distribution: rc })).rejects.toThrow(/Flink 2.3.0 has no flink-connector-kafka of its line/);
    expect(await releaseFrom(`dist:${rc.source}`, { perRelease: { '2.3.0': { kind: 'maven', version: '5.0.0-2.2' } } }, { ...REGISTRIES, distribution: rc })).toMatchObject({
      version: '2.3.0',
      kafkaConnector: '5.0.0-2.2',
      kafkaConnectorSource: 'KAFKA_CONNECTOR_VERSIONS',
    });
    // Not on PyPI (a patched build) is fine; older than the 1.20 LTS is not.
    const old = await inspectLocalDistribution(makeDist('old', { jar: 'flink-dist-1.19.9.jar', manifestVersion: '1.19.9' }), cache);
    await expect(releaseFrom(`dist:${old.source}`, { perRelease: {} }, { ...REGISTRIES, distribution: old })).rejects.toThrow(/old \(Flink 1.19.9\) is older than the 1.20 LTS line/);
    expect(describeFlinkBuild({ ...release, distribution: undefined })).toBe('Flink 2.2.1 from PyPI (apache-flink-libraries, apache-flink)');
  });
});
